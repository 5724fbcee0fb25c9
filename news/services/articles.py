"""Writing articles: create, edit, restore and delete, each one straight path.

An edit reads top to bottom: lock the stored row, refuse a stale form, check the change is
allowed, store the next version, save cities, programmes, tags and figures, record the change
note and the old address, refresh the search vector once, after everything it indexes is saved,
and drop the writer's autosaved copy. Images are the media library's (services.media): an
article only points at them. The admin only collects input and turns a
NewsroomError into a form error; the demo loader and the tests call the same functions.
"""

from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from news import phrases
from news.caching import content_changed
from news.models import (
    Article,
    ArticleEvent,
    ArticleRedirect,
    ChangeNote,
    Designation,
    MetricValue,
)
from news.sanitise import sanitise_html
from news.search.index import refresh_search_vectors

from .changes import bulk_history
from .drafts import drop_draft_copy
from .errors import EditConflict, WorkflowError
from .figures import refresh_figures_awaiting, save_article_figures
from .history import RESTORED_FIELDS, save_version
from .workflow import can_edit, locked, may_publish

Status = Article.Status
Action = ArticleEvent.Action

#: Changes to an article readers see are "minor" (a typo) or "major" (needs a public note).
CHANGE_KINDS = ("minor", "major")
#: Records that name an article as their source (its deletion leaves them without one).
SOURCED = (MetricValue, Designation)


@dataclass(frozen=True)
class RowChange:
    """One row of a list edited together with the article (a figure):
    new (`existing` is None), changed (`values` to set), or to be deleted."""

    existing: models.Model | None = None
    values: dict = field(default_factory=dict)
    delete: bool = False

    def row(self, new: models.Model) -> models.Model:
        """The row this change writes: the existing one (or `new`) with `values` set."""
        row = self.existing or new
        for name, value in self.values.items():
            setattr(row, name, value)
        return row


@transaction.atomic
def create_article(
    *,
    article: Article,
    by,
    cities=None,
    programmes=None,
    tags=None,
    figures: list[RowChange] = (),
) -> Article:
    """Store a new article (an unsaved instance), its first revision and "created" event."""
    if article.author_id is None and by is not None:
        article.author = by
    save_version(
        article, previous_version=0, by=by, action=Action.CREATED, comment=phrases.CREATED()
    )
    _save_parts(article, by=by, cities=cities, programmes=programmes, tags=tags, figures=figures)
    _index(article)
    return article


@transaction.atomic
def edit_article(
    *,
    article: Article,
    by,
    opened_version: int,
    change_kind: str = "",
    change_note: str = "",
    cities=None,
    programmes=None,
    tags=None,
    figures: list[RowChange] = (),
) -> Article:
    """Store an editor's changes to `article` (the instance with the form's values applied).

    `opened_version` is the version the form showed; if someone saved since, the edit is refused
    (EditConflict) and nothing is written. A change to a published article is "minor" (no date
    moves) or "major" (needs `change_note`, which readers see, and moves "Updated"). Passing
    None for cities, programmes or tags leaves them as they are.
    """
    stored = locked(article)
    if opened_version != stored.version:
        raise _conflict(stored)
    if not can_edit(by, stored):
        raise WorkflowError(gettext("You do not have permission to change this article."))
    article.body = sanitise_html(article.body)
    changed = _has_changed(stored, article, cities, programmes, tags, figures)
    is_major = _check_change_kind(stored, changed, change_kind, change_note)

    comment = phrases.EDITED()
    if is_major:
        now = timezone.now()
        article.last_major_update_at = now
        article.updated_on = timezone.localdate(now)
        comment = phrases.MAJOR_CHANGE(note=change_note.strip())
    elif stored.status == Status.PUBLISHED:
        comment = phrases.MINOR_CHANGE()
    action = Action.MAJOR_CHANGE if is_major else None
    save_version(
        article,
        previous_version=stored.version,
        by=by,
        action=action,
        note=change_note.strip(),
        comment=comment,
    )

    _save_parts(article, by=by, cities=cities, programmes=programmes, tags=tags, figures=figures)
    if is_major:
        ChangeNote.objects.create(
            article=article, changed_at=article.last_major_update_at, note=change_note.strip(),
            created_by=by,
        )  # fmt: skip
    _keep_old_address(article, previous_path=stored.get_absolute_url())
    _index(article)
    # The saved article now holds what the writer's autosaved copy kept.
    drop_draft_copy(article=article, by=by)
    return article


