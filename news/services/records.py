"""Saving rows that have no rule beyond their form's checks: programmes, designations, metrics,
metric values and tags. One path all the same, so every change tells the caches, names its
author on the record's history, and keeps a figure's "last changed" time and its articles'
count of figures awaiting confirmation current."""

from django.db import transaction
from django.utils import timezone

from news.caching import content_changed
from news.models import Metric, MetricValue

from .changes import attribute, delete_attributed
from .figures import refresh_figures_awaiting


@transaction.atomic
def save_record(*, record, by=None, reason: str = ""):
    """Save a register or figures row edited in a form; the public site may show it."""
    attribute(record, by=by, reason=reason)
    articles = []
    if isinstance(record, MetricValue):
        record.changed_at = timezone.now()
        if record.pk is not None:
            articles = list(
                MetricValue.objects.filter(pk=record.pk).values_list("source_article", flat=True)
            )
    record.save()
    if isinstance(record, MetricValue):
        refresh_figures_awaiting([*articles, record.source_article_id])
    content_changed()
    return record


@transaction.atomic
def delete_records(*, records, by=None) -> None:
    """Delete rows (a queryset or a list); what referred to them follows their on_delete rule,
    and every deleted row's history names `by`."""
    articles = set()
    for record in records:
        articles.update(_articles_reporting(record))
        delete_attributed(record, by=by)
    refresh_figures_awaiting(articles)
    content_changed()


def _articles_reporting(record) -> list:
    """The articles whose recorded figures deleting `record` removes."""
    if isinstance(record, MetricValue):
        return [record.source_article_id]
    if isinstance(record, Metric):
        return list(record.values.values_list("source_article", flat=True).distinct())
    return []
