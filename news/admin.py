"""The editors' interface: every model, with the lists, filters and inlines a newsroom needs."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_prose_editor.fields import ProseEditorFormField
from taggit.models import Tag

from . import csv_io, images, services
from .admin_csv import CsvAdminMixin
from .admin_figures import FigureSuggestionsAdminMixin
from .models import Article, BodyImage, City, Designation, Metric, MetricValue, Programme
from .search import refresh_articles_about, refresh_search_vectors
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


class BodyImageForm(forms.ModelForm):
    class Meta:
        model = BodyImage
        fields = ["image", "alt_text"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return images.clean_upload(image)
        return image


class BodyImageInline(admin.TabularInline):
    """Images for the article text: checked like the hero, renditions made once at upload."""

    model = BodyImage
    form = BodyImageForm
    extra = 0
    fields = ["image", "alt_text", "address"]
    readonly_fields = ["address"]

    @admin.display(description="address to insert in the text")
    def address(self, body_image):
        return body_image.image.url if body_image.pk and body_image.image else "Shown after saving"

    # Whoever may edit the article may manage its images.
    def _may_edit_article(self, request, obj):
        article_admin = self.admin_site._registry[Article]
        if obj is None:
            return article_admin.has_add_permission(request)
        return article_admin.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Article].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit_article(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit_article(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit_article(request, obj)


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "name_zh"} & set(form.changed_data):
            refresh_articles_about([obj.pk])

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


#: What the rich-text editor offers; the model's sanitiser (news/sanitise.py) decides what is kept.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # Only images uploaded under "Images for the text" survive the sanitiser (news/sanitise.py).
    "Image": True,
}


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a box for tags that do not exist yet.

    It also refuses a stale save (someone else saved since this form was opened) without
    losing what was typed, and asks whether a change to a published article is minor or major.
    """

    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text="Comma-separated tags to create and add, e.g. innovation, talent.",
    )

    source_url = forms.URLField(label="Source URL", required=False, assume_scheme="https")
    body = ProseEditorFormField(
        required=False,
        extensions=BODY_EDITOR_EXTENSIONS,
        widget=widgets.AdminTextareaWidget,
        help_text="The article text. Scripts, styles and unsafe links are removed on save.",
    )
    opened_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    change_kind = forms.ChoiceField(
        label="What kind of change is this?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("minor", "Minor: a typo or formatting; readers are not told, the date stays"),
            ("major", "Major: readers should know; needs a change note and moves “Updated”"),
        ],
        help_text="Asked for every change to a published article.",
    )
    change_note = forms.CharField(
        label="Public change note",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a major change: one sentence readers will see, e.g. “Corrected the number of experts.”",
    )

    class Meta:
        model = Article
        fields = [
            "title", "slug", "kind", "summary", "body", "published_at", "updated_on",
            "expires_at", "is_featured", "author", "byline", "source_name", "source_url",
            "hero_image", "hero_alt", "hero_caption", "hero_credit", "cities", "programmes",
            "seo_title", "seo_description",
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
            self.initial["opened_version"] = self.instance.version
        self.stored_status = self.instance.status if self.instance.pk else None
        # What the save must compare with or clean up after: the row as stored before this edit.
        # Kept on the form (one per request), never on the shared ModelAdmin instance.
        self.stored = (
            {
                "path": self.instance.get_absolute_url(),
                "hero": self.instance.hero_image.name,
                "renditions": self.instance.hero_renditions,
                "version": self.instance.version,
            }
            if self.instance.pk
            else {}
        )

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if image and image is not self.initial.get("hero_image") and hasattr(image, "content_type"):
            return images.clean_upload(image)
        return image

    def clean(self):
        cleaned = super().clean()
        names = [name.strip() for name in cleaned.get("new_tags", "").split(",") if name.strip()]
        cleaned["tags"] = [*cleaned.get("tags", []), *names]
        if self.instance.pk:
            self._refuse_stale_save(cleaned)
            if self.stored_status == Article.Status.PUBLISHED and self.has_changed():
                kind = cleaned.get("change_kind")
                if not kind:
                    self.add_error("change_kind", "Say whether this is a minor or a major change.")
                elif kind == "major" and not cleaned.get("change_note", "").strip():
                    self.add_error("change_note", "A major change needs a short public note.")
        return cleaned

    def _refuse_stale_save(self, cleaned) -> None:
        """Compare the version the form was opened with to the stored one, under a row lock.

        The admin runs the whole save in one transaction, so the lock holds until it is saved.
        """
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None:
            self.stored["version"] = current
        if current is None or cleaned.get("opened_version") == current:
            return
        latest = self.instance.revisions.select_related("created_by").first()
        who = latest.created_by.get_username() if latest and latest.created_by else "someone"
        when = timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M") if latest else ""
        self.conflict = {"who": who, "when": when, "version": current}
        # Keep everything typed, but carry the newer version so a deliberate second save
        # (after comparing and merging) goes through.
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = str(current)
        raise forms.ValidationError(
            f"{who} saved this article at {when} after you opened it, so your save was "
            "refused to keep their work. Your text is still in the form below: compare it "
            "with theirs (see Revisions), merge what you need, and save again to replace "
            "their version with yours.",
            code="stale",
        )


@admin.register(Article)
class ArticleAdmin(FigureSuggestionsAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/news/article/change_form.html"
    list_display = [
        "title",
        "kind",
        "status_label",
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
    inlines = [BodyImageInline, ArticleFiguresInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "archive_selected"]
    #: Fields only people who may publish can set.
    EDITOR_FIELDS = ["published_at", "updated_on", "expires_at", "is_featured", "author"]

    def get_fieldsets(self, request, obj=None):
        publishing = ["status", "published_at", "updated_on", "expires_at", "is_featured"]
        if obj is not None:
            publishing += ["last_major_update_at", "withdrawal_reason"]
        fieldsets = [
            (None, {"fields": ["title", "slug", "kind", "summary", "body", "opened_version"]}),
            ("Publishing", {"fields": publishing}),
            ("People and sources", {"fields": ["author", "byline", "source_name", "source_url"]}),
            ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
            ("About", {"fields": ["cities", "programmes", "tags", "new_tags"]}),
            (
                "Search engines",
                {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
            ),
        ]
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            fieldsets.insert(1, ("This change", {"fields": ["change_kind", "change_note"]}))
        if obj is not None:
            fieldsets.append(("Audit trail", {"fields": ["audit_trail"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "last_major_update_at", "withdrawal_reason", "audit_trail"]
        if not services.may_publish(request.user):
            readonly += self.EDITOR_FIELDS
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if self.has_change_permission(request, obj) else {}

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or services.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and services.may_publish(request.user)

    def has_publish_permission(self, request):
        return services.may_publish(request.user)

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.published_at):%Y-%m-%d %H:%M}"
        if obj.status == Article.Status.PUBLISHED and not obj.is_public:
            return "Expired"
        return obj.get_status_display()

    @admin.display(description="who did what, and when")
    def audit_trail(self, obj):
        events = obj.events.select_related("by")
        if not events:
            return "Nothing recorded yet."
        return format_html(
            '<table class="audit-trail"><thead><tr><th scope="col">When</th>'
            '<th scope="col">What</th><th scope="col">Who</th><th scope="col">Note</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}",
                        event.get_action_display(),
                        event.by.get_username() if event.by else "—",
                        event.note,
                    )
                    for event in events
                ),
            ),
        )

    # --- saving -----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        if change:
            obj.version = form.stored["version"] + 1
        new_upload = "hero_image" in form.changed_data
        super().save_model(request, obj, form, change)
        if new_upload:
            services.process_hero_image(
                article=obj,
                previous_name=form.stored.get("hero", ""),
                previous_renditions=form.stored.get("renditions"),
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_edit(
            article=form.instance,
            by=request.user,
            created=not change,
            previous_path=form.stored.get("path"),
            is_major_change=form.cleaned_data.get("change_kind") == "major"
            and form.stored_status == Article.Status.PUBLISHED,
            change_note=form.cleaned_data.get("change_note", ""),
        )
        # Cities and tags are saved after the article: index their names now.
        refresh_search_vectors([form.instance.pk])

    def delete_model(self, request, obj):
        files = [(obj.hero_image.name, obj.hero_renditions)]
        files += [(item.image.name, item.renditions) for item in obj.body_images.all()]
        super().delete_model(request, obj)
        transaction.on_commit(lambda: [images.delete_files(*pair) for pair in files])

    def save_formset(self, request, form, formset, change):
        if formset.model is not BodyImage:
            return super().save_formset(request, form, formset, change)
        stored = {item.pk: (item.image.name, item.renditions) for item in formset.queryset}
        saved = formset.save()
        for body_image in formset.deleted_objects:  # deleted rows keep their field values
            old = (body_image.image.name, body_image.renditions)
            transaction.on_commit(lambda old=old: images.delete_files(*old))
        for body_image in saved:
            previous_name, previous_renditions = stored.get(body_image.pk, ("", []))
            if body_image.image.name != previous_name:
                services.process_body_image(
                    body_image=body_image,
                    previous_name=previous_name,
                    previous_renditions=previous_renditions,
                )
        return saved

    # --- workflow buttons, revisions, preview -----------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/workflow/<slug:transition>/",
                view(self.workflow_view),
                name="news_article_workflow",
            ),
            path("<int:pk>/revisions/", view(self.revisions_view), name="news_article_revisions"),
            path(
                "<int:pk>/revisions/compare/",
                view(self.compare_view),
                name="news_article_compare",
            ),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="news_article_restore",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context["workflow_transitions"] = services.allowed_transitions(
                request.user, article
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _article_or_404(self, request, pk) -> Article:
        article = self.get_object(request, str(pk))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise Http404("No such article.")
        return article

    def workflow_view(self, request, pk, transition):
        article = self._article_or_404(request, pk)
        if transition not in services.TRANSITIONS:
            raise Http404("No such step.")
        if not services.may_take(request.user, transition, article):
            raise PermissionDenied
        step = services.TRANSITIONS[transition]
        form = WorkflowForm(
            request.POST if request.method == "POST" else None, transition=transition
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.TRANSITION_FUNCTIONS[transition](
                    article=article, by=request.user, **form.service_arguments()
                )
            except services.WorkflowError as error:
                messages.error(request, str(error))
            else:
                article.refresh_from_db()
                messages.success(request, f"“{article.title}”: {step.label.lower()} done.")
            return redirect("admin:news_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "step": step,
            "form": form,
            "title": f"{step.label}: {article.title}",
        }
        return TemplateResponse(request, "admin/news/article/workflow.html", context)

    def revisions_view(self, request, pk):
        article = self._article_or_404(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "revisions": article.revisions.select_related("created_by"),
            "can_restore": self.has_change_permission(request, article),
            "title": f"Revisions of “{article.title}”",
        }
        return TemplateResponse(request, "admin/news/article/revisions.html", context)

    def compare_view(self, request, pk):
        article = self._article_or_404(request, pk)
        numbers = sorted(int(value) for value in request.GET.getlist("revision") if value.isdigit())
        if len(numbers) != 2:
            messages.error(request, "Pick two revisions to compare.")
            return redirect("admin:news_article_revisions", article.pk)
        revisions = {rev.number: rev for rev in article.revisions.filter(number__in=numbers)}
        if len(revisions) != 2:
            raise Http404("No such revision.")
        older, newer = revisions[numbers[0]], revisions[numbers[1]]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "older": older,
            "newer": newer,
            "changes": services.diff_revisions(older, newer),
            "title": f"Revision {older.number} → {newer.number} of “{article.title}”",
        }
        return TemplateResponse(request, "admin/news/article/compare.html", context)

    def restore_view(self, request, pk, number):
        article = self._article_or_404(request, pk)
        if request.method != "POST":
            return redirect("admin:news_article_revisions", article.pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = get_object_or_404(article.revisions, number=number)
        try:
            services.restore_revision(article=article, revision=revision, by=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Revision {number} restored as a new revision.")
        return redirect("admin:news_article_change", article.pk)

    # --- bulk actions -----------------------------------------------------------------------

    def _bulk(self, request, queryset, transition: str):
        done, refused = 0, []
        for article in queryset:
            try:
                services.TRANSITION_FUNCTIONS[transition](article=article, by=request.user)
                done += 1
            except services.WorkflowError as error:
                refused.append(str(error))
        if done:
            self.message_user(request, f"{done} article(s): {transition} done.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Submit selected articles for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish")

    @admin.action(description="Archive selected articles", permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._bulk(request, queryset, "archive")


class WorkflowForm(forms.Form):
    """The confirmation page of a workflow step, with the step's own questions."""

    when = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text="Leave empty to publish now; a future time schedules the article.",
    )
    updated_on = forms.DateField(
        label="Updated date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to use the publication date.",
    )
    reason = forms.CharField(
        label="Reason for withdrawal",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see this on the article's page.",
    )

    def __init__(self, *args, transition: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition != "publish":
            del self.fields["when"], self.fields["updated_on"]
        if transition == "withdraw":
            self.fields["reason"].required = True
        elif transition != "return":
            del self.fields["reason"]
        else:
            self.fields["reason"].label = "Note for the writer"
            self.fields["reason"].help_text = "Optional: what to change before resubmitting."

    def service_arguments(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


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
