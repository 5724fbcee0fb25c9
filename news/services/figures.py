"""Recording figures: values an editor confirmed from the suggestions, or edited on an article.

Every value keeps its source: the article it was read from, or a note.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from news.caching import content_changed
from news.models import Article, City, Metric, MetricValue

from .errors import FigureError

logger = logging.getLogger(__name__)


@dataclass
class AcceptedFigure:
    """An editor's confirmed figure suggestion: an existing metric, or a new metric's name."""

    city: City
    period: str
    value: Decimal
    metric: Metric | None = None
    new_metric_name: str = ""
    new_metric_unit: str = ""


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
        content_changed()
    logger.info("%d figure(s) recorded from %s by %s", len(stored), article, by)
    return stored


def save_article_figures(*, article: Article, changes) -> None:
    """Apply the figure rows edited on an article's form (RowChange items): each kept or new
    row is a value sourced to `article`; a row marked for deletion is removed."""
    for change in changes:
        if change.delete:
            if change.existing is not None:
                change.existing.delete()
            continue
        value = change.row(MetricValue())
        value.source_article = article
        value.save()
