"""Review comments on the article edit screen: the thread, a form to add one, and Resolve /
Reopen buttons, all plain POST forms that work without script.

Adding goes through its own small page (`comments/`): a refused comment (empty, too long) is
shown there again with its error and the typed text kept; a good one returns to the edit page.
Who may write is news.roles.may_comment, asked again by the services.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news import services
from news.models import COMMENT_MAX_CHARACTERS, Article
from news.roles import may_comment, may_read_comments


class ReviewCommentForm(forms.Form):
    """The text of a new comment; the service says whether it may be stored (empty, too long)."""

    text = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_CHARACTERS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Said in the request's language, so written here rather than in the field.
        self.fields["text"].help_text = gettext(
            "Plain text, at most %(limit)s characters. The other side is e-mailed."
        ) % {"limit": COMMENT_MAX_CHARACTERS}


def thread_url(article: Article) -> str:
    return reverse("admin:news_article_change", args=[article.pk]) + "#review-comments"


class ReviewCommentsAdminMixin:
    """Adds the review thread to the article edit screen, the thread's own page (where a
    comment is added) and the Resolve/Reopen addresses."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/comments/", view(self.comments_view), name="news_article_comments"),
            path(
                "<int:pk>/comments/<int:comment>/<slug:change>/",
                view(self.comment_change_view),
                name="news_article_comment_change",
            ),
            *super().get_urls(),
        ]

    def _thread_context(self, request, article: Article, form=None) -> dict:
        comments = list(article.review_comments.thread())
        return {
            "review_comments": comments,
            "review_comments_open": sum(not comment.is_resolved for comment in comments),
            "may_comment": may_comment(request.user, article),
            "comment_form": form or ReviewCommentForm(auto_id="id_comment_%s"),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and may_read_comments(request.user, obj):
            context.update(self._thread_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def comments_view(self, request, pk):
        """GET: the thread on a page of its own; POST: add a comment."""
        article = self._article_or_404(request, pk)
        form = ReviewCommentForm(
            request.POST if request.method == "POST" else None, auto_id="id_comment_%s"
        )
        status = 200
        if request.method == "POST":
            if not may_comment(request.user, article):
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.add_comment(
                        article=article, by=request.user, text=form.cleaned_data["text"]
                    )
                except services.ReviewError as error:
                    form.add_error("text" if error.field == "text" else None, error.message)
                else:
                    messages.success(request, gettext("Your comment was added."))
                    return redirect(thread_url(article))
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            **self._thread_context(request, article, form),
            "title": gettext("Review comments on “%(title)s”") % {"title": article.title},
        }
        return TemplateResponse(request, "admin/news/article/comments.html", context, status=status)

    def comment_change_view(self, request, pk, comment, change):
        """Resolve or reopen one comment (POST only; a GET goes back to the edit page)."""
        article = self._article_or_404(request, pk)
        changes = {"resolve": services.resolve_comment, "reopen": services.reopen_comment}
        if change not in changes:
            raise Http404("No such change to a comment.")
        if request.method != "POST":
            return redirect(thread_url(article))
        if not may_comment(request.user, article):
            raise PermissionDenied
        review_comment = get_object_or_404(article.review_comments, pk=comment)
        try:
            changes[change](comment=review_comment, by=request.user)
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                gettext("The comment is resolved.")
                if change == "resolve"
                else gettext("The comment is open again."),
            )
        return redirect(thread_url(article))
