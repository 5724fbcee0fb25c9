"""Workflows that change state, each in one transaction and taking the acting user.

Articles: who may do what and which status follows which; every step records who did it
(ArticleEvent), keeps a revision and raises WorkflowError with a message a person can read.
City records and figures: deleting and merging cities, recording confirmed figures; refusals
raise CityRecordError or FigureError.
"""

import difflib
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from . import images
from .models import (
    Article,
    ArticleEvent,
    ArticleRedirect,
    ArticleRevision,
    BodyImage,
    ChangeNote,
    City,
    Metric,
    MetricValue,
)

Status = Article.Status
Action = ArticleEvent.Action


class WorkflowError(Exception):
    """A workflow step the acting user may not take, or the article's status does not allow."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    needs_publish_permission: bool


TRANSITIONS = {
    transition.name: transition
    for transition in [
        Transition("submit", "Submit for review", frozenset({Status.DRAFT}), False),
        Transition("return", "Return to draft", frozenset({Status.IN_REVIEW}), True),
        Transition("publish", "Publish", frozenset({Status.DRAFT, Status.IN_REVIEW}), True),
        Transition(
            "unpublish",
            "Unpublish",
            frozenset({Status.PUBLISHED, Status.WITHDRAWN, Status.ARCHIVED}),
            True,
        ),
        Transition("withdraw", "Withdraw", frozenset({Status.PUBLISHED}), True),
        Transition("archive", "Archive", frozenset({Status.PUBLISHED, Status.WITHDRAWN}), True),
    ]
}

#: The fields a revision keeps, shows in a diff and brings back on restore.
REVISION_FIELDS = [
    "title", "slug", "kind", "summary", "body", "status", "published_at", "updated_on",
    "expires_at", "byline", "source_name", "source_url", "hero_alt", "hero_caption",
    "hero_credit", "seo_title", "seo_description", "is_featured",
]  # fmt: skip
#: What a restore brings back: the words, never the workflow state or the dates.
RESTORED_FIELDS = [
    "title", "kind", "summary", "body", "byline", "source_name", "source_url", "hero_alt",
    "hero_caption", "hero_credit", "seo_title", "seo_description",
]  # fmt: skip
#: The fields the readable diff compares, in this order.
DIFF_FIELDS = ["title", "summary", "body", "status", "published_at", "updated_on", "expires_at"]


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
        raise WorkflowError(f"You do not have permission to {transition.label.lower()} articles.")
    if article.status not in transition.sources:
        raise WorkflowError(
            f"“{article.title}” is {article.get_status_display().lower()}, so "
            f"“{transition.label}” is not possible."
        )


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _save(article: Article, *, by, action: str, note: str = "", comment: str = "") -> Article:
    article.version += 1
    article.save()
    ArticleEvent.objects.create(article=article, action=action, by=by, note=note)
    record_revision(article=article, by=by, comment=comment or ArticleEvent.Action(action).label)
    return article


# --- Transitions ----------------------------------------------------------------------------


@transaction.atomic
def submit_for_review(*, article: Article, by) -> Article:
    article = _locked(article)
    _check(by, "submit", article)
    article.status = Status.IN_REVIEW
    return _save(article, by=by, action=Action.SUBMITTED)


@transaction.atomic
def return_to_draft(*, article: Article, by, reason: str = "") -> Article:
    article = _locked(article)
    _check(by, "return", article)
    article.status = Status.DRAFT
    return _save(article, by=by, action=Action.RETURNED, note=reason)


@transaction.atomic
def publish_article(
    *, article: Article, by, when: datetime | None = None, updated_on: date | None = None
) -> Article:
    """Publish now, or at `when` (a future time schedules: public() compares the time).

    A first publication sets the "Updated" date to the publication date; a republication
    keeps the first-published time unless the editor gives a new one. `updated_on` overrides.
    """
    article = _locked(article)
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
    note = f"for {timezone.localtime(article.published_at):%Y-%m-%d %H:%M}" if scheduled else ""
    return _save(article, by=by, action=action, note=note)


@transaction.atomic
def unpublish_article(*, article: Article, by) -> Article:
    article = _locked(article)
    _check(by, "unpublish", article)
    article.status = Status.DRAFT
    return _save(article, by=by, action=Action.UNPUBLISHED)


@transaction.atomic
def archive_article(*, article: Article, by) -> Article:
    article = _locked(article)
    _check(by, "archive", article)
    article.status = Status.ARCHIVED
    return _save(article, by=by, action=Action.ARCHIVED)


@transaction.atomic
def withdraw_article(*, article: Article, by, reason: str) -> Article:
    """Keep the article at its address with a notice; it leaves lists, feeds and search."""
    article = _locked(article)
    _check(by, "withdraw", article)
    if not article.is_public:
        raise WorkflowError("Only an article that is live can be withdrawn; unpublish it instead.")
    if not reason.strip():
        raise WorkflowError("Give readers a reason for the withdrawal.")
    article.status = Status.WITHDRAWN
    article.withdrawn_at = timezone.now()
    article.withdrawal_reason = reason.strip()
    return _save(article, by=by, action=Action.WITHDRAWN, note=article.withdrawal_reason)


TRANSITION_FUNCTIONS = {
    "submit": submit_for_review,
    "return": return_to_draft,
    "publish": publish_article,
    "unpublish": unpublish_article,
    "withdraw": withdraw_article,
    "archive": archive_article,
}


# --- Edits, revisions, change notes ---------------------------------------------------------


def snapshot(article: Article) -> dict:
    """The article's revision fields as JSON-friendly values."""
    data = {}
    for name in REVISION_FIELDS:
        value = getattr(article, name)
        data[name] = value.isoformat() if isinstance(value, date | datetime) else value
    data["tags"] = sorted(article.tags.names()) if article.pk else []
    return data


