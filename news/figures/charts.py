"""Server-drawn SVG charts of figures (pygal), accessible and with no script or outside asset.

Each chart is an inline <svg role="img"> labelled with a sentence that says what it shows; the
page puts the same numbers in a table beside it, which is what a screen reader or a script
reads. pygal's interactive script (fetched from a CDN by default) is switched off and its inline
configuration script stripped, so the page stays script-free. Its inline stylesheet and style
attributes are stripped too, so the Content-Security-Policy can refuse inline styles: the same
rules are served as static/css/charts.css, which `chart_stylesheet()` writes (a test checks
the file still matches it).
"""

import html
import re
from decimal import Decimal

import pygal
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from .numbers import readable_number

CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#d5dbe1",
    colors=("#0b5cad", "#b35900", "#2a7d2e", "#7a3fa0"),
    font_family='system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif',
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_STYLESHEET = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')
_CHART_ID = re.compile(r'\bid="(chart-[0-9a-f-]+)"')
#: What the stripped style attributes said (pygal hides the tooltip of its script, off here).
_ATTRIBUTE_RULES = ".pygal-chart .tooltip{opacity:0}"


def _format_float(value: float) -> str:
    """pygal hands values back as floats; format them as the tables do (2,333; 12.5)."""
    return readable_number(Decimal(repr(value)))


def _config(**options) -> dict:
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": CHART_STYLE,
        "show_legend": False,
        "print_values": True,
        "value_formatter": _format_float,
        "width": 720,
        "height": 360,
        "margin": 16,
        **options,
    }


def _finish(chart, label: str) -> str:
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    svg = _STYLE_ATTRIBUTE.sub("", _STYLESHEET.sub("", svg)).replace("<defs></defs>", "", 1)
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1
    )
    svg = svg.replace('class="pygal-chart"', 'class="pygal-chart chart"', 1)
    return mark_safe(svg)  # noqa: S308 - pygal escapes every label and value it draws


def _number(value: Decimal) -> float:
    return float(value)


def series_chart(*, metric_name: str, unit: str, city_name: str, points) -> str:
    """A metric's values for one city over its periods: `points` are (period, value) pairs."""
    points = list(points)
    chart_class = pygal.Line if len(points) > 1 else pygal.Bar
    chart = chart_class(
        **_config(
            title=f"{metric_name}, {city_name}",
            y_title=unit or None,
            include_x_axis=True,
            margin_right=48,
        )
    )
    chart.x_labels = [period for period, _ in points]
    chart.add(metric_name, [_number(value) for _, value in points])
    described = "; ".join(f"{period}: {readable_number(value)}" for period, value in points)
    label = _("Chart of %(metric)s in %(city)s by period (%(unit)s): %(values)s.") % {
        "metric": metric_name, "city": city_name, "unit": unit or _("value"), "values": described,
    }  # fmt: skip
    return _finish(chart, label)


def ranking_chart(*, metric_name: str, unit: str, period: str, rows) -> str:
    """Cities compared on one metric and period, largest first: `rows` are (city, value) pairs."""
    rows = list(rows)
    height = max(160, 60 + 36 * len(rows))
    chart = pygal.HorizontalBar(
        **_config(title=f"{metric_name}, {period}", x_title=unit or None, height=height)
    )
    # pygal draws the first label at the bottom; reverse so the largest value is on top.
    chart.x_labels = [city for city, _ in reversed(rows)]
    chart.add(metric_name, [_number(value) for _, value in reversed(rows)])
    described = "; ".join(f"{city}: {readable_number(value)}" for city, value in rows)
    label = _("Bar chart ranking cities on %(metric)s in %(period)s (%(unit)s): %(values)s.") % {
        "metric": metric_name, "period": period, "unit": unit or _("value"), "values": described,
    }  # fmt: skip
    return _finish(chart, label)


def chart_stylesheet() -> str:
    """The stylesheet pygal would put inside every chart, for all charts: its rules are the same
    for every chart but for the chart's random id, which becomes the `.pygal-chart` class."""
    chart = pygal.Line(**_config())
    chart.add("", [1.0, 2.0])
    svg = chart.render(is_unicode=True)
    css = html.unescape(_STYLESHEET.search(svg).group(1))
    css = css.replace(f"#{_CHART_ID.search(svg).group(1)}", ".pygal-chart")
    lines = [line.strip() for line in css.splitlines() if line.strip()]
    return "\n".join(
        ["/* Chart styles for pygal's SVG (news/figures/charts.py writes this file). */",
         *lines, _ATTRIBUTE_RULES, ""]
    )  # fmt: skip
