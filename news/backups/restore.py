"""Restoring a backup, all or nothing: into an empty site, or over a site's content with force.

The one path, top to bottom: verify the whole archive against its manifest and this database's
migrations (nothing is written before both pass); refuse a database or media storage that holds
content, unless `force`; then, in one transaction: empty the backed-up tables and the sessions,
insert every row with its primary key, check the rows fit together, move the key sequences past
the restored keys, rebuild the search vectors, move the content generation on, and write every
media file under its exact name. If anything fails, the transaction rolls back and the media
files written so far are deleted (and, with `force`, the files they replaced are put back), so
the site is left exactly as it was. Only once the rows are committed does `force` delete the
media files the archive does not hold.
"""

import hashlib
import os
import time
from contextlib import suppress
from dataclasses import dataclass

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from news.caching import content_changed
from news.models import Article
from news.search.index import refresh_search_vectors

from .archive import (
    CHUNK,
    MANIFEST,
    BackupError,
    Entry,
    Manifest,
    members,
    spooled_file,
    verified_copy,
    verify_archive,
)
from .backup import applied_migrations
from .contents import (
    backed_up_models,
    cleared_models,
    content_found,
    load_rows,
    model_for_label,
    storage_keys,
)

#: Articles whose search vectors are rebuilt in one statement.
SEARCH_BATCH = 500


@dataclass
class RestoreReport:
    manifest: Manifest
    seconds: float
    #: With force: media files that were there before and are not in the archive, deleted.
    removed_files: int = 0
    #: With force: files already in the storage with exactly the archive's bytes, kept.
    unchanged_files: int = 0
    #: With force: why some files the archive does not hold are still in the storage.
    left_over: str = ""


def restore_backup(path, *, force: bool = False, storage=None) -> RestoreReport:
    """Restore the archive at `path` (see the module's docstring), or raise a BackupError
    saying what is wrong, with the database and the storage as they were."""
    storage = storage or default_storage
    started = time.perf_counter()
    manifest = verify_archive(path)
    check_migrations(manifest)
    models = {entry.name: _model_for(entry) for entry in manifest.data}
    listed = {entry.name: entry for entry in manifest.entries()}
    if not force:
        refuse_content(storage)
    media = MediaWriter(storage, replace=force)
    try:
        with transaction.atomic():
            _clear_tables()
            rows_done = False
            for member, reader in members(path):
                if member.name == MANIFEST:
                    continue
                entry = listed.get(member.name)
                if entry is None:
                    raise BackupError(
                        f"{member.name}: is not in the manifest; the archive changed."
                    )
                with verified_copy(reader, entry) as copy:
                    if entry.rows is not None:
                        _load(models[entry.name], entry, copy)
                        continue
                    if not rows_done:
                        _after_rows(models.values())
                        rows_done = True
                    _write_media(media, entry, copy)
            if not rows_done:
                _after_rows(models.values())
    except BaseException:
        media.undo()
        raise
    media.forget_replaced()
    report = RestoreReport(manifest, 0.0, unchanged_files=media.unchanged)
    if force:
        try:
            report.removed_files = media.remove_others(keep={e.key for e in manifest.media})
        except Exception as error:  # the restore itself is committed: say so, do not fail
            report.left_over = f"files the archive does not hold could not all be deleted: {error}"
    report.seconds = time.perf_counter() - started
    return report


def check_migrations(manifest: Manifest) -> None:
    """Rows load only into the schema they were dumped from: refuse any other."""
    here = applied_migrations(manifest.migrations)
    for app, names in manifest.migrations.items():
        if set(here[app]) == set(names):
            continue
        if not _app_installed(app):
            raise BackupError(
                f"The archive holds rows of the app {app}, which this site does not have "
                "installed; restore it with the settings that made it."
            )
        made_at = names[-1] if names else "no migrations"
        is_at = here[app][-1] if here[app] else "no migrations"
        raise BackupError(
            f"The archive's {app} rows belong to migration {made_at}, this database is at "
            f"{is_at}. Migrate this database to the archive's migrations (manage.py migrate "
            f"{app} {made_at}, with the code that made the archive if it is newer), restore, "
            "then migrate forward."
        )


def _app_installed(app_label: str) -> bool:
    return any(config.label == app_label for config in apps.get_app_configs())


