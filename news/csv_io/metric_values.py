"""CSV import and export of metric values (key: metric, city, period), all or nothing."""

from decimal import Decimal, InvalidOperation

from news.figures.numbers import format_number
from news.models import Article, City, Metric, MetricValue

from .rows import (
    WRITE_BATCH_SIZE,
    ImportResult,
    Progress,
    RowError,
    csv_text,
    report_progress,
    run_import,
)

METRIC_VALUE_COLUMNS = ["metric", "city", "period", "value", "source_article", "source_note"]

VALUE_FIELD = MetricValue._meta.get_field("value")
MAX_WHOLE_DIGITS = VALUE_FIELD.max_digits - VALUE_FIELD.decimal_places


def parse_number(text: str) -> Decimal | None:
    """A plain decimal such as 2333 or 12.5 (no thousands separators), or None if it is not."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > VALUE_FIELD.decimal_places:
        return None
    whole_digits = len(str(abs(int(number)))) if abs(number) >= 1 else 0
    return None if whole_digits > MAX_WHOLE_DIGITS else number


def import_metric_values(
    *, data: bytes, dry_run: bool = False, by=None, progress: Progress | None = None
) -> ImportResult:
    """Create or update metric values from CSV (key: metric, city, period). All or nothing."""
    return run_import(
        kind="metric values", data=data, columns=METRIC_VALUE_COLUMNS, check=_check_values,
        write=_write_values, dry_run=dry_run, by=by, progress=progress,
    )  # fmt: skip


def _check_values(rows, result: ImportResult, progress) -> list[MetricValue]:
    metric_ids = dict(Metric.objects.values_list("slug", "pk"))
    city_ids = dict(City.objects.values_list("slug", "pk"))
    city_ids_by_code = dict(
        City.objects.exclude(division_code=None).values_list("division_code", "pk")
    )
    article_slugs = {row["source_article"] for _, row in rows if row["source_article"]}
    article_ids = dict(Article.objects.filter(slug__in=article_slugs).values_list("slug", "pk"))
    used_metric_ids = {metric_ids[row["metric"]] for _, row in rows if row["metric"] in metric_ids}
    existing = {
        (metric_id, city_id, period): (pk, value, article_id, note)
        for pk, metric_id, city_id, period, value, article_id, note in MetricValue.objects.filter(
            metric_id__in=used_metric_ids
        ).values_list(
            "pk", "metric_id", "city_id", "period", "value", "source_article_id", "source_note"
        )
    }
    period_limit = MetricValue._meta.get_field("period").max_length
    note_limit = MetricValue._meta.get_field("source_note").max_length
    seen: dict[tuple, int] = {}
    to_write: list[MetricValue] = []
    total = len(rows)
    for done, (line, row) in enumerate(rows, start=1):
        report_progress(progress, "checking", done, total)
        errors: list[RowError] = []
        metric_id = metric_ids.get(row["metric"])
        if metric_id is None:
            errors.append(RowError(line, "metric", f"unknown metric “{row['metric']}”."))
        city_id = city_ids.get(row["city"]) or city_ids_by_code.get(row["city"])
        if city_id is None:
            errors.append(RowError(line, "city", f"unknown city “{row['city']}”."))
        period = row["period"]
        if not period:
            errors.append(RowError(line, "period", "the period is missing."))
        elif len(period) > period_limit:
            errors.append(RowError(line, "period", f"longer than {period_limit} characters."))
        value = parse_number(row["value"])
        if value is None:
            errors.append(
                RowError(
                    line,
                    "value",
                    f"bad number “{row['value']}”: write digits with an optional decimal point "
                    f"(at most {VALUE_FIELD.decimal_places} decimals, no thousands separators).",
                )
            )
        article_id = None
        if row["source_article"]:
            article_id = article_ids.get(row["source_article"])
            if article_id is None:
                errors.append(
                    RowError(line, "source_article", f"unknown article “{row['source_article']}”.")
                )
        note = row["source_note"]
        if len(note) > note_limit:
            errors.append(RowError(line, "source_note", f"longer than {note_limit} characters."))
        if not row["source_article"] and not note:
            errors.append(
                RowError(line, "source_note", "no source: give a source article or a source note.")
            )
        key = (metric_id, city_id, period)
        if metric_id and city_id and period:
            if key in seen:
                errors.append(
                    RowError(
                        line,
                        "period",
                        f"duplicate key: {row['metric']}, {row['city']}, {period} is already on "
                        f"line {seen[key]}.",
                    )
                )
            else:
                seen[key] = line
        if errors:
            result.errors.extend(errors)
            continue
        summary = {name: row[name] for name in METRIC_VALUE_COLUMNS}
        current = existing.get(key)
        if current is None:
            result.created.append(summary)
        elif current[1:] != (value, article_id, note):
            result.changed.append(summary)
        else:
            result.unchanged += 1
            continue
        to_write.append(
            MetricValue(
                metric_id=metric_id,
                city_id=city_id,
                period=period,
                value=value,
                source_article_id=article_id,
                source_note=note,
            )
        )
    return to_write


def _write_values(to_write: list[MetricValue], progress) -> None:
    for start in range(0, len(to_write), WRITE_BATCH_SIZE):
        MetricValue.objects.bulk_create(
            to_write[start : start + WRITE_BATCH_SIZE],
            update_conflicts=True,
            unique_fields=["metric", "city", "period"],
            update_fields=["value", "source_article", "source_note"],
        )
        if progress is not None:
            progress("writing", min(start + WRITE_BATCH_SIZE, len(to_write)), len(to_write))


def export_metric_values(values=None) -> str:
    """Metric values as CSV text, in the format import_metric_values reads."""
    if values is None:
        values = MetricValue.objects.all()
    rows = values.order_by("metric__slug", "city__slug", "period").values_list(
        "metric__slug", "city__slug", "period", "value", "source_article__slug", "source_note"
    )
    return csv_text(
        METRIC_VALUE_COLUMNS,
        (
            [metric, city, period, format_number(value), article or "", note]
            for metric, city, period, value, article, note in rows.iterator(chunk_size=5000)
        ),
    )
