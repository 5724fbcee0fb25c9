"""The records admins' start-page panels: articles whose text reports figures not yet recorded
or dismissed, and the latest CSV imports. Each reads two bounded queries (a count and the first
PANEL_ITEMS rows), whatever the archive's size; the dashboard lists them as RECORDS_PANELS.
"""

from django.urls import reverse
from django.utils import timezone

from news.models import Article, CsvImport

from .panels import PANEL_ITEMS, Panel, PanelItem


def awaiting_confirmation_panel(request) -> Panel:
    """Articles with figures awaiting confirmation (the count each article's services keep),
    most recently saved first, each linking to its suggested figures."""
    awaiting = Article.objects.filter(figures_awaiting__gt=0)
    count = awaiting.count()
    articles = awaiting.order_by("-modified_at").only(
        "pk", "title", "status", "figures_awaiting", "modified_at"
    )[:PANEL_ITEMS]
    items = [
        PanelItem(
            label=article.title,
            url=reverse("admin:news_article_figures", args=[article.pk]),
            detail=f"{article.figures_awaiting} figure(s) · {article.get_status_display()}",
        )
        for article in articles
    ]
    return Panel(
        key="figures-awaiting-confirmation",
        title="Figures awaiting confirmation",
        count=count,
        items=items,
        more_url=f"{reverse('admin:news_article_changelist')}?figures_awaiting=yes"
        if count > len(items)
        else "",
        empty_text="Every figure the articles report is recorded or dismissed.",
    )


def latest_imports_panel(request) -> Panel:
    """The newest CSV imports: what, from which file, by whom, and what they did."""
    imports = CsvImport.objects.select_related("by")
    count = imports.count()
    items = [
        PanelItem(
            label=str(record),
            url=reverse("admin:news_csvimport_change", args=[record.pk]),
            detail=f"{timezone.localtime(record.at):%Y-%m-%d %H:%M} by "
            f"{record.by.get_username() if record.by else 'a management command'} · "
            f"{record.summary}",
        )
        for record in imports[:PANEL_ITEMS]
    ]
    return Panel(
        key="latest-imports",
        title="Latest imports",
        count=count,
        items=items,
        more_url=reverse("admin:news_csvimport_changelist") if count > len(items) else "",
        empty_text="No CSV import yet.",
    )


RECORDS_PANELS = [awaiting_confirmation_panel, latest_imports_panel]