def refuse_content(storage) -> None:
    found = content_found()
    if found:
        listed = ", ".join(f"{count} {label}" for label, count in sorted(found.items()))
        raise BackupError(
            f"The database is not empty ({listed}). Restore into an empty, migrated database, "
            "or pass --force to replace its content with the archive's."
        )
    first = next(storage_keys(storage), None)
    if first is not None:
        raise BackupError(
            f"The media storage is not empty (it holds {first}, and maybe more). Restore into "
            "an empty storage, or pass --force to replace its files with the archive's."
        )


def _model_for(entry: Entry):
    label = entry.model_label
    model = model_for_label(label)
    if model is None:
        raise BackupError(f"{entry.name}: holds rows of {label}, a model this site does not have.")
    if model not in backed_up_models():
        raise BackupError(f"{entry.name}: holds rows of {label}, which a backup never holds.")
    return model


def _clear_tables() -> None:
    """Empty every table the archive fills, the sessions and the outbox, in this transaction."""
    tables = [model._meta.db_table for model in [*backed_up_models(), *cleared_models()]]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))


def _load(model, entry: Entry, copy) -> None:
    loaded = 0
    try:
        for inserted in load_rows(model, copy):
            loaded += inserted
    except (DeserializationError, DatabaseError, ValueError) as error:
        raise BackupError(
            f"{entry.name}: the rows after the first {loaded} cannot be restored ({error}); "
            "nothing was restored."
        ) from error
    if loaded != entry.rows:
        raise BackupError(f"{entry.name}: restored {loaded} rows, the manifest says {entry.rows}.")


def _write_media(media: "MediaWriter", entry: Entry, copy) -> None:
    try:
        media.write(entry, copy)
    except BackupError:
        raise
    except Exception as error:  # a full disk, an object storage that answers with an error …
        raise BackupError(
            f"{entry.name}: the media storage refused it ({error}); nothing was restored."
        ) from error


def _after_rows(models) -> None:
    """Once every row is in: check the links, move the sequences on, rebuild what is derived."""
    models = list(models)
    try:
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
    except IntegrityError as error:
        raise BackupError(
            f"The archive's rows do not fit together ({error}); nothing was restored."
        ) from error
    # New rows after a restore must not reuse a restored key (PostgreSQL; SQLite needs nothing).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), SEARCH_BATCH):
        refresh_search_vectors(pks[start : start + SEARCH_BATCH])
    content_changed()


class MediaWriter:
    """Writes media files under their exact names and can take every write back."""

    def __init__(self, storage, *, replace: bool):
        self.storage = storage
        self.replace = replace
        self.written: list[str] = []
        #: name → a temporary copy of the file a forced restore replaced, until the commit.
        self.replaced: dict[str, object] = {}
        self.unchanged = 0

    def write(self, entry: Entry, copy) -> None:
        key = entry.key
        if self.replace and self.storage.exists(key):
            if self._holds(key, entry):
                self.unchanged += 1
                return
            self.replaced[key] = self._copy_of(key)
            self.storage.delete(key)
        saved = self.storage.save(key, _sized_file(copy, key, entry.size))
        self.written.append(saved)
        if saved != key:
            raise BackupError(
                f"{entry.name}: the storage saved it as {saved}, not under its own name (is "
                "something else writing to the storage?); nothing was restored."
            )

    def _holds(self, key: str, entry: Entry) -> bool:
        """Whether the stored file already has exactly the archive's bytes."""
        if self.storage.size(key) != entry.size:
            return False
        digest = hashlib.sha256()
        with self.storage.open(key, "rb") as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == entry.sha256

    def _copy_of(self, key: str):
        copy = spooled_file()
        with self.storage.open(key, "rb") as stored:
            while chunk := stored.read(CHUNK):
                copy.write(chunk)
        return copy

    def undo(self) -> None:
        """Delete what was written and put back what was replaced. Called while another error
        is on its way out, so a file the storage refuses is passed over, not raised."""
        for name in reversed(self.written):
            with suppress(Exception):
                self.storage.delete(name)
        for key, copy in self.replaced.items():
            with suppress(Exception):
                size = copy.seek(0, os.SEEK_END)
                copy.seek(0)
                self.storage.save(key, _sized_file(copy, key, size))
            copy.close()
        self.written, self.replaced = [], {}

    def forget_replaced(self) -> None:
        for copy in self.replaced.values():
            copy.close()
        self.replaced = {}

    def remove_others(self, *, keep: set[str]) -> int:
        """Delete every stored file the archive does not hold (a forced restore, committed)."""
        others = [key for key in storage_keys(self.storage) if key not in keep]
        for key in others:
            self.storage.delete(key)
        return len(others)


def _sized_file(source, name: str, size: int) -> File:
    file = File(source, name=name)
    file.size = size
    return file
