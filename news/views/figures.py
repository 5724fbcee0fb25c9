"""Figure pages: metrics compared across cities, and every chart's CSV and JSON beside it."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.generic import ListView

from news.csv_io import csv_text
from news.figures.charts import ranking_chart
from news.figures.linked_data import metric_metadata
from news.figures.tables import (
    RANKING_CSV_HEADER,
    SERIES_CSV_HEADER,
    ranked_rows,
    ranking_csv_rows,
    series_csv_rows,
    series_rows,
)
from news.forms import MetricPeriodForm
from news.models import Article, City, Metric, MetricValue

from .lists import lazy

METRIC_ARTICLES_SHOWN = 20
#: The metric page's chart draws at most this many cities (the table lists them all).
CHART_MAX_BARS = 30


def csv_response(header: list[str], rows, filename: str) -> HttpResponse:
    """A download, never a page: a browser saves it rather than showing it as this site's."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def city_figures_csv(request, slug: str, metric: str):
    """Exactly the table beside one chart on the city page, as CSV."""
    city = get_object_or_404(City, slug=slug)
    metric = get_object_or_404(Metric, slug=metric)
    values = city.metric_values.shown_to_public().filter(metric=metric).with_listing_data()
    rows = series_rows(values)
    if not rows:
        raise Http404("No figures for this city and metric.")
    cells = series_csv_rows(rows, unit=metric.unit, absolute=request.build_absolute_uri)
    return csv_response(SERIES_CSV_HEADER, cells, f"{city.slug}-{metric.slug}.csv")


class MetricListView(ListView):
    template_name = "news/metric_list.html"
    context_object_name = "metrics"

    def get_queryset(self):
        return Metric.objects.with_public_counts().order_by("name")


def metric_detail(request, slug: str):
    """/metrics/<slug>/: cities ranked on one metric for a chosen period, with CSV and JSON."""
    metric = get_object_or_404(Metric, slug=slug)
    shown = MetricValue.objects.shown_to_public().filter(metric=metric)
    periods = shown.periods()
    form = MetricPeriodForm(request.GET or None, periods=periods)
    status = 200
    if form.is_bound and not form.is_valid():
        status, period, want_csv = 400, None, False
    else:
        data = form.cleaned_data if form.is_bound else {}
        period = data.get("period") or (periods[-1] if periods else None)
        want_csv = data.get("format") == "csv"
    values = (
        shown.filter(period=period).with_listing_data().order_by("-value", "city__name")
        if period
        else MetricValue.objects.none()
    )
    # Built only when the page's cached fragment is drawn again (see the template).
    rows = lazy(lambda: ranked_rows(values))
    if want_csv:
        cells = ranking_csv_rows(
            rows, unit=metric.unit, period=period, absolute=request.build_absolute_uri
        )
        return csv_response(RANKING_CSV_HEADER, cells, f"{metric.slug}-{period}.csv")

    def chart():
        if not rows:
            return ""
        bars = [(row["city"].display_name, row["value"]) for row in rows[:CHART_MAX_BARS]]
        return ranking_chart(metric_name=metric.name, unit=metric.unit, period=period, rows=bars)

    context = {
        "metric": metric,
        "form": form,
        "period": period,
        "periods": periods,
        "rows": rows,
        "chart": lazy(chart),
        "chart_is_partial": lazy(lambda: len(rows) > CHART_MAX_BARS),
        "chart_max_bars": CHART_MAX_BARS,
        "csv_url": f"{request.path}?{urlencode({'period': period, 'format': 'csv'})}"
        if period
        else "",
        "values": values,
        "articles": Article.objects.public()
        .reporting(metric)
        .newest_first()
        .with_listing_data()[:METRIC_ARTICLES_SHOWN],
    }
    return render(request, "news/metric_detail.html", context, status=status)


def metric_metadata_json(request, slug: str):
    """The metric's definition, unit, periods and sources as JSON, beside its chart."""
    metric = get_object_or_404(Metric, slug=slug)
    shown = MetricValue.objects.shown_to_public().filter(metric=metric)
    articles = Article.objects.public().reporting(metric).newest_first()
    notes = (
        shown.exclude(source_note="")
        .order_by("source_note")
        .values_list("source_note", flat=True)
        .distinct()
    )
    data = metric_metadata(
        request=request,
        metric=metric,
        periods=shown.periods(),
        sources=[(article.title, article.get_absolute_url()) for article in articles],
        notes=list(notes),
        city_count=shown.values("city").distinct().count(),
        value_count=shown.count(),
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
