"""Autosave: each writer's unsaved copy of an article's edit form.

A copy is kept for one writer and one article. Keeping it never writes the article, never makes
a revision and never touches anyone else's copy; a copy whose form was opened at an older
version than the article has now is kept too, marked stale (restoring it goes through the edit
conflict check, so it cannot overwrite the newer save). Saving the article deletes the saver's
copy (news.services.articles.edit_article calls `drop_draft_copy`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from news.models import Article, DraftCopy

from .errors import NewsroomError
from .workflow import can_edit

#: The most a copy may hold, counted in characters of its values (a long article is ~100,000).
MAX_COPY_CHARACTERS = 2_000_000


class DraftCopyError(NewsroomError):
    """A copy that cannot be kept: not the writer's to edit, or not a form's data."""


def clean_copy_data(data) -> dict[str, list[str]]:
    """The form data as {name: [value, …]} with strings only, or DraftCopyError."""
    if not isinstance(data, dict):
        raise DraftCopyError(gettext("The form data must be an object of field names."))
    cleaned, size = {}, 0
    for name, values in data.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise DraftCopyError(
                gettext("Each field must hold text or a list of texts: %(name)s.")
                % {"name": name[:100]}
            )
        size += len(name) + sum(len(value) for value in values)
        cleaned[name] = values
    if size > MAX_COPY_CHARACTERS:
        raise DraftCopyError(gettext("The form data is too large to keep as a copy."))
    return cleaned


@transaction.atomic
def keep_draft_copy(*, article: Article, by, data: dict, opened_version: int) -> DraftCopy:
    """Store `by`'s copy of the edit form for `article` (replacing their previous copy)."""
    if not can_edit(by, article):
        raise DraftCopyError(gettext("You do not have permission to change this article."))
    if not 0 < opened_version <= article.version:
        raise DraftCopyError(gettext("The form names a version this article never had."))
    copy, _created = DraftCopy.objects.update_or_create(
        user=by,
        article=article,
        defaults={
            "data": clean_copy_data(data),
            "opened_version": opened_version,
            "saved_at": timezone.now(),
        },
    )
    return copy


def discard_draft_copy(*, article: Article, by) -> bool:
    """Delete `by`'s copy of `article`, if there is one; whether there was."""
    return drop_draft_copy(article=article, by=by)


def drop_draft_copy(*, article: Article, by) -> bool:
    """The copy is done with: the article was saved (or the writer discarded it)."""
    if by is None or article.pk is None:
        return False
    deleted, _ = DraftCopy.objects.filter(article=article, user=by).delete()
    return bool(deleted)
