"""What every article write leaves behind: the next version, its audit event and a revision.

`save_version()` is the one place an article's version number goes up; create, edit, restore
and every workflow step store through it, so a stale form can always be told apart.
"""

import difflib
from datetime import date, datetime

from news.caching import content_changed
from news.models import Article, ArticleEvent, ArticleRevision
from news.sanitise import plain_text

#: The fields a revision keeps, shows in a diff and brings back on restore.
REVISION_FIELDS = [
    "title", "slug", "kind", "summary", "body", "status", "published_at", "updated_on",
    "expires_at", "byline", "source_name", "source_url", "hero_id", "seo_title",
    "seo_description", "is_featured",
]  # fmt: skip
#: What a restore brings back: the words, never the workflow state or the dates.
RESTORED_FIELDS = [
    "title", "kind", "summary", "body", "byline", "source_name", "source_url", "seo_title",
    "seo_description",
]  # fmt: skip
#: The fields the readable diff compares, in this order.
DIFF_FIELDS = ["title", "summary", "body", "status", "published_at", "updated_on", "expires_at"]


def save_version(
    article: Article,
    *,
    previous_version: int,
    by,
    comment: str,
    action: str | None = None,
    note: str = "",
) -> Article:
    """Store `article` as the version after `previous_version` (the stored row's, 0 for a new
    article), with an audit event (when `action` is given) and a revision, and move the public
    content generation on. The caller holds the row lock and has checked the change may happen."""
    article.version = previous_version + 1
    article.save()
    if action:
        ArticleEvent.objects.create(article=article, action=action, by=by, note=note)
    record_revision(article=article, by=by, comment=comment)
    content_changed()
    return article


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


#: Fields stored as a choice's value, shown as its label in the reader's language.
CHOICE_FIELDS = {"status": Article.Status, "kind": Article.Kind}


def _lines(name: str, value) -> list[str]:
    if value is None:
        return [""]
    if name in CHOICE_FIELDS and value in CHOICE_FIELDS[name].values:
        value = CHOICE_FIELDS[name](value).label
    text = plain_text(str(value), keep_blocks=True) if name == "body" else str(value)
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
        label = Article._meta.get_field(name).verbose_name
        changes.append({"field": label, "rows": rows})
    return changes
