"""The records admins' start-page panels: articles whose text reports figures not yet recorded
or dismissed, and the latest CSV imports. Each is one bounded query (`first_rows`: the count
and the first PANEL_ITEMS rows together), whatever the archive's size.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from news.models import Article, CsvImport

from .panels import Panel, PanelItem, first_rows


def awaiting_confirmation_panel(request) -> Panel:
    """Articles with figures awaiting confirmation (the count each article's services keep),
    most recently saved first, each linking to its suggested figures."""
    awaiting = Article.objects.filter(figures_awaiting__gt=0).order_by("-modified_at")
    count, articles = first_rows(
        awaiting.only("pk", "title", "status", "figures_awaiting", "modified_at")
    )
    return Panel(
        key="figures-awaiting-confirmation",
        title=_("Figures awaiting confirmation"),
        count=count,
        items=[
            PanelItem(
                label=article.title,
                url=reverse("admin:news_article_figures", args=[article.pk]),
                detail=ngettext("%(count)d figure · %(status)s", "%(count)d figures · %(status)s",
                                article.figures_awaiting)
                % {"count": article.figures_awaiting, "status": article.get_status_display()},
            )
            for article in articles
        ],
        more_url=f"{reverse('admin:news_article_changelist')}?figures_awaiting=yes",
        empty_text=_("Every figure the articles report is recorded or dismissed."),
    )  # fmt: skip


def latest_imports_panel(request) -> Panel:
    """The newest CSV imports: what, from which file, by whom, and what they did."""
    count, imports = first_rows(CsvImport.objects.select_related("by"))
    return Panel(
        key="latest-imports",
        title=_("Latest imports"),
        count=count,
        items=[
            PanelItem(
                label=str(record),
                url=reverse("admin:news_csvimport_change", args=[record.pk]),
                detail=_("%(when)s by %(who)s · %(summary)s")
                % {
                    "when": formats.date_format(
                        timezone.localtime(record.at), "SHORT_DATETIME_FORMAT"
                    ),
                    "who": record.by.get_username() if record.by else _("a management command"),
                    "summary": record.summary,
                },
            )
            for record in imports
        ],
        more_url=reverse("admin:news_csvimport_changelist"),
        empty_text=_("No CSV import yet."),
    )


RECORDS_PANELS = [awaiting_confirmation_panel, latest_imports_panel]
