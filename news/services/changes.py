"""Naming who made a change to the register or the figures on the history row it writes.

Every service that saves or deletes a city, programme, designation, metric or value passes the
acting person here first, so the history row (news/models/changes.py) says who did it and why,
without any request-wide state. Rows written in bulk get their history in bulk, in the same
transaction: `bulk_history` from the rows in memory, or `copy_to_history` straight from the
stored rows (one INSERT … SELECT a batch: a 100,000-row CSV import's history costs seconds).
"""

from django.db import connection, router
from django.db.models.deletion import Collector
from django.utils import timezone

from news.models.changes import REASON_LENGTH


def person(by):
    """The user a history row can point at: a signed-in user, else nobody (a command)."""
    return by if getattr(by, "is_authenticated", False) and by.pk else None


def attribute(record, *, by, reason: str = ""):
    """Name `by` (and why) on the history row the next save or delete of `record` writes."""
    record._history_user = person(by)
    record._change_reason = reason[:REASON_LENGTH] or None
    return record


def delete_attributed(record, *, by, reason: str = "") -> None:
    """Delete `record` and whatever its deletion cascades to, each history row naming `by`.

    Django's own `delete()` collects the cascaded rows afresh, so their rows would name nobody:
    the same collector is run here with every collected row attributed first.
    """
    collector = Collector(using=router.db_for_write(type(record)), origin=record)
    collector.collect([record])
    for instances in collector.data.values():
        for instance in instances:
            attribute(instance, by=by, reason=reason)
    collector.delete()


def bulk_history(records, *, model, by, reason: str = "", changed: bool, csv_import=None):
    """History rows for rows just written in bulk (bulk_create, bulk_update, an upsert)."""
    if not records:
        return []
    return model.history.bulk_history_create(
        records,
        batch_size=2000,
        update=changed,
        default_user=person(by),
        default_change_reason=reason[:REASON_LENGTH] or None,
        custom_historical_attrs={"csv_import": csv_import} if csv_import is not None else None,
    )


#: Rows copied by one INSERT … SELECT (their keys are the statement's parameters).
COPY_BATCH = 900


def copy_to_history(model, pks, *, by, reason: str = "", changed: bool, csv_import=None) -> None:
    """History rows for stored rows `pks` of `model`, copied by the database as they are now:
    the same rows `bulk_history` writes, without building each one in Python."""
    history = model.history.model
    tracked = [field.column for field in history.tracked_fields]
    source = [model._meta.get_field(field.name).column for field in history.tracked_fields]
    quote = connection.ops.quote_name
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_type": "~" if changed else "+",
        "history_user_id": getattr(person(by), "pk", None),
        "history_change_reason": reason[:REASON_LENGTH] or None,
        "csv_import_id": getattr(csv_import, "pk", None),
    }
    columns = ", ".join(quote(name) for name in [*tracked, *extra])
    selected = ", ".join([*(quote(name) for name in source), *(["%s"] * len(extra))])
    pks = list(pks)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), COPY_BATCH):
            batch = pks[start : start + COPY_BATCH]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({columns}) "
                f"SELECT {selected} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [*extra.values(), *batch],
            )
