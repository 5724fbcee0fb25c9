"""A save that cannot get SQLite's write lock in time: the form again, everything typed kept.

On SQLite (the laptop database) one writer at a time holds the file's lock; the others wait
for it up to SQLITE_TIMEOUT seconds (cityinno/settings.py). If that is not enough, the admin's
save transaction fails to begin with "database is locked". Rather than a server error that
loses the editor's work, `BusyDatabaseAdminMixin` draws the same form again, from what was
sent, with a message to press Save again. PostgreSQL waits for row locks instead, so this
never happens there.
"""

import logging

from django import forms
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

BUSY_MESSAGE = _(
    "The database was busy, so your changes were not saved yet. Everything you typed is "
    "still here: press Save again."
)


def is_lock_timeout(error: OperationalError) -> bool:
    """SQLite's answer when its write lock was not free within the busy timeout."""
    return "database is locked" in str(error) or "database table is locked" in str(error)


class BusyDatabaseAdminMixin:
    """For every ModelAdmin whose form writes: a lock timeout becomes this form's error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OperationalError as error:
            if request.method != "POST" or not is_lock_timeout(error):
                raise
            logger.warning(
                "Database busy, %s not saved; the form is shown again: %s", request.path, error
            )
            request.database_was_busy = True
            # ModelAdmin._changeform_view is the body changeform_view runs in a transaction;
            # run it outside one, which would wait for the lock again. The form is invalid
            # now, so this only reads, and SQLite's readers need no lock (WAL).
            return self._changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "database_was_busy", False):
            return form_class

        class BusyForm(form_class):
            def clean(self):
                cleaned = super().clean()
                self.add_error(None, forms.ValidationError(BUSY_MESSAGE, code="busy"))
                return cleaned

        return BusyForm
