"""Recording figures: values an editor confirmed from the suggestions, or edited on an article;
the suggestions someone dismissed; and each article's count of figures awaiting confirmation.

Every value keeps its source: the article it was read from, or a note. A suggestion that was
recorded or dismissed is remembered (`ReviewedFigure`), so saving the article again brings back
only new figures. `Article.figures_awaiting` is refreshed here, after every change that can move
it, so the records admins' start page reads it in one bounded query.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from news import phrases
from news.caching import content_changed
from news.figures.periods import clean_period
from news.figures.suggest import Suggestion, suggest_figures
from news.models import Article, City, Metric, MetricValue, ReviewedFigure
from news.roles import may_confirm_figures

from .changes import attribute
from .errors import FigureError

logger = logging.getLogger(__name__)

#: Articles refreshed per query when many are (a management command fills every article).
REFRESH_BATCH = 500


@dataclass
class AcceptedFigure:
    """An editor's confirmed figure suggestion: an existing metric, or a new metric's name."""

    city: City | None
    period: str
    value: Decimal | None
    metric: Metric | None = None
    new_metric_name: str = ""
    new_metric_unit: str = ""
    #: The suggestion it was confirmed from, remembered so it is not suggested again.
    suggestion: Suggestion | None = None


# --- what is still to confirm ---------------------------------------------------------------


def standing_reviews():
    """Reviews that still keep a suggestion away: dismissals, and recordings whose value exists
    (a deleted value's figure is suggested again)."""
    return ReviewedFigure.objects.filter(
        Q(outcome=ReviewedFigure.Outcome.DISMISSED) | Q(metric_value__isnull=False)
    )


def articles_for_review(article_ids: Iterable[int]):
    """Articles with what `pending_suggestions` needs, in three queries whatever their number."""
    return Article.objects.filter(pk__in=list(article_ids)).prefetch_related(
        Prefetch("figures", queryset=MetricValue.objects.only("metric", "value", "source_article")),
        Prefetch("reviewed_figures", queryset=standing_reviews(), to_attr="standing_reviews"),
    )


def pending_suggestions(article: Article, metrics=None) -> list[Suggestion]:
    """Figures the article's text reports that are neither recorded as one of its figures nor
    reviewed (recorded or dismissed) before. `article` comes from `articles_for_review()`."""
    if metrics is None:
        metrics = list(Metric.objects.all())
    recorded = {(value.metric_id, value.value) for value in article.figures.all()}
    recorded_values = {value for _, value in recorded}
    reviews = getattr(article, "standing_reviews", None)
    if reviews is None:
        reviews = standing_reviews().filter(article=article)
    reviewed = {(review.sentence_fingerprint, review.value, review.phrase) for review in reviews}
    return [
        suggestion
        for suggestion in suggest_figures(article.body, metrics)
        if suggestion.identity not in reviewed
        and not (
            (suggestion.metric and (suggestion.metric.pk, suggestion.value) in recorded)
            or (suggestion.metric is None and suggestion.value in recorded_values)
        )
    ]


def refresh_figures_awaiting(article_ids: Iterable[int | None]) -> None:
    """Store each article's count of figures awaiting confirmation (only where it moved)."""
    ids = sorted({pk for pk in article_ids if pk is not None})
    if not ids:
        return
    metrics = list(Metric.objects.all())
    for start in range(0, len(ids), REFRESH_BATCH):
        for article in articles_for_review(ids[start : start + REFRESH_BATCH]):
            count = len(pending_suggestions(article, metrics))
            if count != article.figures_awaiting:
                Article.objects.filter(pk=article.pk).update(figures_awaiting=count)


# --- confirming, dismissing, bringing back -------------------------------------------------


def _check_may_confirm(by, article: Article) -> None:
    if by is None or not may_confirm_figures(by, article):
        raise FigureError(gettext("You do not have permission to record figures for this article."))


def _remember(article: Article, suggestion: Suggestion, *, outcome: str, by, value=None) -> None:
    fingerprint, number, phrase = suggestion.identity
    ReviewedFigure.objects.update_or_create(
        article=article,
        sentence_fingerprint=fingerprint,
        value=number,
        phrase=phrase,
        defaults={
            "sentence": suggestion.sentence,
            "outcome": outcome,
            "metric_value": value,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )


def _checked(figure: AcceptedFigure) -> AcceptedFigure:
    """The figure with its period written the one way; FigureError if anything is missing."""
    if figure.value is None or figure.city is None or not (figure.period or "").strip():
        raise FigureError(gettext("Each figure to record needs a value, a city and a period."))
    try:
        figure.period = clean_period(figure.period)
    except ValueError as error:
        raise FigureError(str(error)) from error
    return figure


@transaction.atomic
def record_article_figures(
    *,
    article: Article,
    figures: list[AcceptedFigure],
    by,
    dismissed: list[Suggestion] = (),
) -> list[MetricValue]:
    """Store the figures an editor accepted from the suggestions, sourced to `article`, and
    remember the ones they dismissed. All or nothing; FigureError names what is wrong."""
    _check_may_confirm(by, article)
    reason = phrases.RECORDED_FROM(title=article.title)
    stored = []
    for figure in map(_checked, figures):
        metric = figure.metric
        if metric is None:
            name = figure.new_metric_name.strip()
            if not name:
                raise FigureError(gettext("Choose a metric or name a new one."))
            metric = Metric.objects.filter(name=name).first()
            if metric is None:
                metric = Metric(name=name, unit=figure.new_metric_unit.strip())
                attribute(metric, by=by, reason=reason).save()
        clash = MetricValue.objects.filter(
            metric=metric, city=figure.city, period=figure.period
        ).first()
        if clash is not None:
            raise FigureError(
                gettext(
                    "%(city)s already has a value for “%(metric)s” in %(period)s: %(value)s. "
                    "Edit that value instead."
                )
                % {
                    "city": figure.city.display_name,
                    "metric": metric.name,
                    "period": figure.period,
                    "value": f"{clash.value.normalize():f}",
                }
            )
        value = MetricValue(
            metric=metric,
            city=figure.city,
            period=figure.period,
            value=figure.value,
            source_article=article,
        )
        attribute(value, by=by, reason=reason).save()
        stored.append(value)
        if figure.suggestion is not None:
            _remember(
                article, figure.suggestion, outcome=ReviewedFigure.Outcome.RECORDED, by=by,
                value=value,
            )  # fmt: skip
    for suggestion in dismissed:
        _remember(article, suggestion, outcome=ReviewedFigure.Outcome.DISMISSED, by=by)
    refresh_figures_awaiting([article.pk])
    if stored:
        content_changed()
    logger.info(
        "%d figure(s) recorded and %d dismissed from %s by %s",
        len(stored), len(dismissed), article, by,
    )  # fmt: skip
    return stored


@transaction.atomic
def bring_back_figures(*, article: Article, review_ids: list[int], by) -> int:
    """Suggest dismissed figures again; returns how many came back."""
    _check_may_confirm(by, article)
    count, _ = ReviewedFigure.objects.filter(
        article=article, pk__in=review_ids, outcome=ReviewedFigure.Outcome.DISMISSED
    ).delete()
    refresh_figures_awaiting([article.pk])
    return count


def save_article_figures(*, article: Article, changes, by=None) -> None:
    """Apply the figure rows edited on an article's form (RowChange items): each kept or new
    row is a value sourced to `article`; a row marked for deletion is removed."""
    reason = phrases.EDITED_ON(title=article.title)
    for change in changes:
        if change.delete:
            if change.existing is not None:
                attribute(change.existing, by=by, reason=reason).delete()
            continue
        value = change.row(MetricValue())
        value.source_article = article
        value.changed_at = timezone.now()
        attribute(value, by=by, reason=reason).save()