def record_revision(*, article: Article, by, comment: str = "") -> ArticleRevision:
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleRevision.objects.create(
        article=article, number=last + 1, created_by=by, comment=comment, content=snapshot(article)
    )


@transaction.atomic
def record_edit(
    *,
    article: Article,
    by,
    created: bool,
    previous_path: str | None = None,
    is_major_change: bool = False,
    change_note: str = "",
) -> Article:
    """After an editor's form save: audit, revision, change note and old-address redirect.

    A major change to a published article needs a public note and moves the "Updated" date;
    a minor one (a typo) leaves the dates alone.
    """
    if created:
        ArticleEvent.objects.create(article=article, action=Action.CREATED, by=by)
    comment = "Created" if created else "Edited"
    if is_major_change:
        if not change_note.strip():
            raise WorkflowError("A major change needs a short public change note.")
        now = timezone.now()
        ChangeNote.objects.create(
            article=article, changed_at=now, note=change_note.strip(), created_by=by
        )
        article.last_major_update_at = now
        article.updated_on = timezone.localdate(now)
        Article.objects.filter(pk=article.pk).update(
            last_major_update_at=now, updated_on=article.updated_on
        )
        ArticleEvent.objects.create(
            article=article, action=Action.MAJOR_CHANGE, by=by, note=change_note.strip()
        )
        comment = f"Major change: {change_note.strip()}"
    elif not created and article.status == Status.PUBLISHED:
        comment = "Minor change"
    keep_old_address(article=article, previous_path=previous_path)
    record_revision(article=article, by=by, comment=comment)
    return article


def keep_old_address(*, article: Article, previous_path: str | None) -> None:
    """When a published article's slug or date changes, its old address keeps working."""
    if not previous_path or article.status not in {Status.PUBLISHED, Status.WITHDRAWN}:
        return
    current = article.get_absolute_url()
    if previous_path == current:
        return
    ArticleRedirect.objects.filter(old_path=current).delete()
    ArticleRedirect.objects.update_or_create(old_path=previous_path, defaults={"article": article})


