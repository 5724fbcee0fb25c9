"""The history of the register and the figures: who changed a city, programme, designation,
metric or value, when, from what, and the CSV import a change came with.

Each of those models keeps a history table (django-simple-history's `HistoricalRecords`, made by
`record_history()`): a full copy of the row on every create, change and delete, with the person
and a reason. The services name the person on the row before they save it (`attribute()` in
news/services/record_history.py), so no request-wide state is read; a CSV import writes one
`CsvImport` and points each history row it wrote at it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CsvImport(models.Model):
    """One CSV import that was written: which file, by whom, when, and what it did."""

    class Kind(models.TextChoices):
        CITIES = "cities", _("Cities")
        METRIC_VALUES = "metric values", _("Metric values")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(
        _("file name"),
        max_length=255,
        blank=True,
        help_text=_("The name of the file as it was uploaded."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
        help_text=_("Empty for an import run with a management command."),
    )
    at = models.DateTimeField(_("imported at"), default=timezone.now, db_index=True)
    rows = models.PositiveIntegerField(
        _("rows"), default=0, help_text=_("Rows read from the file.")
    )
    created = models.PositiveIntegerField(
        _("created"), default=0, help_text=_("Records the import created.")
    )
    changed = models.PositiveIntegerField(
        _("changed"), default=0, help_text=_("Records the import changed.")
    )
    unchanged = models.PositiveIntegerField(
        _("unchanged"),
        default=0,
        help_text=_("Rows that matched their record exactly: nothing was written."),
    )

    class Meta:
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return gettext("%(kind)s from %(file)s") % {
            "kind": self.get_kind_display(),
            "file": self.file_name or gettext("a CSV file"),
        }

    @property
    def summary(self) -> str:
        return gettext("%(rows)d row(s): %(created)d created, %(changed)d changed, "
                       "%(unchanged)d unchanged") % {
            "rows": self.rows, "created": self.created, "changed": self.changed,
            "unchanged": self.unchanged,
        }  # fmt: skip


class RecordChange(models.Model):
    """What a history row holds beside the record's own fields: the import it came with."""

    csv_import = models.ForeignKey(
        CsvImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("CSV import"),
    )

    class Meta:
        abstract = True


#: The longest reason a history row keeps ("Put back as it was on …", "Merged … into …").
REASON_LENGTH = 300


def record_history(**options) -> HistoricalRecords:
    """A history table for a register or figures model, with room for a readable reason."""
    return HistoricalRecords(
        bases=[RecordChange],
        history_change_reason_field=models.CharField(max_length=REASON_LENGTH, null=True),
        **options,
    )
