"""What a backup holds: every model's rows as JSON lines, and every file in the media storage.

Rows are written by Django's serializers, one file per model, so the dump depends on no database
engine: an archive made on SQLite restores into PostgreSQL and back. Primary keys are kept (an
article's address, a figure's source and every link between rows survive as they were), and the
many-to-many links are written as rows of their own through tables, with their keys too.

A few models are left out, each for a reason (`NOT_BACKED_UP`, `NOT_BACKED_UP_APPS`): `migrate` makes content types
and permissions in every database, under primary keys that differ between databases, so the
rows that point at them (tags, admin history, a group's permissions) name them by natural key
instead; sessions, the content generation, sign-in logs and the outbox of notification mail
belong to the running site, not to its content. Models of apps that are not installed are simply not there.
"""

import datetime
from collections.abc import Iterator

from django.apps import apps
from django.core import serializers
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from news.roles import ROLE_PERMISSIONS

#: Models whose rows a backup never holds, and why (labels of apps that are not installed are
#: ignored). A restore empties the ones in CLEARED_ON_RESTORE and leaves the others alone.
NOT_BACKED_UP = {
    "contenttypes.ContentType": "made by migrate; rows refer to one by (app label, model)",
    "auth.Permission": "made by migrate; rows refer to one by (codename, app label, model)",
    "sessions.Session": "sign-ins, not content: a restore signs everyone out",
    "news.PublicationState": "the content generation: a restore moves the site's own on",
    "news.OutgoingMail": "mail about the workflow steps of the site that sent it: a restored "
    "site must not send it again, nor keep addresses in it longer than the outbox does",
}
#: Apps none of whose rows a backup holds (if they are installed), and why.
NOT_BACKED_UP_APPS = {
    "axes": "sign-in attempts, lock-outs and logs of this server (django-axes), not content",
}
#: The outbox is emptied too: its mail is about the content the restore replaces (and its rows
#: point at articles and accounts, so a database would not empty their tables without it).
CLEARED_ON_RESTORE = {"sessions.Session", "news.OutgoingMail"}
#: Columns derived from other rows by engine-specific SQL: left out of the dump, rebuilt by the
#: restore (a SQLite dump has no vectors; a PostgreSQL one would tie the archive to PostgreSQL).
DERIVED_FIELDS = {"news.Article": {"search_vector"}}
#: Models referred to by natural key, because `migrate` gives them different keys per database.
NATURAL_KEY_MODELS = {"contenttypes.ContentType", "auth.Permission"}
#: The groups a migration makes in every new database (news/roles.py): a database holding
#: only these is still empty, and a restore replaces them by the archive's own groups.
MIGRATION_GROUPS = set(ROLE_PERMISSIONS)
DATA_FORMAT = "jsonl"
#: Rows inserted by one statement (fewer where the database limits a statement's parameters).
INSERT_BATCH = 500


def backed_up_models() -> list[type[models.Model]]:
    """Every installed model with rows of its own, through tables included, in a fixed order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in NOT_BACKED_UP
        and model._meta.app_label not in NOT_BACKED_UP_APPS
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def cleared_models() -> list[type[models.Model]]:
    """Models a restore empties without restoring anything into them (sessions)."""
    found = []
    for label in sorted(CLEARED_ON_RESTORE):
        try:
            found.append(apps.get_model(label))
        except LookupError:
            continue
    return found


def model_for_label(label: str) -> type[models.Model] | None:
    """The installed model a data file's label names (lower case, as in `news.article`)."""
    app_label, _, model_name = label.partition(".")
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None


def data_name(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.{DATA_FORMAT}"


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, except that times keep their microseconds: Django's cuts them to
    milliseconds, as JavaScript does, and a backup must not round anything."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class RowSerializer(jsonl.Serializer):
    """JSON lines of one model's rows, primary keys kept.

    Foreign keys are primary keys, except to content types and permissions, which are natural
    keys (their keys differ between databases). Many-to-many fields are skipped: their through
    tables are backed up as models of their own, with their keys.
    """

    def start_serialization(self):
        super().start_serialization()
        self._natural_keys: dict[tuple[str, object], tuple] = {}

    def handle_fk_field(self, obj, field):
        related_model = field.remote_field.model
        value = getattr(obj, field.attname)
        if related_model._meta.label in NATURAL_KEY_MODELS and value is not None:
            self._current[field.name] = self._natural_key(related_model, value)
        else:
            self._current[field.name] = self._value_from_field(obj, field)

    def handle_m2m_field(self, obj, field):
        """Nothing: the through table's rows are in their own file."""

    def _natural_key(self, model, pk) -> tuple:
        """One query per content type or permission, not one per row that points at it."""
        key = (model._meta.label, pk)
        if key not in self._natural_keys:
            self._natural_keys[key] = model._base_manager.get(pk=pk).natural_key()
        return self._natural_keys[key]


def write_rows(model: type[models.Model], stream) -> None:
    """Write every row of `model` to the text `stream`, in primary-key order, in chunks."""
    derived = DERIVED_FIELDS.get(model._meta.label, set())
    fields = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in derived
    ]
    rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
    RowSerializer().serialize(rows, stream=stream, fields=fields, cls=ExactJSONEncoder)


def load_rows(model: type[models.Model], lines) -> Iterator[int]:
    """Insert the rows in `lines` (JSON lines, bytes) as they are, keys included, and yield how
    many each batch inserted. The caller holds the transaction, so rows may come in any order.

    Rows go in as `loaddata` saves them (raw: no `save()`, no signals, `auto_now` times kept),
    but many to a statement: one INSERT per row took minutes for a large newsroom. Django's
    public `bulk_create()` cannot do it, as it stamps `auto_now` fields with the current time;
    the queryset's `_insert()` with `raw=True` is the statement `Model.save_base()` itself runs.
    """
    fields = model._meta.local_concrete_fields
    manager = model._base_manager
    batch_size = max(1, connection.ops.bulk_batch_size(fields, [None] * INSERT_BATCH))
    batch = []
    for item in serializers.deserialize(DATA_FORMAT, lines, ignorenonexistent=False):
        if type(item.object) is not model:
            raise ValueError(
                f"a row of {item.object._meta.label_lower} in the file of {model._meta.label_lower}"
            )
        batch.append(item.object)
        if len(batch) >= batch_size:
            manager._insert(batch, fields=fields, raw=True)
            yield len(batch)
            batch = []
    if batch:
        manager._insert(batch, fields=fields, raw=True)
        yield len(batch)


def content_found() -> dict[str, int]:
    """How many rows of content the database holds, by model: empty when it holds only what
    `migrate` makes (content types, permissions, the newsroom's role groups)."""
    found = {}
    for model in backed_up_models():
        rows = model._base_manager.all()
        if model._meta.label == "auth.Group":
            rows = rows.exclude(name__in=MIGRATION_GROUPS)
        elif model._meta.label == "auth.Group_permissions":
            rows = rows.exclude(group__name__in=MIGRATION_GROUPS)
        if count := rows.count():
            found[model._meta.label] = count
    return found


def storage_keys(storage) -> Iterator[str]:
    """Every file's name in `storage`, walked through the storage API only (so an object
    storage works as a folder does), folders depth first, names sorted."""

    def walk(folder: str) -> Iterator[str]:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            # A file system storage whose folder nothing has been saved into yet.
            return
        for name in sorted(files):
            yield f"{folder}/{name}" if folder else name
        for name in sorted(folders):
            yield from walk(f"{folder}/{name}" if folder else name)

    yield from walk("")