@transaction.atomic
def restore_revision(*, article: Article, revision: ArticleRevision, by) -> Article:
    """Bring back an old revision's words as a new revision; nothing newer is lost."""
    article = _locked(article)
    if revision.article_id != article.pk:
        raise WorkflowError("That revision belongs to another article.")
    if not can_edit(by, article):
        raise WorkflowError("You do not have permission to change this article.")
    for name in RESTORED_FIELDS:
        if name in revision.content:
            setattr(article, name, revision.content[name])
    article.version += 1
    article.save()
    ArticleEvent.objects.create(
        article=article, action=Action.RESTORED, by=by, note=f"revision {revision.number}"
    )
    record_revision(article=article, by=by, comment=f"Restored revision {revision.number}")
    return article


def _lines(name: str, value) -> list[str]:
    if value is None:
        return [""]
    text = str(value)
    if name == "body":
        text = strip_tags(text.replace("</p>", "</p>\n").replace("<br>", "\n"))
        text = text.replace("</li>", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()] or [""]


def diff_revisions(older: ArticleRevision, newer: ArticleRevision) -> list[dict]:
    """Per field: the lines removed and added between two revisions, for people to read."""
    changes = []
    for name in DIFF_FIELDS:
        before = _lines(name, older.content.get(name))
        after = _lines(name, newer.content.get(name))
        if before == after:
            continue
        rows = []
        for line in difflib.ndiff(before, after):
            if line.startswith(("- ", "+ ", "  ")):
                rows.append({"kind": {"-": "removed", "+": "added", " ": "same"}[line[0]],
                             "text": line[2:]})  # fmt: skip
        changes.append({"field": name.replace("_", " "), "rows": rows})
    return changes


def process_hero_image(
    *, article: Article, previous_name: str = "", previous_renditions: list | None = None
) -> Article:
    """After a new hero image is stored: make its renditions once, and drop the old files.

    The old files are deleted only when the transaction commits, so a failed save keeps them.
    """
    if article.hero_image:
        article.hero_renditions, (article.hero_width, article.hero_height) = images.make_renditions(
            article.hero_image.name
        )
    else:
        article.hero_renditions, article.hero_width, article.hero_height = [], None, None
    Article.objects.filter(pk=article.pk).update(
        hero_renditions=article.hero_renditions,
        hero_width=article.hero_width,
        hero_height=article.hero_height,
    )
    if previous_name and previous_name != article.hero_image.name:
        old = (previous_name, previous_renditions or [])
        transaction.on_commit(lambda: images.delete_files(*old))
    return article


def process_body_image(
    *, body_image: BodyImage, previous_name: str = "", previous_renditions: list | None = None
) -> BodyImage:
    """After an image for the text is stored: make its renditions once, drop replaced files."""
    body_image.renditions, (body_image.width, body_image.height) = images.make_renditions(
        body_image.image.name
    )
    BodyImage.objects.filter(pk=body_image.pk).update(
        renditions=body_image.renditions, width=body_image.width, height=body_image.height
    )
    if previous_name:
        old = (previous_name, previous_renditions or [])
        transaction.on_commit(lambda: images.delete_files(*old))
    return body_image


# --- City records and figures --------------------------------------------------------------------

logger = logging.getLogger(__name__)

#: How many article titles a refusal names before it says "and N more".
NAMED_IN_REFUSAL = 5


class CityRecordError(Exception):
    """A change to the city register was refused; the message says why, for a person."""


def city_delete_blockers(city: City) -> list[str]:
    """Why `city` cannot be deleted (empty if it can): everything that still refers to it."""
    reasons = []
    titles = list(city.articles.order_by("title").values_list("title", flat=True))
    if titles:
        named = ", ".join(f"“{title}”" for title in titles[:NAMED_IN_REFUSAL])
        more = (
            f" and {len(titles) - NAMED_IN_REFUSAL} more" if len(titles) > NAMED_IN_REFUSAL else ""
        )
        reasons.append(f"{len(titles)} article(s) are about it: {named}{more}")
    designations = city.designations.count()
    if designations:
        reasons.append(f"it has {designations} designation(s)")
    values = city.metric_values.count()
    if values:
        reasons.append(f"it has {values} metric value(s)")
    return reasons


