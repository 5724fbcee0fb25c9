"""The admin's start page: what waits for each person, as panels (news/admin/panels.py).

`ROLE_PANELS` says which panels each role's members see, in order. It is a plain mapping so
that another part of the newsroom can add its own panels to a role (`ROLE_PANELS[RECORDS_ADMIN]
.append(...)`); the page draws every panel the same way. Each panel function reads one query
(`first_rows`), so the page costs the same with ten articles as with a hundred thousand.
"""

from datetime import timedelta

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from news import roles
from news.models import Article, City, Designation

from .article_filters import RECENT_DAYS
from .dashboard_records import RECORDS_PANELS
from .panels import Panel, PanelFunction, PanelItem, first_rows

#: How much of a note or a withdrawal reason a panel item quotes.
NOTE_CHARACTERS = 140

ARTICLES = "admin:news_article_changelist"
#: The article fields the panels' details read (besides the annotations).
DETAIL_FIELDS = ("created_at", "modified_at", "published_at", "withdrawn_at", "withdrawal_reason")
Status = Article.Status


def moment(value) -> str:
    """A time as the admin's language writes it, in the site's time zone."""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def article_item(article, detail: str) -> PanelItem:
    return PanelItem(
        label=article.title or _("(untitled)"),
        url=reverse("admin:news_article_change", args=[article.pk]),
        detail=detail,
    )


def changelist(name: str, **filters) -> str:
    """A change list's address, filtered as a panel is (its "see all")."""
    return f"{reverse(name)}?{urlencode(filters)}" if filters else reverse(name)


def article_panel(key, title, queryset, describe, more_url, empty_text) -> Panel:
    """A panel of articles: `describe(article)` writes each item's line of detail."""
    count, articles = first_rows(queryset.only("pk", "title", *DETAIL_FIELDS))
    return Panel(
        key=key,
        title=title,
        count=count,
        items=[article_item(article, describe(article)) for article in articles],
        more_url=more_url,
        empty_text=empty_text,
    )


def submitted(article) -> str:
    """Who submitted an article in review, and when (an article made in review, as the demo
    makes one, has no such step: it is in review since it was created)."""
    if article.last_step_by:
        return _("Submitted by %(name)s, %(when)s") % {
            "name": article.last_step_by,
            "when": moment(article.last_step_at),
        }
    return _("In review since %(when)s") % {"when": moment(article.created_at)}


# --- Editors --------------------------------------------------------------------------------


def awaiting_review(request) -> Panel:
    queryset = (
        Article.objects.filter(status=Status.IN_REVIEW)
        .with_last_step()
        .order_by(Coalesce("last_step_at", "created_at"), "pk")
    )
    return article_panel(
        "awaiting-review",
        _("Awaiting review"),
        queryset,
        submitted,
        changelist(ARTICLES, status__exact=Status.IN_REVIEW),
        _("Nothing is waiting for review."),
    )


def scheduled(request) -> Panel:
    return article_panel(
        "scheduled",
        _("Scheduled"),
        Article.objects.scheduled().order_by("published_at", "pk"),
        lambda article: _("Goes live %(when)s") % {"when": moment(article.published_at)},
        changelist(ARTICLES, desk="scheduled"),
        _("Nothing is scheduled."),
    )


def recently_published(request) -> Panel:
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return article_panel(
        "recently-published",
        _("Published in the last %(days)s days") % {"days": RECENT_DAYS},
        Article.objects.published_since(since).order_by("-published_at", "-pk"),
        lambda article: _("Published %(when)s") % {"when": moment(article.published_at)},
        changelist(ARTICLES, desk="recent"),
        _("Nothing was published in the last %(days)s days.") % {"days": RECENT_DAYS},
    )


def withdrawn(request) -> Panel:
    def describe(article):
        return _("Withdrawn %(when)s: %(reason)s") % {
            "when": moment(article.withdrawn_at or article.modified_at),
            "reason": Truncator(article.withdrawal_reason).chars(NOTE_CHARACTERS),
        }

    return article_panel(
        "withdrawn",
        _("Withdrawn"),
        Article.objects.filter(status=Status.WITHDRAWN).order_by("-withdrawn_at", "-pk"),
        describe,
        changelist(ARTICLES, status__exact=Status.WITHDRAWN),
        _("No article is withdrawn."),
    )


# --- Writers: only their own articles -------------------------------------------------------


