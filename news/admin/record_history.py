"""A record's history in the admin (cities, programmes, designations, metrics and values): who
changed it, when, which fields from what to what, and the CSV import a change came with; and
"put back as it was", which confirms first and then makes one call to services.put_back_record.

The History button of each of these records opens this page instead of Django's own log. It
reads a bounded number of rows whatever the history's length: the newest HISTORY_SHOWN rows
(one query, each compared with the row before it in memory), their count, and one query per
linked model for the names shown.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news.figures.numbers import readable_number
from news.phrases import in_language
from news.services import PutBackError, put_back_record
from news.services.put_back import differences

#: How many history rows the page lists (the newest; the count says how many there are).
HISTORY_SHOWN = 50
#: Fields derived from others: their changes are not listed.
NOT_LISTED = {"image_width", "image_height", "image_renditions", "changed_at"}
ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def listed_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in NOT_LISTED
    ]


def linked_names(model, entries) -> dict[str, dict]:
    """For each link field, the names of the rows the entries point at (one query a field)."""
    names = {}
    for field in listed_fields(model):
        if not field.is_relation:
            continue
        ids = {getattr(entry, field.attname) for entry in entries} - {None}
        related = field.related_model._default_manager.filter(pk__in=ids)
        names[field.name] = {row.pk: str(row) for row in related}
    return names


def shown(field, value, names) -> str:
    """A field's value as the page prints it."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        linked = names.get(field.name, {})
        return linked[value] if value in linked else gettext("#%(id)s (deleted)") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DecimalField):
        return readable_number(value)
    return str(value)


def moment(entry) -> str:
    """When a history row was written, as the pages print it."""
    return f"{timezone.localtime(entry.history_date):%Y-%m-%d %H:%M}"


def history_rows(model, entries, names) -> list[dict]:
    """Each entry (newest first) with what it changed compared with the entry after it."""
    rows = []
    for index, entry in enumerate(entries[:HISTORY_SHOWN]):
        older = entries[index + 1] if index + 1 < len(entries) else None
        changes = []
        for field in listed_fields(model):
            new = getattr(entry, field.attname)
            old = getattr(older, field.attname) if older is not None else None
            if entry.history_type == "~" and older is not None and old == new:
                continue
            if entry.history_type != "~" and new in (None, ""):
                continue
            changes.append(
                {
                    "field": str(field.verbose_name),
                    "old": shown(field, old, names)
                    if entry.history_type == "~" and older is not None
                    else "",
                    "new": shown(field, new, names),
                }
            )
        rows.append(
            {
                "entry": entry,
                "action": ACTIONS.get(entry.history_type, entry.history_type),
                "reason": in_language(entry.history_change_reason or ""),
                "changes": changes if entry.history_type != "-" else [],
                "who": entry.history_user.get_username() if entry.history_user else "—",
            }
        )
    return rows


class RecordHistoryAdminMixin:
    """The history page and "put back as it was" for a register or figures record's admin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:history_id>/put-back/",
                self.admin_site.admin_view(self.put_back_view),
                name="{}_{}_put_back".format(*info),
            ),
            *super().get_urls(),
        ]

    def _record_and_entries(self, request, object_id):
        """The record (None if deleted since), and its history rows, newest first."""
        pk = unquote(object_id)
        if not str(pk).isdigit():
            raise Http404("No such record.")
        history = self.model.history.filter(id=pk).select_related("history_user", "csv_import")
        record = self.get_object(request, pk)
        if record is None and not history.exists():
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        return record, history.order_by("-history_date", "-history_id")

    def history_view(self, request, object_id, extra_context=None):
        record, history = self._record_and_entries(request, object_id)
        entries = list(history[: HISTORY_SHOWN + 1])
        names = linked_names(self.model, entries)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": record,
            "object_id": object_id,
            "title": gettext("History: %(record)s") % {"record": record}
            if record is not None
            else gettext("History of deleted %(kind)s #%(id)s")
            % {"kind": self.opts.verbose_name, "id": object_id},
            "rows": history_rows(self.model, entries, names),
            "total": history.count(),
            "shown": HISTORY_SHOWN,
            "deleted": record is None,
            "can_put_back": record is not None and self.has_change_permission(request, record),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/news/record_history.html", context)

    def put_back_view(self, request, object_id, history_id):
        record, history = self._record_and_entries(request, object_id)
        entry = history.filter(history_id=history_id).first()
        if entry is None:
            raise Http404("No such version.")
        back = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[object_id]
        )
        if request.method == "POST":
            if not self.has_change_permission(request, record):
                raise PermissionDenied
            try:
                put_back_record(entry=entry, by=request.user)
            except PutBackError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    gettext("Put back as it was on %(when)s.") % {"when": moment(entry)},
                )
            return redirect(back)
        changes = []
        if record is not None:
            names = linked_names(self.model, [entry, record])
            for name in differences(entry, record):
                field = self.model._meta.get_field(name)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "now": shown(field, field.value_from_object(record), names),
                        "then": shown(field, field.value_from_object(entry.instance), names),
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": record,
            "object_id": object_id,
            "entry": entry,
            "title": gettext("Put back as it was on %(when)s") % {"when": moment(entry)},
            "changes": changes,
            "back": back,
            "can_put_back": record is not None and self.has_change_permission(request, record),
        }
        return TemplateResponse(request, "admin/news/record_put_back.html", context)
