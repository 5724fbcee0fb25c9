"""CSV import and export of metric values (key: metric, city, period), all or nothing."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext

from news.figures.numbers import format_number
from news.models import Article, City, Metric, MetricValue
from news.services.changes import copy_to_history
from news.services.figures import refresh_figures_awaiting

from .rows import (
    WRITE_BATCH_SIZE,
    ImportResult,
    Progress,
    RowError,
    csv_text,
    import_reason,
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
    *,
    data: bytes,
    dry_run: bool = False,
    by=None,
    progress: Progress | None = None,
    file_name: str = "",
) -> ImportResult:
    """Create or update metric values from CSV (key: metric, city, period). All or nothing."""
    return run_import(
        kind="metric values", data=data, columns=METRIC_VALUE_COLUMNS, check=_check_values,
        write=lambda plan, progress, record: _write_values(plan, progress, record, by),
        dry_run=dry_run, by=by, progress=progress, file_name=file_name,
    )  # fmt: skip


@dataclass
class ValuesPlan:
    """The rows to write, whether each is new, and the articles whose figures they touch."""

    rows: list[MetricValue] = field(default_factory=list)
    is_new: list[bool] = field(default_factory=list)
    articles: set = field(default_factory=set)


def _check_values(rows, result: ImportResult, progress) -> ValuesPlan:
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
    plan = ValuesPlan()
    now = timezone.now()
    total = len(rows)
    for done, (line, row) in enumerate(rows, start=1):
        report_progress(progress, "checking", done, total)
        errors: list[RowError] = []
        metric_id = metric_ids.get(row["metric"])
        if metric_id is None:
            errors.append(
                RowError(
                    line,
                    "metric",
                    gettext("unknown metric “%(metric)s”.") % {"metric": row["metric"]},
                )
            )
        city_id = city_ids.get(row["city"]) or city_ids_by_code.get(row["city"])
        if city_id is None:
            errors.append(
                RowError(line, "city", gettext("unknown city “%(city)s”.") % {"city": row["city"]})
            )
        period = row["period"]
        if not period:
            errors.append(RowError(line, "period", gettext("the period is missing.")))
        elif len(period) > period_limit:
            errors.append(
                RowError(
                    line,
                    "period",
                    gettext("longer than %(limit)s characters.") % {"limit": period_limit},
                )
            )
        value = parse_number(row["value"])
        if value is None:
            errors.append(
                RowError(
                    line,
                    "value",
                    gettext(
                        "bad number “%(value)s”: write digits with an optional decimal point "
                        "(at most %(decimals)s decimals, no thousands separators)."
                    )
                    % {"value": row["value"], "decimals": VALUE_FIELD.decimal_places},
                )
            )
        article_id = None
        if row["source_article"]:
            article_id = article_ids.get(row["source_article"])
            if article_id is None:
                errors.append(
                    RowError(
                        line,
                        "source_article",
                        gettext("unknown article “%(article)s”.")
                        % {"article": row["source_article"]},
                    )
                )
        note = row["source_note"]
        if len(note) > note_limit:
            errors.append(
                RowError(
                    line,
                    "source_note",
                    gettext("longer than %(limit)s characters.") % {"limit": note_limit},
                )
            )
        if not row["source_article"] and not note:
            errors.append(
                RowError(
                    line,
                    "source_note",
                    gettext("no source: give a source article or a source note."),
                )
            )
        key = (metric_id, city_id, period)
        if metric_id and city_id and period:
            if key in seen:
                errors.append(
                    RowError(
                        line,
                        "period",
                        gettext(
                            "duplicate key: %(metric)s, %(city)s, %(period)s is already on "
                            "line %(line)s."
                        )
                        % {
                            "metric": row["metric"],
                            "city": row["city"],
                            "period": period,
                            "line": seen[key],
                        },
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
            plan.articles.add(current[2])
        else:
            result.unchanged += 1
            continue
        plan.articles.add(article_id)
        plan.is_new.append(current is None)
        plan.rows.append(
            MetricValue(
                metric_id=metric_id,
                city_id=city_id,
                period=period,
                value=value,
                source_article_id=article_id,
                source_note=note,
                changed_at=now,
            )
        )
    return plan


def _write_values(plan: ValuesPlan, progress, record, by) -> None:
    """Upsert in batches; each batch's history rows (created or changed) point at `record`."""
    to_write, reason = plan.rows, import_reason(record)
    for start in range(0, len(to_write), WRITE_BATCH_SIZE):
        batch = to_write[start : start + WRITE_BATCH_SIZE]
        MetricValue.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["metric", "city", "period"],
            update_fields=["value", "source_article", "source_note", "changed_at"],
        )
        if batch and batch[0].pk is None:
            _fetch_keys(batch)
        flags = plan.is_new[start : start + WRITE_BATCH_SIZE]
        for is_new in (True, False):
            copy_to_history(
                MetricValue,
                [value.pk for value, new in zip(batch, flags, strict=True) if new is is_new],
                by=by, reason=reason, changed=not is_new, csv_import=record,
            )  # fmt: skip
        if progress is not None:
            progress("writing", min(start + WRITE_BATCH_SIZE, len(to_write)), len(to_write))
    refresh_figures_awaiting(plan.articles)


def _fetch_keys(batch: list[MetricValue]) -> None:
    """Primary keys for an upserted batch, where the database did not return them."""
    keys = {
        (metric, city, period): pk
        for pk, metric, city, period in MetricValue.objects.filter(
            metric_id__in={value.metric_id for value in batch},
            city_id__in={value.city_id for value in batch},
        ).values_list("pk", "metric_id", "city_id", "period")
    }
    for value in batch:
        value.pk = keys[(value.metric_id, value.city_id, value.period)]


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
