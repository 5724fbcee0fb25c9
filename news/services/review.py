"""Review comments: writing, resolving and reopening them on an article's thread.

Each reads like a workflow step: check who may (news.roles.may_comment), check the text, write
the comment, put it on the article's audit trail (an ArticleEvent, which the edit page's
"Audit trail" shows), and queue the mail it owes (notifications, outbox). A comment does not
change the article: its version stays, so a form someone has open is not made stale by a
remark, and restoring a revision leaves the thread as it is.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from news.models import COMMENT_MAX_CHARACTERS, Article, ArticleEvent, ReviewComment
from news.roles import may_comment

from .errors import ReviewError
from .notifications import queue_notifications

Action = ArticleEvent.Action


def clean_comment_text(text: str) -> str:
    """The comment as stored (surrounding blank space removed), or a ReviewError saying why
    it cannot be."""
    text = (text or "").strip()
    if not text:
        raise ReviewError(gettext("Write a comment first: it is empty."), field="text")
    if len(text) > COMMENT_MAX_CHARACTERS:
        raise ReviewError(
            gettext(
                "A comment may have at most %(limit)s characters; this one has %(count)s. "
                "Shorten it, or split it in two."
            )
            % {"limit": COMMENT_MAX_CHARACTERS, "count": len(text)},
            field="text",
        )
    return text


def _check(by, article: Article) -> None:
    if not may_comment(by, article):
        raise ReviewError(
            gettext("Only the article's writer and the editors who review it may comment on it.")
        )


def record_comment(*, article: Article, by, text: str) -> ReviewComment:
    """Store a comment with no audit event and no mail of its own: for a step that records and
    mails the same words itself (returning a draft with a note). The caller has checked who
    may, and holds the transaction."""
    return ReviewComment.objects.create(article=article, author=by, text=clean_comment_text(text))


@transaction.atomic
def add_comment(*, article: Article, by, text: str) -> ReviewComment:
    """Add a comment to the thread; the other side hears of it (the writer when a reviewer
    comments, the reviewers when the writer does)."""
    _check(by, article)
    comment = record_comment(article=article, by=by, text=text)
    ArticleEvent.objects.create(article=article, action=Action.COMMENTED, by=by, note=comment.text)
    queue_notifications(article=article, action=Action.COMMENTED, by=by, note=comment.text)
    return comment


def _locked(comment: ReviewComment) -> ReviewComment:
    return ReviewComment.objects.select_for_update().select_related("article").get(pk=comment.pk)


@transaction.atomic
def resolve_comment(*, comment: ReviewComment, by) -> ReviewComment:
    """Mark a comment as dealt with; it stays in the thread, shown as resolved."""
    comment = _locked(comment)
    _check(by, comment.article)
    if comment.is_resolved:
        raise ReviewError(gettext("This comment has already been resolved."))
    comment.resolved_at, comment.resolved_by = timezone.now(), by
    comment.save(update_fields=["resolved_at", "resolved_by"])
    ArticleEvent.objects.create(
        article=comment.article, action=Action.COMMENT_RESOLVED, by=by, note=comment.text
    )
    return comment


@transaction.atomic
def reopen_comment(*, comment: ReviewComment, by) -> ReviewComment:
    """Open a resolved comment again (it was not dealt with after all)."""
    comment = _locked(comment)
    _check(by, comment.article)
    if not comment.is_resolved:
        raise ReviewError(gettext("This comment is open already."))
    comment.resolved_at, comment.resolved_by = None, None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    ArticleEvent.objects.create(
        article=comment.article, action=Action.COMMENT_REOPENED, by=by, note=comment.text
    )
    return comment