@transaction.atomic
def restore_revision(*, article: Article, revision, by) -> Article:
    """Bring back an old revision's words as a new revision; nothing newer is lost."""
    article = locked(article)
    if revision.article_id != article.pk:
        raise WorkflowError(gettext("That revision belongs to another article."))
    if not can_edit(by, article):
        raise WorkflowError(gettext("You do not have permission to change this article."))
    for name in RESTORED_FIELDS:
        if name in revision.content:
            setattr(article, name, revision.content[name])
    save_version(
        article,
        previous_version=article.version,
        by=by,
        action=Action.RESTORED,
        note=phrases.RESTORED_FROM(number=revision.number),
        comment=phrases.RESTORED(number=revision.number),
    )
    _index(article)
    return article


@transaction.atomic
def delete_article(*, article: Article, by) -> None:
    """Delete an article; its images stay in the media library for other articles."""
    if not (by.has_perm("news.delete_article") and may_publish(by)):
        raise WorkflowError(gettext("You do not have permission to delete articles."))
    # The figures and designations it sourced lose their source: that is on their history.
    sourced = {model: list(model.objects.filter(source_article=article)) for model in SOURCED}
    article.delete()
    now, reason = timezone.now(), phrases.SOURCE_DELETED(title=article.title)
    for value in sourced[MetricValue]:
        value.changed_at = now
    MetricValue.objects.filter(pk__in=[value.pk for value in sourced[MetricValue]]).update(
        changed_at=now
    )
    for model, records in sourced.items():
        for record in records:
            record.source_article = None
        bulk_history(records, model=model, by=by, reason=reason, changed=True)
    content_changed()


# --- the steps of an edit --------------------------------------------------------------------


def _index(article: Article) -> None:
    """Refresh what is derived from the saved article once, after everything it reads is saved:
    the search vector (cities and tags included) and the count of figures awaiting
    confirmation (its text and recorded figures)."""
    refresh_search_vectors([article.pk])
    refresh_figures_awaiting([article.pk])


def _conflict(stored: Article) -> EditConflict:
    latest = stored.revisions.select_related("created_by").first()
    who = latest.created_by.get_username() if latest and latest.created_by else gettext("someone")
    when = timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M") if latest else ""
    return EditConflict(
        gettext(
            "%(who)s saved this article at %(when)s after you opened it, so your save was "
            "refused to keep their work. Your text is still in the form below: compare it "
            "with theirs (see Revisions), merge what you need, and save again to replace "
            "their version with yours."
        )
        % {"who": who, "when": when},
        current_version=stored.version,
    )


def _has_changed(stored: Article, article: Article, cities, programmes, tags, rows) -> bool:
    """Whether the edit changes anything: a field, a relation, or a row edited with it."""
    fields = [f for f in Article._meta.concrete_fields if f.editable and not f.primary_key]
    if any(f.value_from_object(stored) != f.value_from_object(article) for f in fields):
        return True
    if rows:
        return True
    related = [(cities, stored.cities), (programmes, stored.programmes)]
    if any(new is not None and {o.pk for o in new} != {o.pk for o in old.all()}
           for new, old in related):  # fmt: skip
        return True
    return tags is not None and {str(tag) for tag in tags} != set(stored.tags.names())


def _check_change_kind(stored: Article, changed: bool, change_kind: str, note: str) -> bool:
    """A change to a published article must say whether it is minor or major; returns major."""
    if stored.status != Status.PUBLISHED or not changed:
        return False
    if change_kind not in CHANGE_KINDS:
        raise WorkflowError(
            gettext("Say whether this is a minor or a major change."), field="change_kind"
        )
    if change_kind == "major" and not note.strip():
        raise WorkflowError(
            gettext("A major change needs a short public note."), field="change_note"
        )
    return change_kind == "major"


def _save_parts(article: Article, *, by, cities, programmes, tags, figures) -> None:
    """Everything saved beside the article's own row, in the order create and edit share."""
    _save_related(article, cities=cities, programmes=programmes, tags=tags)
    save_article_figures(article=article, changes=figures, by=by)


def _save_related(article: Article, *, cities, programmes, tags) -> None:
    if cities is not None:
        article.cities.set(cities)
    if programmes is not None:
        article.programmes.set(programmes)
    if tags is not None:
        article.tags.set(list(tags))


def _keep_old_address(article: Article, *, previous_path: str) -> None:
    """When a published article's slug or date changes, its old address keeps working."""
    if article.status not in {Status.PUBLISHED, Status.WITHDRAWN}:
        return
    current = article.get_absolute_url()
    if previous_path == current:
        return
    ArticleRedirect.objects.filter(old_path=current).delete()
    ArticleRedirect.objects.update_or_create(old_path=previous_path, defaults={"article": article})
