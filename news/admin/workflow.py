"""The article's workflow buttons, its revisions (list, diff, restore) and bulk workflow actions.

Each screen reads input with a small form, calls one service, and turns a NewsroomError into a
message; the permission checks live in the services and in ArticleAdmin's has_*_permission.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from news import services
from news.models import COMMENT_MAX_CHARACTERS, Article

#: How a bulk action's message names its step ("5 article(s): publish done.").
BULK_STEP_NAMES = {
    "submit": pgettext_lazy("bulk workflow step", "submit"),
    "publish": pgettext_lazy("bulk workflow step", "publish"),
    "unpublish": pgettext_lazy("bulk workflow step", "unpublish"),
    "archive": pgettext_lazy("bulk workflow step", "archive"),
}


class WorkflowForm(forms.Form):
    """The confirmation page of a workflow step, with the step's own questions."""

    when = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Leave empty to publish now; a future time schedules the article."),
    )
    updated_on = forms.DateField(
        label=_("Updated date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to use the publication date."),
    )
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        required=False,
        # The audit trail quotes it whole, and a return's note is also a review comment.
        max_length=COMMENT_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readers see this on the article's page."),
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
            self.fields["reason"].label = _("Note for the writer")
            self.fields["reason"].help_text = _("Optional: what to change before resubmitting.")

    def service_arguments(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ArticleWorkflowAdminMixin:
    """Adds the workflow, revisions, compare and restore screens to the article admin.

    The edit page offers each step twice over: a link to the step's confirmation page, and
    (static/js/workflow-dialogs.js) a <dialog> holding the same form, posting to the same URL.
    """

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/workflow-dialogs.js"], css={"all": ["css/newsroom-review.css"]}
        )

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
            steps = services.allowed_transitions(request.user, article)
            extra_context["workflow_transitions"] = steps
            extra_context["workflow_dialogs"] = [
                (step, WorkflowForm(transition=step.name, auto_id=f"id_{step.name}_%s"))
                for step in steps
            ]
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
            except services.NewsroomError as error:
                messages.error(request, str(error))
            else:
                article.refresh_from_db()
                messages.success(
                    request,
                    gettext("“%(title)s”: %(step)s done.")
                    % {"title": article.title, "step": step.label.lower()},
                )
            return redirect("admin:news_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "step": step,
            "form": form,
            "title": gettext("%(step)s: %(title)s") % {"step": step.label, "title": article.title},
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
            "title": gettext("Revisions of “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/news/article/revisions.html", context)

    def compare_view(self, request, pk):
        article = self._article_or_404(request, pk)
        numbers = sorted(int(value) for value in request.GET.getlist("revision") if value.isdigit())
        if len(numbers) != 2:
            messages.error(request, gettext("Pick two revisions to compare."))
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
            "title": gettext("Revision %(older)s → %(newer)s of “%(title)s”")
            % {"older": older.number, "newer": newer.number, "title": article.title},
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
            messages.success(
                request,
                gettext("Revision %(number)s restored as a new revision.") % {"number": number},
            )
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
            self.message_user(
                request,
                gettext("%(count)s article(s): %(step)s done.")
                % {"count": done, "step": BULK_STEP_NAMES[transition]},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Submit selected articles for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Publish selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish")

    @admin.action(description=_("Archive selected articles"), permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._bulk(request, queryset, "archive")
