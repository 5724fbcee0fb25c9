"""The editors' interface, one module per part of the newsroom; every change through a service.

articles: the edit screen (its form in article_form); workflow: status buttons, revisions and bulk steps; register: cities,
programmes, designations; media: the media library and its picker; figures: metrics, values and figure suggestions; record_history: a
record's history and "put back as it was"; csv_screens: import with preview and export, and the
list of past imports; dashboard_records: the records admins' start-page panels; records: saves
through services, and the tag admin; mail: the outbox, read only, for superusers; busy: a save
that could not get SQLite's write lock in time comes back as the same form; access: the
sign-in lockout page, password reset for staff and the client's address (used by the settings
and cityinno/urls.py, so not imported here).

The desk: site is the admin site itself (Django's default `admin.site`, cityinno/apps.py), with
dashboard (the start page's panels per role, panels.py), sections (navigation by part),
article_filters (the article list's filters the panels link to), preferences and language (each
person's admin language and e-mail choice).
"""

from . import articles, figures, mail, media, records, register  # noqa: F401  (each registers its admins)
