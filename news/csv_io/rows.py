"""What every CSV import and export shares: reading rows with line numbers, the result with
row-by-row errors, and one path that checks every row and then writes all or nothing.

An import first reads and checks every row against the database as it stands, and collects every
problem with its line number and column. Only a file without a single bad row is written, in one
transaction; a dry run stops after the check. A written import is one `CsvImport` (file name,
who, when, counts), and every record it created or changed has a history row pointing at it.

Every CSV written here is safe to open in a spreadsheet (OWASP's advice on CSV injection): a
cell that starts with =, +, -, @, a tab or a carriage return, and is not a plain number such as
-12.5, gets a leading apostrophe, so no spreadsheet runs it as a formula. Import takes exactly
one such apostrophe off again, so export → import → export is the same file, even for a text
that really starts with "=" or "'=" (written as "'=" and "''=").

A field may not hold a control character (Unicode category Cc: NUL, escape, DEL …); the one
exception is tab, line feed and carriage return in multi-line text columns (a city's summary),
which the admin's text boxes produce. Such a field is refused with its line and column.
"""

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from news import phrases
from news.caching import content_changed
from news.models import CsvImport

logger = logging.getLogger("news.csv_io")

#: Writes go to the database in batches of this many rows.
WRITE_BATCH_SIZE = 2000
#: How often (in rows) the progress callback is told how far the import has got.
PROGRESS_EVERY = 1000

Progress = Callable[[str, int, int], None]

