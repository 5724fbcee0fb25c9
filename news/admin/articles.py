"""The article edit screen: the form, its inlines, who may change what, and the one save call.

Saving reads like the workflow buttons: the form collects input, `save_related` makes one call
to services.create_article or services.edit_article, and a NewsroomError from the service comes
back as a form error with everything typed kept (see `changeform_view`).
"""

from django.contrib import admin
from django.contrib.admin.utils import construct_change_message
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from js_asset import Media

from news import services
from news.models import Article
from news.phrases import in_language

from .article_filters import DeskFilter, WrittenByFilter
from .article_form import ArticleAdminForm
from .busy import BusyDatabaseAdminMixin
from .drafts import DraftCopyAdminMixin
from .figures import FiguresAwaitingFilter, FigureSuggestionsAdminMixin, MetricValueInline
from .media import ArticleMediaAdminMixin
from .preview import ArticlePreviewAdminMixin
from .review import ReviewCommentsAdminMixin
from .workflow import ArticleWorkflowAdminMixin


class ArticleFiguresInline(MetricValueInline):
    """On an article: the figures this article reports (their source is the article)."""

    fk_name = "source_article"
    verbose_name = _("figure this article reports")
    verbose_name_plural = _("figures this article reports")
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


class RefusedSave(Exception):
    """Carries a service's refusal out of the admin's save transaction, which it rolls back."""

    def __init__(self, refusal: services.NewsroomError):
        super().__init__(refusal.message)
        self.refusal = refusal


#: Form fields that are questions a save asks, not the article's own fields.
FORM_ONLY = {"opened_version", "new_tags", "change_kind", "change_note"}


@admin.register(Article)
class ArticleAdmin(
    ArticleMediaAdminMixin,
    BusyDatabaseAdminMixin,
    FigureSuggestionsAdminMixin,
    ReviewCommentsAdminMixin,
    ArticleWorkflowAdminMixin,
    DraftCopyAdminMixin,  # autosave: the copy endpoint, restore, discard
    ArticlePreviewAdminMixin,  # preview of unsaved changes; "View on site" for drafts
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
    list_filter = [
        DeskFilter, WrittenByFilter, "status", "kind", "is_featured", "programmes",
        FiguresAwaitingFilter,
    ]  # fmt: skip
    list_select_related = ["author"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cities", "programmes", "author"]
    inlines = [ArticleFiguresInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "archive_selected"]
    #: Fields only people who may publish can set.
    EDITOR_FIELDS = ["published_at", "updated_on", "expires_at", "is_featured", "author"]

    def get_fieldsets(self, request, obj=None):
        """The story and what it is about first, open; the rest folded away (a <details>, no
        script), except the publishing fields for those who may set them."""
        publishing = ["status", "published_at", "updated_on", "expires_at", "is_featured"]
        if obj is not None:
            publishing += ["last_major_update_at", "withdrawal_reason"]
        folded = {"classes": ["collapse"]}
        fieldsets = [
            (None, {"fields": ["title", "kind", "summary", "body", "opened_version"]}),
            (_("What it is about"), {"fields": ["cities", "programmes", "tags", "new_tags"]}),
            (
                _("Hero image"),
                {"fields": ["hero"]},
            ),
            (
                _("Publishing"),
                {"fields": publishing, **({} if services.may_publish(request.user) else folded)},
            ),
            (
                _("People and sources"),
                {"fields": ["author", "byline", "source_name", "source_url"], **folded},
            ),
            (
                _("Address and search engines"),
                {"fields": ["slug", "seo_title", "seo_description"], **folded},
            ),
        ]
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            fieldsets.insert(1, (_("This change"), {"fields": ["change_kind", "change_note"]}))
        if obj is not None:
            fieldsets.append((_("Audit trail"), {"fields": ["audit_trail"], **folded}))
        if not self.has_change_permission(request, obj):
            # Someone who may only look sees the article, not the questions a save asks.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f not in FORM_ONLY]})
                for name, options in fieldsets
            ]
            fieldsets = [(name, options) for name, options in fieldsets if options["fields"]]
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

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return gettext("Scheduled for %(time)s") % {
                "time": f"{timezone.localtime(obj.published_at):%Y-%m-%d %H:%M}"
            }
        if obj.status == Article.Status.PUBLISHED and not obj.is_public:
            return gettext("Expired")
        return obj.get_status_display()

    @admin.display(description=_("who did what, and when"))
    def audit_trail(self, obj):
        events = obj.events.select_related("by")
        if not events:
            return gettext("Nothing recorded yet.")
        return format_html(
            '<table class="audit-trail"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            gettext("When"),
            gettext("What"),
            gettext("Who"),
            gettext("Note"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}",
                        event.get_action_display(),
                        event.by.get_username() if event.by else "—",
                        in_language(event.note),
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
        arguments = {**form.service_arguments(), "figures": []}
        for formset in formsets:
            arguments["figures"] = row_changes(formset)
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
