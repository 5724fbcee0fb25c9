"""CSV import and export of city records and metric values: all or nothing, row-by-row errors.

Both formats are plain UTF-8 CSV (a byte-order mark is accepted) with a header row. Export writes
exactly the format import reads, so export → import → export gives the same file.

An import first reads and checks every row against the database as it stands, and collects every
problem with its line number and column. Only a file without a single bad row is written, in one
transaction; a dry run stops after the check. The same function serves the management commands
and the admin's upload → preview → confirm screens.
"""

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from .models import Article, City, Metric, MetricValue, division_code_validator
from .numbers import format_number
from .search import refresh_articles_about

logger = logging.getLogger(__name__)

CITY_COLUMNS = ["slug", "name", "name_zh", "province", "level", "division_code", "summary"]
METRIC_VALUE_COLUMNS = ["metric", "city", "period", "value", "source_article", "source_note"]

#: Writes go to the database in batches of this many rows.
WRITE_BATCH_SIZE = 2000
#: How often (in rows) the progress callback is told how far the import has got.
PROGRESS_EVERY = 1000

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did or, for a dry run or a refused file, would have done."""

    kind: str
    rows: int = 0
    created: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            rows = len({error.line for error in self.errors})
            return (
                f"{len(self.errors)} error(s) on {rows} line(s) of {self.rows} row(s): "
                "nothing was written."
            )
        verb = "written" if self.written else "to write (nothing written yet)"
        return (
            f"{self.rows} row(s): {len(self.created)} to create, {len(self.changed)} to change, "
            f"{self.unchanged} unchanged; {verb}."
        )


class _Rows:
    """Decoded CSV rows with their line numbers; collects file-level errors in `errors`."""

    def __init__(self, data: bytes, columns: list[str]):
        self.errors: list[RowError] = []
        self.rows: list[tuple[int, dict]] = []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            self.errors.append(
                RowError(
                    line,
                    "",
                    "wrong encoding: the file is not UTF-8. Save it as “CSV UTF-8” and try again.",
                )
            )
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
            if not header or not any(cell.strip() for cell in header):
                self.errors.append(RowError(1, "", "the file is empty: it needs a header row."))
                return
            header = [cell.strip() for cell in header]
            missing = [column for column in columns if column not in header]
            for column in missing:
                self.errors.append(RowError(1, column, "missing column in the header row."))
            if missing:
                return
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    self.errors.append(
                        RowError(
                            line,
                            "",
                            f"this row has {len(cells)} field(s) but the header has {len(header)}.",
                        )
                    )
                    continue
                self.rows.append(
                    (line, dict(zip(header, (cell.strip() for cell in cells), strict=True)))
                )
        except csv.Error as error:
            self.errors.append(RowError(reader.line_num, "", f"the CSV cannot be read: {error}."))


def _report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(stage, done, total)


# --- Cities -----------------------------------------------------------------------------------

LEVELS_BY_TEXT = {
    **{value: value for value in City.Level.values},
    **{label.lower(): value for value, label in City.Level.choices},
}


def import_cities(
    *, data: bytes, dry_run: bool = False, by=None, progress: Progress | None = None
) -> ImportResult:
    """Create or update cities from CSV (key: slug). Writes nothing if any row is bad."""
    parsed = _Rows(data, CITY_COLUMNS)
    result = ImportResult(kind="cities", rows=len(parsed.rows), errors=list(parsed.errors))
    if result.errors:
        return result
    existing = {city.slug: city for city in City.objects.all()}
    code_owner = {city.division_code: city.slug for city in existing.values() if city.division_code}
    seen_slugs: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    to_create: list[City] = []
    to_update: list[City] = []
    total = len(parsed.rows)
    for done, (line, row) in enumerate(parsed.rows, start=1):
        _report_progress(progress, "checking", done, total)
        errors, values = _check_city_row(line, row)
        slug = values.get("slug", "")
        if slug:
            if slug in seen_slugs:
                errors.append(
                    RowError(
                        line,
                        "slug",
                        f"duplicate key: “{slug}” is already on line {seen_slugs[slug]}.",
                    )
                )
            else:
                seen_slugs[slug] = line
        code = values.get("division_code")
        if code:
            if code in seen_codes:
                errors.append(
                    RowError(
                        line,
                        "division_code",
                        f"duplicate key: division code {code} is already on line {seen_codes[code]}.",
                    )
                )
            else:
                seen_codes[code] = line
            owner = code_owner.get(code)
            if owner and owner != slug:
                errors.append(
                    RowError(
                        line,
                        "division_code",
                        f"division code {code} already belongs to the city “{owner}”.",
                    )
                )
        if errors:
            result.errors.extend(errors)
            continue
        city = existing.get(slug)
        if city is None:
            to_create.append(City(**values))
            result.created.append(values)
            continue
        differences = {
            name: value for name, value in values.items() if getattr(city, name) != value
        }
        if differences:
            for name, value in differences.items():
                setattr(city, name, value)
            to_update.append(city)
            result.changed.append(values)
        else:
            result.unchanged += 1
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            City.objects.bulk_create(to_create, batch_size=WRITE_BATCH_SIZE)
            City.objects.bulk_update(
                to_update,
                ["name", "name_zh", "province", "level", "division_code", "summary"],
                batch_size=WRITE_BATCH_SIZE,
            )
            refresh_articles_about(city.pk for city in to_update)
    except DatabaseError as error:
        logger.warning("City import refused by the database: %s", error)
        result.errors.append(RowError(0, "", f"the database refused the changes: {error}"))
        return result
    result.written = True
    logger.info("City import by %s: %s", by, result.summary())
    return result


def _check_city_row(line: int, row: dict) -> tuple[list[RowError], dict]:
    errors: list[RowError] = []
    values = {name: row[name] for name in CITY_COLUMNS}
    if not values["name"] and not values["name_zh"]:
        errors.append(RowError(line, "name", "a city needs an English or a Chinese name."))
    if not values["slug"] and (values["name"] or values["name_zh"]):
        values["slug"] = slugify(City(name=values["name"], name_zh=values["name_zh"]).slug_source())
    if values["slug"] and slugify(values["slug"]) != values["slug"]:
        errors.append(
            RowError(line, "slug", "a slug uses only lower-case letters, digits and hyphens.")
        )
    if not values["province"]:
        errors.append(RowError(line, "province", "the province is missing."))
    level = LEVELS_BY_TEXT.get(values["level"].lower())
    if level is None:
        allowed = ", ".join(City.Level.values)
        errors.append(
            RowError(line, "level", f"unknown level “{values['level']}”; use one of {allowed}.")
        )
    else:
        values["level"] = level
    code = values["division_code"] or None
    values["division_code"] = code
    if code:
        try:
            division_code_validator(code)
        except ValidationError as error:
            errors.append(RowError(line, "division_code", error.messages[0]))
    for name in ["slug", "name", "name_zh", "province"]:
        limit = City._meta.get_field(name).max_length
        if values[name] and len(values[name]) > limit:
            errors.append(RowError(line, name, f"longer than {limit} characters."))
    return errors, values


def export_cities(cities=None) -> str:
    """The cities (a queryset; all by default) as CSV text, in the format import_cities reads."""
    cities = (City.objects.all() if cities is None else cities).order_by("slug")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CITY_COLUMNS)
    for city in cities:
        writer.writerow(
            [
                city.slug,
                city.name,
                city.name_zh,
                city.province,
                city.level,
                city.division_code or "",
                city.summary,
            ]
        )
    return buffer.getvalue()


# --- Metric values ----------------------------------------------------------------------------

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
    parsed = _Rows(data, METRIC_VALUE_COLUMNS)
    result = ImportResult(kind="metric values", rows=len(parsed.rows), errors=list(parsed.errors))
    if result.errors:
        return result
    metric_ids = dict(Metric.objects.values_list("slug", "pk"))
    city_ids = dict(City.objects.values_list("slug", "pk"))
    city_ids_by_code = dict(
        City.objects.exclude(division_code=None).values_list("division_code", "pk")
    )
    article_slugs = {row["source_article"] for _, row in parsed.rows if row["source_article"]}
    article_ids = dict(Article.objects.filter(slug__in=article_slugs).values_list("slug", "pk"))
    used_metric_ids = {
        metric_ids[row["metric"]] for _, row in parsed.rows if row["metric"] in metric_ids
    }
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
    total = len(parsed.rows)
    for done, (line, row) in enumerate(parsed.rows, start=1):
        _report_progress(progress, "checking", done, total)
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
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            for start in range(0, len(to_write), WRITE_BATCH_SIZE):
                MetricValue.objects.bulk_create(
                    to_write[start : start + WRITE_BATCH_SIZE],
                    update_conflicts=True,
                    unique_fields=["metric", "city", "period"],
                    update_fields=["value", "source_article", "source_note"],
                )
                done = min(start + WRITE_BATCH_SIZE, len(to_write))
                if progress is not None:
                    progress("writing", done, len(to_write))
    except DatabaseError as error:
        logger.warning("Metric value import refused by the database: %s", error)
        result.errors.append(RowError(0, "", f"the database refused the changes: {error}"))
        return result
    result.written = True
    logger.info("Metric value import by %s: %s", by, result.summary())
    return result


def export_metric_values(values=None) -> str:
    """Metric values as CSV text, in the format import_metric_values reads."""
    if values is None:
        values = MetricValue.objects.all()
    rows = values.order_by("metric__slug", "city__slug", "period").values_list(
        "metric__slug", "city__slug", "period", "value", "source_article__slug", "source_note"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(METRIC_VALUE_COLUMNS)
    for metric, city, period, value, article, note in rows.iterator(chunk_size=5000):
        writer.writerow([metric, city, period, format_number(value), article or "", note])
    return buffer.getvalue()