#: A cell starting like this would be a formula in a spreadsheet (OWASP, "CSV Injection").
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
#: The same, after the one apostrophe export adds: import takes that apostrophe off.
NEUTRALISED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
#: A plain number, which a spreadsheet reads as a number, never as a formula.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
#: Control characters allowed in multi-line text columns.
LINE_CONTROLS = frozenset("\t\n\r")
CONTROL_NAMES = {
    "\x00": _("a NUL character"),
    "\t": _("a tab"),
    "\n": _("a line break"),
    "\r": _("a carriage return"),
    "\x1b": _("an escape character"),
    "\x7f": _("a delete character"),
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        values = {"line": self.line, "column": self.column, "reason": self.reason}
        if self.column:
            return gettext("line %(line)s, column %(column)s: %(reason)s") % values
        return gettext("line %(line)s: %(reason)s") % values


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
    #: The record of a written import.
    record: CsvImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return gettext(
                "%(errors)s error(s) on %(lines)s line(s) of %(rows)s row(s): nothing was written."
            ) % {
                "errors": len(self.errors),
                "lines": len({error.line for error in self.errors}),
                "rows": self.rows,
            }
        values = {
            "rows": self.rows,
            "created": len(self.created),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }
        if self.written:
            return (
                gettext(
                    "%(rows)s row(s): %(created)s to create, %(changed)s to change, "
                    "%(unchanged)s unchanged; written."
                )
                % values
            )
        return (
            gettext(
                "%(rows)s row(s): %(created)s to create, %(changed)s to change, "
                "%(unchanged)s unchanged; to write (nothing written yet)."
            )
            % values
        )


def neutralise(cell) -> str:
    """A cell as written to CSV: a would-be formula gets a leading apostrophe."""
    text = "" if cell is None else str(cell)
    if FORMULA_START.match(text) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore(cell: str) -> str:
    """A cell as read from CSV: the apostrophe `neutralise` added is taken off again."""
    return cell[1:] if NEUTRALISED_FORMULA.match(cell) else cell


def control_character_error(line: int, column: str, cell: str, multiline: bool) -> RowError | None:
    """A RowError naming the first control character in `cell`, or None if it has none."""
    for position, character in enumerate(cell, start=1):
        if unicodedata.category(character) != "Cc" or (multiline and character in LINE_CONTROLS):
            continue
        values = {
            "name": CONTROL_NAMES.get(character, _("a control character")),
            "code": f"U+{ord(character):04X}",
            "position": position,
        }
        if character in LINE_CONTROLS:
            reason = gettext(
                "%(name)s (%(code)s) at character %(position)s: remove it (this column holds "
                "one line of text)."
            )
        else:
            reason = gettext("%(name)s (%(code)s) at character %(position)s: remove it.")
        return RowError(line, column, reason % values)
    return None


class CsvRows:
    """Decoded CSV rows with their line numbers; collects file-level errors in `errors`.

    `multiline` names the columns whose text may hold tabs and line breaks."""

    def __init__(self, data: bytes, columns: list[str], multiline: frozenset[str] = frozenset()):
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
                    gettext(
                        "wrong encoding: the file is not UTF-8. Save it as “CSV UTF-8” and try "
                        "again."
                    ),
                )
            )
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
            if not header or not any(cell.strip() for cell in header):
                self.errors.append(
                    RowError(1, "", gettext("the file is empty: it needs a header row."))
                )
                return
            header = [cell.strip() for cell in header]
            for name in header:
                if error := control_character_error(1, "", name, multiline=False):
                    self.errors.append(error)
                    return
            missing = [column for column in columns if column not in header]
            for column in missing:
                self.errors.append(
                    RowError(1, column, gettext("missing column in the header row."))
                )
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
                            gettext(
                                "this row has %(fields)s field(s) but the header has %(header)s."
                            )
                            % {"fields": len(cells), "header": len(header)},
                        )
                    )
                    continue
                refused = [
                    error
                    for name, cell in zip(header, cells, strict=True)
                    if (error := control_character_error(line, name, cell, name in multiline))
                ]
                if refused:
                    self.errors.extend(refused)
                    continue
                self.rows.append(
                    (
                        line,
                        dict(zip(header, (restore(cell.strip()) for cell in cells), strict=True)),
                    )
                )
        except csv.Error as error:
            self.errors.append(
                RowError(
                    reader.line_num,
                    "",
                    gettext("the CSV cannot be read: %(error)s.") % {"error": error},
                )
            )


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
    file_name: str = "",
    multiline: frozenset[str] = frozenset(),
) -> ImportResult:
    """Read `data`, let `check(rows, result, progress)` fill in the result and return the plan,
    and, if no row is bad and this is no dry run, `write(plan, progress, record)` in one
    transaction, `record` being the import's CsvImport (its history rows point at it).
    `multiline` names the columns that may hold tabs and line breaks."""
    parsed = CsvRows(data, columns, multiline)
    result = ImportResult(kind=kind, rows=len(parsed.rows), errors=list(parsed.errors))
    if result.errors:
        return result
    plan = check(parsed.rows, result, progress)
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            record = CsvImport.objects.create(
                kind=kind,
                file_name=file_name[: CsvImport._meta.get_field("file_name").max_length],
                by=by if getattr(by, "is_authenticated", False) else None,
                rows=result.rows,
                created=len(result.created),
                changed=len(result.changed),
                unchanged=result.unchanged,
            )
            write(plan, progress, record)
            content_changed()
    except DatabaseError as error:
        logger.warning("Import of %s refused by the database: %s", kind, error)
        result.errors.append(
            RowError(
                0, "", gettext("the database refused the changes: %(error)s") % {"error": error}
            )
        )
        return result
    result.written, result.record = True, record
    with override("en"):  # the log is for operators, whoever imported
        logger.info("Import of %s by %s: %s", kind, by, result.summary())
    return result


def import_reason(record: CsvImport) -> str:
    """The reason on the history row of each record an import wrote."""
    if not record.file_name:
        return phrases.CSV_IMPORT_OF_A_FILE(number=record.pk)
    return phrases.CSV_IMPORT(number=record.pk, file=record.file_name)


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """Rows as CSV text with a header row, in the dialect every import here reads, every cell
    neutralised against spreadsheet formulas. Every CSV the site writes goes through here."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()