def returned_to_me(request) -> Panel:
    def describe(article):
        values = {"name": article.last_step_by or "—", "when": moment(article.last_step_at)}
        if not article.last_step_note:
            return _("Returned by %(name)s, %(when)s") % values
        values["note"] = Truncator(article.last_step_note).chars(NOTE_CHARACTERS)
        return _("Returned by %(name)s, %(when)s: “%(note)s”") % values

    return article_panel(
        "returned-to-me",
        _("Returned to me"),
        Article.objects.filter(author=request.user).returned().order_by("-last_step_at", "-pk"),
        describe,
        changelist(ARTICLES, desk="returned", by="me"),
        _("Nothing has been returned to you."),
    )


def my_drafts(request) -> Panel:
    return article_panel(
        "my-drafts",
        _("My drafts"),
        Article.objects.filter(author=request.user, status=Status.DRAFT).order_by(
            "-modified_at", "-pk"
        ),
        lambda article: _("Last saved %(when)s") % {"when": moment(article.modified_at)},
        changelist(ARTICLES, status__exact=Status.DRAFT, by="me"),
        _("You have no drafts."),
    )


def my_articles_in_review(request) -> Panel:
    queryset = (
        Article.objects.filter(author=request.user, status=Status.IN_REVIEW)
        .with_last_step()
        .order_by(Coalesce("last_step_at", "created_at"), "pk")
    )
    return article_panel(
        "my-articles-in-review",
        _("In review"),
        queryset,
        submitted,
        changelist(ARTICLES, status__exact=Status.IN_REVIEW, by="me"),
        _("None of your articles is in review."),
    )


# --- Records admins -------------------------------------------------------------------------


def cities_without_a_code(request) -> Panel:
    count, cities = first_rows(City.objects.filter(division_code__isnull=True).order_by("name"))
    return Panel(
        key="cities-without-a-code",
        title=_("Cities without a division code"),
        count=count,
        items=[
            PanelItem(
                label=city.display_name,
                url=reverse("admin:news_city_change", args=[city.pk]),
                detail=city.province,
            )
            for city in cities
        ],
        more_url=changelist("admin:news_city_changelist", division_code__isnull="True"),
        empty_text=_("Every city has its division code."),
    )


def latest_designations(request) -> Panel:
    designations = Designation.objects.select_related("city", "programme").order_by(
        "-announced_on", "-pk"
    )
    count, rows = first_rows(designations)
    return Panel(
        key="latest-designations",
        title=_("Latest designations"),
        count=count,
        items=[
            PanelItem(
                label=f"{designation.city.display_name} — {designation.programme.name}",
                url=reverse("admin:news_designation_change", args=[designation.pk]),
                detail=_("%(status)s, announced %(when)s")
                % {
                    "status": designation.get_status_display(),
                    "when": formats.date_format(designation.announced_on, "SHORT_DATE_FORMAT")
                    if designation.announced_on
                    else "—",
                },
            )
            for designation in rows
        ],
        more_url=changelist("admin:news_designation_changelist"),
        empty_text=_("No designation is recorded yet."),
    )


# --- Who sees what --------------------------------------------------------------------------

#: role (the group's name, news/roles.py) → the panels its members see, in this order.
ROLE_PANELS: dict[str, list[PanelFunction]] = {
    roles.EDITOR: [awaiting_review, scheduled, recently_published, withdrawn],
    roles.WRITER: [returned_to_me, my_drafts, my_articles_in_review],
    roles.RECORDS_ADMIN: [*RECORDS_PANELS, cities_without_a_code, latest_designations],
}
#: A superuser sees what these roles see: the newsroom's work, not one writer's own.
SUPERUSER_ROLES = [roles.EDITOR, roles.RECORDS_ADMIN]
#: The roles' names in the admin's language.
ROLE_NAMES = {
    roles.EDITOR: gettext_lazy("Editor"),
    roles.WRITER: gettext_lazy("Writer"),
    roles.RECORDS_ADMIN: gettext_lazy("Records admin"),
}


def roles_of(user) -> list[str]:
    """The user's roles that have panels, in ROLE_PANELS' order."""
    if user.is_superuser:
        held = set(SUPERUSER_ROLES)
    else:
        held = set(user.groups.values_list("name", flat=True))
    return [role for role in ROLE_PANELS if role in held]


def panels_for(request, role_names: list[str]) -> list[Panel]:
    """Every panel of these roles, each once (a person may hold two roles)."""
    functions: list[PanelFunction] = []
    for role in role_names:
        functions += [function for function in ROLE_PANELS[role] if function not in functions]
    return [function(request) for function in functions]
