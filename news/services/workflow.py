"""The editorial workflow: who may do what, and which status follows which.

Every step reads the same way: lock the row, check the step is allowed, change the status,
store the next version with its audit event (history.save_version), and queue the mail the step
owes people (notifications.queue_notifications, in the same transaction). A refusal is a
WorkflowError with a message a person can read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news import phrases
from news.models import Article, ArticleEvent

from .errors import WorkflowError
from .history import save_version
from .notifications import queue_notifications
from .review import clean_comment_text, record_comment

Status = Article.Status
Action = ArticleEvent.Action


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    needs_publish_permission: bool


TRANSITIONS = {
    transition.name: transition
    for transition in [
        Transition("submit", _("Submit for review"), frozenset({Status.DRAFT}), False),
        Transition("return", _("Return to draft"), frozenset({Status.IN_REVIEW}), True),
        Transition("publish", _("Publish"), frozenset({Status.DRAFT, Status.IN_REVIEW}), True),
        Transition(
            "unpublish",
            _("Unpublish"),
            frozenset({Status.PUBLISHED, Status.WITHDRAWN, Status.ARCHIVED}),
            True,
        ),
        Transition("withdraw", _("Withdraw"), frozenset({Status.PUBLISHED}), True),
        Transition("archive", _("Archive"), frozenset({Status.PUBLISHED, Status.WITHDRAWN}), True),
    ]
}

# --- Who may do what ------------------------------------------------------------------------


def may_publish(user) -> bool:
    return user.has_perm("news.publish_article")


def can_edit(user, article: Article) -> bool:
    """Editors edit any article; writers only their own drafts and articles in review."""
    if not user.has_perm("news.change_article"):
        return False
    if user.has_perm("news.edit_any_article"):
        return True
    return article.author_id == user.pk and article.status in {Status.DRAFT, Status.IN_REVIEW}


def may_take(user, transition_name: str, article: Article | None = None) -> bool:
    """Whether the user's role allows this step at all (status aside)."""
    transition = TRANSITIONS.get(transition_name)
    if transition is None:
        return False
    if transition.needs_publish_permission:
        return may_publish(user)
    return article is None or can_edit(user, article)


def allowed_transitions(user, article: Article) -> list[Transition]:
    """The steps to offer this user for this article now."""
    allowed = []
    for transition in TRANSITIONS.values():
        if article.status not in transition.sources or not may_take(user, transition.name, article):
            continue
        if transition.name == "withdraw" and not article.is_public:
            continue
        allowed.append(transition)
    return allowed


def _check(user, transition_name: str, article: Article) -> None:
    transition = TRANSITIONS[transition_name]
    if not may_take(user, transition_name, article):
        raise WorkflowError(
            gettext("You do not have permission to %(step)s articles.")
            % {"step": transition.label.lower()}
        )
    if article.status not in transition.sources:
        raise WorkflowError(
            gettext("“%(title)s” is %(status)s, so “%(step)s” is not possible.")
            % {
                "title": article.title,
                "status": article.get_status_display().lower(),
                "step": transition.label,
            }
        )


def locked(article: Article) -> Article:
    """The article's row, locked until the transaction ends, as it is stored now."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _save(article: Article, *, by, action: str, note: str = "") -> Article:
    return save_version(
        article,
        previous_version=article.version,
        by=by,
        action=action,
        note=note,
        comment=phrases.step(action),
    )


# --- Transitions ----------------------------------------------------------------------------


@transaction.atomic
def submit_for_review(*, article: Article, by) -> Article:
    article = locked(article)
    _check(by, "submit", article)
    article.status = Status.IN_REVIEW
    article = _save(article, by=by, action=Action.SUBMITTED)
    queue_notifications(article=article, action=Action.SUBMITTED, by=by)
    return article


@transaction.atomic
def return_to_draft(*, article: Article, by, reason: str = "") -> Article:
    """Send the article back to its writer; a note goes on the review thread as the
    returning editor's comment (the return's own mail and audit event carry it)."""
    article = locked(article)
    _check(by, "return", article)
    reason = clean_comment_text(reason) if reason.strip() else ""
    article.status = Status.DRAFT
    article = _save(article, by=by, action=Action.RETURNED, note=reason)
    if reason:
        record_comment(article=article, by=by, text=reason)
    queue_notifications(article=article, action=Action.RETURNED, by=by, note=reason)
    return article


@transaction.atomic
def publish_article(
    *, article: Article, by, when: datetime | None = None, updated_on: date | None = None
) -> Article:
    """Publish now, or at `when` (a future time schedules: public() compares the time).

    A first publication sets the "Updated" date to the publication date; a republication
    keeps the first-published time unless the editor gives a new one. `updated_on` overrides.
    """
    article = locked(article)
    _check(by, "publish", article)
    now = timezone.now()
    published_before = article.events.filter(
        action__in=[Action.PUBLISHED, Action.SCHEDULED]
    ).exists()
    if when is not None:
        article.published_at = when
    elif not (published_before and article.published_at):
        article.published_at = now
    if not published_before or when is not None:
        article.last_major_update_at = article.published_at
    article.updated_on = updated_on or timezone.localdate(article.updated_at)
    article.status = Status.PUBLISHED
    article.withdrawn_at, article.withdrawal_reason = None, ""
    scheduled = article.published_at > now
    action = Action.SCHEDULED if scheduled else Action.PUBLISHED
    goes_live = f"{timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"
    note = phrases.SCHEDULED_FOR(time=goes_live) if scheduled else ""
    article = _save(article, by=by, action=action, note=note)
    queue_notifications(article=article, action=action, by=by)
    return article


@transaction.atomic
def unpublish_article(*, article: Article, by) -> Article:
    article = locked(article)
    _check(by, "unpublish", article)
    article.status = Status.DRAFT
    return _save(article, by=by, action=Action.UNPUBLISHED)


@transaction.atomic
def archive_article(*, article: Article, by) -> Article:
    article = locked(article)
    _check(by, "archive", article)
    article.status = Status.ARCHIVED
    return _save(article, by=by, action=Action.ARCHIVED)


@transaction.atomic
def withdraw_article(*, article: Article, by, reason: str) -> Article:
    """Keep the article at its address with a notice; it leaves lists, feeds and search."""
    article = locked(article)
    _check(by, "withdraw", article)
    if not article.is_public:
        raise WorkflowError(
            gettext("Only an article that is live can be withdrawn; unpublish it instead.")
        )
    if not reason.strip():
        raise WorkflowError(gettext("Give readers a reason for the withdrawal."))
    article.status = Status.WITHDRAWN
    article.withdrawn_at = timezone.now()
    article.withdrawal_reason = reason.strip()
    article = _save(article, by=by, action=Action.WITHDRAWN, note=article.withdrawal_reason)
    queue_notifications(
        article=article, action=Action.WITHDRAWN, by=by, note=article.withdrawal_reason
    )
    return article


TRANSITION_FUNCTIONS = {
    "submit": submit_for_review,
    "return": return_to_draft,
    "publish": publish_article,
    "unpublish": unpublish_article,
    "withdraw": withdraw_article,
    "archive": archive_article,
}
