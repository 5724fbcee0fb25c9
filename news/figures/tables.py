"""Figures as tables: the rows beside each chart and in each CSV download, in reading order.

A row's `source` is already resolved (`source_of`): the page shows it and never decides whether
an article may be linked.
"""

from itertools import groupby

from django.urls import reverse

from .charts import series_chart
from .linked_data import source_of
from .numbers import format_number
from .periods import period_sort_key

SERIES_CSV_HEADER = ["period", "value", "unit", "source", "source_url"]
RANKING_CSV_HEADER = ["rank", "city", "province", "value", "unit", "period", "source", "source_url"]


def series_rows(values) -> list[dict]:
    """The table beside a city chart (and its CSV): one row per period, oldest first."""
    return [
        {"period": value.period, "value": value.value, "source": source_of(value)}
        for value in sorted(values, key=lambda value: period_sort_key(value.period))
    ]


def city_series(city, figures) -> list[dict]:
    """One chart and table per metric, from the city's figures already fetched in one query
    (ordered by metric)."""
    series = []
    for _metric_id, group in groupby(figures, key=lambda value: value.metric_id):
        values = list(group)
        metric = values[0].metric
        rows = series_rows(values)
        series.append(
            {
                "metric": metric,
                "rows": rows,
                "chart": series_chart(
                    metric_name=metric.name,
                    unit=metric.unit,
                    city_name=city.display_name,
                    points=[(row["period"], row["value"]) for row in rows],
                ),
                "csv_url": reverse(
                    "news:city-figures-csv", kwargs={"slug": city.slug, "metric": metric.slug}
                ),
            }
        )
    return series


def ranked_rows(values) -> list[dict]:
    """Cities by value, largest first; equal values share a rank (1, 2, 2, 4). Each row says
    when its figure last changed (`changed_at`, kept by the services; None if not known)."""
    rows, rank, previous = [], 0, None
    for position, value in enumerate(values, start=1):
        if value.value != previous:
            rank, previous = position, value.value
        rows.append(
            {
                "rank": rank,
                "city": value.city,
                "value": value.value,
                "source": source_of(value),
                "changed_at": value.changed_at,
            }
        )
    return rows


def _source_cells(source: dict, absolute) -> list[str]:
    return [source["title"] or source["note"], absolute(source["url"]) if source["url"] else ""]


def series_csv_rows(rows: list[dict], *, unit: str, absolute) -> list[list]:
    """Exactly the table beside a city chart, as CSV cells (absolute source addresses)."""
    return [
        [row["period"], format_number(row["value"]), unit, *_source_cells(row["source"], absolute)]
        for row in rows
    ]


def ranking_csv_rows(rows: list[dict], *, unit: str, period: str, absolute) -> list[list]:
    """The metric page's ranking for one period, as CSV cells."""
    return [
        [
            row["rank"],
            row["city"].display_name,
            row["city"].province,
            format_number(row["value"]),
            unit,
            period,
            *_source_cells(row["source"], absolute),
        ]
        for row in rows
    ]
