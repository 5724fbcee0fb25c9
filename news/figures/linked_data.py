"""Figures as machine-readable data: schema.org JSON-LD for pages, and a metric's JSON metadata.

A page that shows figures carries one JSON-LD block: a `Dataset` naming the metrics it measures
and its CSV downloads, and one `Observation` per figure (what it is about, which metric, the
value, unit and period, and the article that reported it in `subjectOf`, or the source note in
`description`). A script reads the figures from there without scraping prose.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import mark_safe

from news.sanitise import json_for_script


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def source_of(value) -> dict:
    """Where a figure comes from: its public article (title and address) or its source note.

    `value` comes from MetricValue.objects.with_listing_data(), which resolves
    `source_is_public` with the one visibility rule."""
    article = value.source_article
    if value.source_is_public:
        return {
            "title": article.title,
            "url": article.get_absolute_url(),
            "note": value.source_note,
        }
    return {"title": "", "url": "", "note": value.source_note}


def observation(value, absolute) -> dict:
    source = source_of(value)
    node = {
        "@type": "Observation",
        "observationAbout": {
            "@type": "City",
            "name": value.city.display_name,
            "url": absolute(value.city.get_absolute_url()),
        },
        "variableMeasured": {
            "@type": "StatisticalVariable",
            "name": value.metric.name,
            "url": absolute(value.metric.get_absolute_url()),
        },
        "value": json_number(value.value),
        "unitText": value.metric.unit,
        "observationPeriod": value.period,
    }
    if source["url"]:
        node["subjectOf"] = {
            "@type": "NewsArticle",
            "headline": source["title"],
            "url": absolute(source["url"]),
        }
    if source["note"]:
        node["description"] = f"Source: {source['note']}"
    return node


def figures_jsonld(*, request, name: str, description: str, values, downloads=()) -> str:
    """A <script type="application/ld+json"> block for the figures a page shows."""
    values = list(values)
    absolute = request.build_absolute_uri
    metrics = {value.metric.pk: value.metric for value in values}
    dataset = {
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": absolute(request.path),
        "variableMeasured": [
            {
                "@type": "StatisticalVariable",
                "name": metric.name,
                "unitText": metric.unit,
                "url": absolute(metric.get_absolute_url()),
            }
            for metric in metrics.values()
        ],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": absolute(url)}
            for url in downloads
        ],
    }
    data = {
        "@context": "https://schema.org",
        "@graph": [dataset, *(observation(value, absolute) for value in values)],
    }
    text = json_for_script(data, indent=1)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def metric_metadata(*, request, metric, periods, sources, notes, city_count, value_count) -> dict:
    """A metric's definition, unit, sources and downloads, as served beside its chart."""
    absolute = request.build_absolute_uri
    page = reverse("news:metric-detail", kwargs={"slug": metric.slug})
    return {
        "name": metric.name,
        "slug": metric.slug,
        "unit": metric.unit,
        "description": metric.description,
        "url": absolute(page),
        "periods": periods,
        "cities": city_count,
        "values": value_count,
        "sources": [
            *({"type": "article", "title": title, "url": absolute(url)} for title, url in sources),
            *({"type": "note", "note": note} for note in notes),
        ],
        "downloads": {
            period: absolute(f"{page}?{urlencode({'period': period, 'format': 'csv'})}")
            for period in periods
        },
    }
