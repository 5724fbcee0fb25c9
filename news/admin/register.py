"""The city register's admin: cities (with CSV, merge and protected delete), programmes and
designations, each with its history (news/admin/record_history.py). Every change goes through
news.services.register or news.services.records."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news import csv_io, images
from news.models import City, Designation, Programme
from news.services import CityRecordError, delete_city, merge_cities, save_city

from .busy import BusyDatabaseAdminMixin
from .csv_screens import CsvAdminMixin
from .figures import MetricValueInline
from .record_history import RecordHistoryAdminMixin
from .records import InlineRowsThroughServicesMixin, RecordAdminMixin


class CityFiguresInline(MetricValueInline):
    fk_name = "city"
    verbose_name = _("figure")
    verbose_name_plural = _("figures for this city")
    fields = ["metric", "period", "value", "source_article", "source_note"]
    autocomplete_fields = ["metric", "source_article"]


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    autocomplete_fields = ["city", "programme", "source_article"]


class CityAdminForm(forms.ModelForm):
    class Meta:
        model = City
        fields = [
            "name", "name_zh", "slug", "province", "level", "division_code", "summary", "image",
            "image_alt", "is_featured",
        ]  # fmt: skip

    def clean_image(self):
        """A new upload is checked and re-encoded like an article's images (news.images)."""
        image = self.cleaned_data.get("image")
        if image and image is not self.initial.get("image") and hasattr(image, "content_type"):
            return images.clean_upload(image)
        return image

    def clean_division_code(self):
        code = self.cleaned_data.get("division_code") or None
        if code:
            owner = City.objects.exclude(pk=self.instance.pk).filter(division_code=code).first()
            if owner is not None:
                raise forms.ValidationError(
                    gettext(
                        "Division code %(code)s already belongs to %(city)s: each code names one city."
                    )
                    % {"code": code, "city": owner}
                )
        return code


class CityMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=City.objects.order_by("name", "name_zh"),
        label=_("Merge into"),
        help_text=_(
            "The city that keeps its record; the selected cities' articles, designations "
            "and figures move to it."
        ),
    )


@admin.register(City)
class CityAdmin(
    RecordHistoryAdminMixin,
    InlineRowsThroughServicesMixin,
    BusyDatabaseAdminMixin,
    CsvAdminMixin,
    admin.ModelAdmin,
):
    form = CityAdminForm
    list_display = ["name", "name_zh", "province", "level", "division_code", "is_featured"]
    list_filter = ["province", "level", "is_featured"]
    search_fields = ["name", "name_zh", "division_code", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityFiguresInline]
    csv_importer = staticmethod(csv_io.import_cities)
    csv_exporter = staticmethod(csv_io.export_cities)
    csv_columns = csv_io.CITY_COLUMNS
    csv_filename = "cities.csv"

    actions = [*CsvAdminMixin.actions, "merge_into_another_city"]

    @admin.action(description=_("Merge selected cities into another city"), permissions=["delete"])
    def merge_into_another_city(self, request, queryset):
        """Re-point the selected cities' articles, designations and figures, then delete them."""
        form = CityMergeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            sources = [city for city in queryset if city.pk != into.pk]
            try:
                with transaction.atomic():
                    for city in sources:
                        merge_cities(source=city, into=into, by=request.user)
            except CityRecordError as error:
                self.message_user(
                    request,
                    gettext("Nothing was merged. %(reason)s") % {"reason": error},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("Merged %(count)s city(ies) into %(city)s.")
                    % {"count": len(sources), "city": into},
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Merge cities"),
            "cities": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/news/city_merge.html", context)

    def get_deleted_objects(self, objs, request):
        """Articles about a city protect it: deleting it would silently unlink them."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for city in objs:
            for article in city.articles.order_by("title"):
                protected.append(
                    format_html(
                        gettext(
                            'Article: <a href="{url}">{title}</a> (remove {city} from it, or merge '
                            "the city, first)"
                        ),
                        url=reverse("admin:news_article_change", args=[article.pk]),
                        title=article.title,
                        city=city.display_name,
                    )
                )
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        save_city(city=obj, by=request.user, changed_fields=form.changed_data)

    def delete_model(self, request, obj):
        delete_city(city=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for city in queryset:
            delete_city(city=city, by=request.user)


@admin.register(Programme)
class ProgrammeAdmin(RecordHistoryAdminMixin, RecordAdminMixin, admin.ModelAdmin):
    list_display = ["name", "issuing_body", "start_year", "end_year"]
    list_filter = ["issuing_body"]
    search_fields = ["name", "issuing_body"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DesignationInline]


@admin.register(Designation)
class DesignationAdmin(RecordHistoryAdminMixin, RecordAdminMixin, admin.ModelAdmin):
    list_display = ["city", "programme", "status", "announced_on", "source_article"]
    list_filter = ["status", "programme", "city__province"]
    list_select_related = ["city", "programme", "source_article"]
    search_fields = ["city__name", "city__name_zh", "programme__name"]
    autocomplete_fields = ["city", "programme", "source_article"]
    date_hierarchy = "announced_on"