def delete_city(*, city: City, by=None) -> None:
    """Delete a city no article, designation or figure refers to; otherwise refuse and explain.

    Deleting a city would silently drop its rows from the Article ↔ City link table, so articles
    would lose the city they are about. That is never done: the editor removes the city from
    those articles, or merges it into the right city, first.
    """
    with transaction.atomic():
        city = City.objects.select_for_update().get(pk=city.pk)
        reasons = city_delete_blockers(city)
        if reasons:
            raise CityRecordError(
                f"{city} cannot be deleted because {'; '.join(reasons)}. "
                "Remove it from those records or merge it into another city first."
            )
        logger.info("City %s deleted by %s", city, by)
        city.delete()


def merge_cities(*, source: City, into: City, by=None) -> City:
    """Move everything that refers to `source` onto `into`, then delete `source`.

    Articles keep every link (they are re-pointed, never dropped). A merge that would need two
    designations in one programme, or two values for one metric and period, is refused with the
    clash named, so the editor decides which record is right.
    """
    if source.pk == into.pk:
        raise CityRecordError("A city cannot be merged into itself.")
    with transaction.atomic():
        clashes = []
        programmes = set(into.designations.values_list("programme_id", flat=True))
        for designation in source.designations.select_related("programme"):
            if designation.programme_id in programmes:
                clashes.append(f"both have a designation in “{designation.programme}”")
        keys = set(into.metric_values.values_list("metric_id", "period"))
        for value in source.metric_values.select_related("metric"):
            if (value.metric_id, value.period) in keys:
                clashes.append(f"both have a value for “{value.metric.name}”, {value.period}")
        if clashes:
            raise CityRecordError(
                f"{source} cannot be merged into {into}: {'; '.join(clashes)}. "
                "Delete or correct one of each pair first."
            )
        for article in Article.objects.filter(cities=source):
            article.cities.add(into)
        source.articles.clear()
        source.designations.update(city=into)
        source.metric_values.update(city=into)
        logger.info("City %s merged into %s by %s", source, into, by)
        source.delete()
    return into


@dataclass
class AcceptedFigure:
    """An editor's confirmed figure suggestion: an existing metric, or a new metric's name."""

    city: City
    period: str
    value: Decimal
    metric: Metric | None = None
    new_metric_name: str = ""
    new_metric_unit: str = ""


class FigureError(Exception):
    """A figure could not be recorded; the message says why."""


def record_article_figures(
    *, article: Article, figures: list[AcceptedFigure], by=None
) -> list[MetricValue]:
    """Store the figures an editor accepted from the suggestions, sourced to `article`."""
    stored = []
    with transaction.atomic():
        for figure in figures:
            metric = figure.metric
            if metric is None:
                if not figure.new_metric_name.strip():
                    raise FigureError("Choose a metric or name a new one.")
                metric, _ = Metric.objects.get_or_create(
                    name=figure.new_metric_name.strip(),
                    defaults={"unit": figure.new_metric_unit.strip()},
                )
            clash = MetricValue.objects.filter(
                metric=metric, city=figure.city, period=figure.period
            ).first()
            if clash is not None:
                raise FigureError(
                    f"{figure.city.display_name} already has a value for “{metric.name}” in "
                    f"{figure.period}: {clash.value.normalize():f}. Edit that value instead."
                )
            stored.append(
                MetricValue.objects.create(
                    metric=metric,
                    city=figure.city,
                    period=figure.period,
                    value=figure.value,
                    source_article=article,
                )
            )
    logger.info("%d figure(s) recorded from %s by %s", len(stored), article, by)
    return stored
