"""The editors' interface: every model, with the lists, filters and inlines a newsroom needs."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from taggit.models import Tag

from . import csv_io
from .admin_csv import CsvAdminMixin
from .admin_figures import FigureSuggestionsAdminMixin
from .models import Article, City, Designation, Metric, MetricValue, Programme
from .services import CityRecordError, delete_city, merge_cities


class MetricValueInline(admin.TabularInline):
    model = MetricValue
    extra = 0
    autocomplete_fields = ["metric", "city", "source_article"]
    fields = ["metric", "city", "period", "value", "source_article", "source_note"]


class ArticleFiguresInline(MetricValueInline):
    """On an article: the figures this article reports (their source is the article)."""

    fk_name = "source_article"
    verbose_name = "figure this article reports"
    verbose_name_plural = "figures this article reports"
    fields = ["metric", "city", "period", "value", "source_note"]
    autocomplete_fields = ["metric", "city"]


class CityFiguresInline(MetricValueInline):
    fk_name = "city"
    verbose_name = "figure"
    verbose_name_plural = "figures for this city"
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

    def clean_division_code(self):
        code = self.cleaned_data.get("division_code") or None
        if code:
            owner = City.objects.exclude(pk=self.instance.pk).filter(division_code=code).first()
            if owner is not None:
                raise forms.ValidationError(
                    f"Division code {code} already belongs to {owner}: each code names one city."
                )
        return code


class CityMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=City.objects.order_by("name", "name_zh"),
        label="Merge into",
        help_text="The city that keeps its record; the selected cities' articles, designations "
        "and figures move to it.",
    )


@admin.register(City)
class CityAdmin(CsvAdminMixin, admin.ModelAdmin):
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

    @admin.action(description="Merge selected cities into another city", permissions=["delete"])
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
                self.message_user(request, f"Nothing was merged. {error}", messages.ERROR)
            else:
                self.message_user(request, f"Merged {len(sources)} city(ies) into {into}.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge cities",
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
                        'Article: <a href="{}">{}</a> (remove {} from it, or merge the city, first)',
                        reverse("admin:news_article_change", args=[article.pk]),
                        article.title,
                        city.display_name,
                    )
                )
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        delete_city(city=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for city in queryset:
            delete_city(city=city, by=request.user)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "issuing_body", "start_year", "end_year"]
    list_filter = ["issuing_body"]
    search_fields = ["name", "issuing_body"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DesignationInline]


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ["city", "programme", "status", "announced_on", "source_article"]
    list_filter = ["status", "programme", "city__province"]
    list_select_related = ["city", "programme", "source_article"]
    search_fields = ["city__name", "city__name_zh", "programme__name"]
    autocomplete_fields = ["city", "programme", "source_article"]
    date_hierarchy = "announced_on"


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a box for tags that do not exist yet."""

    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text="Comma-separated tags to create and add, e.g. innovation, talent.",
    )

    source_url = forms.URLField(label="Source URL", required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = [
            "title", "slug", "kind", "summary", "body", "status", "published_at", "updated_on",
            "is_featured", "author", "byline", "source_name", "source_url", "hero_image",
            "hero_alt", "hero_caption", "hero_credit", "cities", "programmes", "seo_title",
            "seo_description",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
            help_text="Start typing to find existing tags.",
        )
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())

    def clean(self):
        cleaned = super().clean()
        names = [name.strip() for name in cleaned.get("new_tags", "").split(",") if name.strip()]
        cleaned["tags"] = [*cleaned.get("tags", []), *names]
        return cleaned


@admin.register(Article)
class ArticleAdmin(FigureSuggestionsAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "kind",
        "status",
        "published_at",
        "updated_on",
        "author",
        "is_featured",
    ]
    list_filter = ["status", "kind", "is_featured", "programmes"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cities", "programmes", "author"]
    inlines = [ArticleFiguresInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_on", "is_featured"]}),
        ("People and sources", {"fields": ["author", "byline", "source_name", "source_url"]}),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]},
        ),
        ("About", {"fields": ["cities", "programmes", "tags", "new_tags"]}),
        ("Search engines", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "slug"]
    search_fields = ["name", "unit", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MetricValue)
class MetricValueAdmin(CsvAdminMixin, admin.ModelAdmin):
    list_display = ["metric", "city", "period", "value", "source_article", "source_note"]
    list_filter = ["metric", "period", "city__province"]
    list_select_related = ["metric", "city", "source_article"]
    search_fields = ["metric__name", "city__name", "city__name_zh", "period"]
    autocomplete_fields = ["metric", "city", "source_article"]
    csv_importer = staticmethod(csv_io.import_metric_values)
    csv_exporter = staticmethod(csv_io.export_metric_values)
    csv_columns = csv_io.METRIC_VALUE_COLUMNS
    csv_filename = "metric-values.csv"
