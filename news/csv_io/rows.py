"""What every CSV import and export shares: reading rows with line numbers, the result with
row-by-row errors, and one path that checks every row and then writes all or nothing.

An import first reads and checks every row against the database as it stands, and collects every
problem with its line number and column. Only a file without a single bad row is written, in one
transaction; a dry run stops after the check.
"""

import csv
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from news.caching import content_changed

logger = logging.getLogger("news.csv_io")

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


class CsvRows:
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


def report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(stage, done, total)


def run_import(
    *,
    kind: str,
    data: bytes,
    columns: list[str],
    check: Callable,
    write: Callable,
    dry_run: bool,
    by,
    progress: Progress | None,
) -> ImportResult:
    """Read `data`, let `check(rows, result, progress)` fill in the result and return the plan,
    and, if no row is bad and this is no dry run, `write(plan, progress)` in one transaction."""
    parsed = CsvRows(data, columns)
    result = ImportResult(kind=kind, rows=len(parsed.rows), errors=list(parsed.errors))
    if result.errors:
        return result
    plan = check(parsed.rows, result, progress)
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            write(plan, progress)
            content_changed()
    except DatabaseError as error:
        logger.warning("Import of %s refused by the database: %s", kind, error)
        result.errors.append(RowError(0, "", f"the database refused the changes: {error}"))
        return result
    result.written = True
    logger.info("Import of %s by %s: %s", kind, by, result.summary())
    return result


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """Rows as CSV text with a header row, in the dialect every import here reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
