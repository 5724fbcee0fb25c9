"""The article edit screen: the form, its inlines, who may change what, and the one save call.

Saving reads like the workflow buttons: the form collects input, `save_related` makes one call
to services.create_article or services.edit_article, and a NewsroomError from the service comes
back as a form error with everything typed kept (see `changeform_view`).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import construct_change_message
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_prose_editor.fields import ProseEditorFormField
from js_asset import Media
from taggit.models import Tag

from news import images, services
from news.models import Article, BodyImage

from .busy import BusyDatabaseAdminMixin
from .figures import FigureSuggestionsAdminMixin, MetricValueInline
from .workflow import ArticleWorkflowAdminMixin

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


class ArticleFiguresInline(MetricValueInline):
    """On an article: the figures this article reports (their source is the article)."""

    fk_name = "source_article"
    verbose_name = "figure this article reports"
    verbose_name_plural = "figures this article reports"
    fields = ["metric", "city", "period", "value", "source_note"]
    autocomplete_fields = ["metric", "city"]


def row_changes(formset) -> list[services.RowChange]:
    """An inline formset's edits as plain changes for a service: new, changed or deleted rows."""
    skipped = {formset.fk.name, "id", "DELETE"}
    changes = []
    for form in formset.forms:
        existing = form.instance if form.instance.pk else None
        if form.cleaned_data.get("DELETE"):
            if existing is not None:
                changes.append(services.RowChange(existing=existing, delete=True))
            continue
        if not form.has_changed():
            continue
        values = {name: value for name, value in form.cleaned_data.items() if name not in skipped}
        changes.append(services.RowChange(existing=existing, values=values))
    return changes


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a box for tags that do not exist yet (only
    for people with taggit's add_tag permission), and the questions an edit service asks: the
    version the form opened, and the kind of change.

    A refusal from the service (`refusal`) is shown as this form's error, with the text kept.
    """

    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text="Comma-separated tags to create and add, e.g. innovation, talent. "
        "Creating a tag needs the right to add tags; anyone may pick existing ones above.",
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

    #: Whether "New tags" may create tags: taggit's add_tag permission (set by the admin).
    may_create_tags = False

    def __init__(self, *args, refusal: services.NewsroomError | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
            help_text="Start typing to find existing tags.",
        )
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())
            self.initial["opened_version"] = self.instance.version
        if isinstance(refusal, services.EditConflict):
            # Keep everything typed, but carry the newer version so a deliberate second save
            # (after comparing and merging) goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = str(refusal.current_version)

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if image and image is not self.initial.get("hero_image") and hasattr(image, "content_type"):
            return images.clean_upload(image)
        return image

    def clean_new_tags(self):
        names = [name.strip() for name in self.cleaned_data["new_tags"].split(",") if name.strip()]
        limit = Tag._meta.get_field("name").max_length
        if too_long := [name for name in names if len(name) > limit]:
            raise forms.ValidationError(f"A tag has at most {limit} characters: {too_long[0]}.")
        existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [name for name in names if name not in existing]
        if unknown and not self.may_create_tags:
            raise forms.ValidationError(
                f"You may pick existing tags but not create new ones: {', '.join(unknown)}. "
                "Ask an editor to create them, or choose existing tags instead.",
                code="permission",
            )
        return names

    def clean(self):
        cleaned = super().clean()
        cleaned["tags"] = [*cleaned.get("tags", []), *cleaned.get("new_tags", [])]
        if self.refusal is not None:
            field = self.refusal.field if self.refusal.field in self.fields else None
            self.add_error(field, forms.ValidationError(self.refusal.message, code="refused"))
        return cleaned

    def service_arguments(self) -> dict:
        """What the article services take from this form, besides the article itself."""
        data = self.cleaned_data
        return {
            name: data[name] for name in ("cities", "programmes", "tags") if name in self.fields
        }


class RefusedSave(Exception):
    """Carries a service's refusal out of the admin's save transaction, which it rolls back."""

    def __init__(self, refusal: services.NewsroomError):
        super().__init__(refusal.message)
        self.refusal = refusal


@admin.register(Article)
class ArticleAdmin(
    BusyDatabaseAdminMixin,
    FigureSuggestionsAdminMixin,
    ArticleWorkflowAdminMixin,
    admin.ModelAdmin,
):
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

    # --- saving: one service call -----------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "article_refusal", None)

        class RequestForm(form_class):
            may_create_tags = request.user.has_perm("taggit.add_tag")

            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, refusal=refusal, **form_kwargs)

        return RequestForm

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor's import map is an inline script: it carries this response's
        # Content-Security-Policy nonce (see settings, "Security").
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Run the admin's save; if the service refuses, show the same form again with the
        refusal as its error. The refused attempt's transaction is rolled back whole."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedSave as refused:
            request.article_refusal = refused.refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Nothing here: the article is stored with its relations in one call, in save_related."""

    def save_formset(self, request, form, formset, change):
        """Nothing here: inline rows are handed to the article service in save_related."""

    def save_related(self, request, form, formsets, change):
        arguments = {
            **form.service_arguments(),
            "body_images": [],
            "figures": [],
        }
        for formset in formsets:
            key = "body_images" if formset.model is BodyImage else "figures"
            arguments[key] = row_changes(formset)
        try:
            if change:
                services.edit_article(
                    article=form.instance,
                    by=request.user,
                    opened_version=form.cleaned_data.get("opened_version"),
                    change_kind=form.cleaned_data.get("change_kind", ""),
                    change_note=form.cleaned_data.get("change_note", ""),
                    **arguments,
                )
            else:
                services.create_article(article=form.instance, by=request.user, **arguments)
        except services.NewsroomError as error:
            raise RefusedSave(error) from error

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline rows are saved by the service, not the formsets; the revision holds them.
        return construct_change_message(form, [], add)

    def delete_model(self, request, obj):
        services.delete_article(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.delete_article(article=article, by=request.user)
