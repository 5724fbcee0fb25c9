"""What a panel on the admin's start page is: a titled, counted list of work, each item one click
from where the work is done. Panels are made by functions of the request (a role's panels are
listed in the dashboard); each reads a bounded number of rows, whatever the archive's size.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Window


@dataclass(frozen=True)
class PanelItem:
    """One piece of work: what it is, where to do it, and a line of detail (who, when, a note)."""

    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Panel:
    """`count` is every matching item; `items` are the first few (PANEL_ITEMS at most), and
    `more_url` lists them all (a filtered change list)."""

    key: str
    title: str
    count: int
    items: list[PanelItem] = field(default_factory=list)
    more_url: str = ""
    empty_text: str = ""


#: How many items a panel shows; the count and `more_url` cover the rest.
PANEL_ITEMS = 8

#: A panel is made from the request (its user) by one of these.
PanelFunction = Callable[..., Panel]


def first_rows(queryset, limit: int = PANEL_ITEMS) -> tuple[int, list]:
    """How many rows `queryset` has, and its first `limit`, in one query: the total is a window
    count, which the database takes before it applies the limit."""
    rows = list(queryset.annotate(panel_total=Window(Count("pk")))[:limit])
    return (rows[0].panel_total if rows else 0), rows
