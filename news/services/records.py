"""Saving rows that have no rule beyond their form's checks: programmes, designations, metrics,
metric values and tags. One path all the same, so every change tells the caches."""

from django.db import transaction

from news.caching import content_changed


@transaction.atomic
def save_record(*, record, by=None):
    """Save a register or figures row edited in a form; the public site may show it."""
    record.save()
    content_changed()
    return record


@transaction.atomic
def delete_records(*, records, by=None) -> None:
    """Delete rows (a queryset or a list); what referred to them follows their on_delete rule."""
    for record in records:
        record.delete()
    content_changed()
