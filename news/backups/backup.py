"""Making a backup: every backed-up model's rows from one snapshot, then every media file."""

import time
from dataclasses import dataclass, field
from importlib import metadata
from io import TextIOWrapper
from pathlib import Path

import django
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .archive import CHUNK, ArchiveWriter, BackupError, Manifest, spooled_file
from .contents import backed_up_models, data_name, storage_keys, write_rows


@dataclass
class BackupReport:
    path: Path
    manifest: Manifest
    seconds: float
    #: Files listed by the storage that were gone by the time they were read.
    vanished: list[str] = field(default_factory=list)


def default_name(now) -> str:
    return f"cityinno-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def applied_migrations(app_labels) -> dict[str, list[str]]:
    """The migrations applied to this database, for each of these apps."""
    applied = MigrationRecorder(connection).applied_migrations()
    return {
        app: sorted(name for label, name in applied if label == app) for app in sorted(app_labels)
    }


def cityinno_version() -> str:
    try:
        return metadata.version("cityinno")
    except metadata.PackageNotFoundError:
        return "unknown"


def make_backup(path: Path, *, storage=None) -> BackupReport:
    """Write one archive to `path` (a file that does not exist yet, or a folder to put a
    timestamped one in) and return what it holds."""
    storage = storage or default_storage
    started = time.perf_counter()
    now = timezone.now()
    if path.is_dir():
        path = path / default_name(now)
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such folder.")
    models = backed_up_models()
    vanished: list[str] = []
    # Every table from the same moment, however long the dump takes and whatever is saved
    # meanwhile (on SQLite a read transaction is a snapshot already).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with ArchiveWriter(path, mtime=now.timestamp()) as writer:
        with transaction.atomic():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            migrations = applied_migrations({model._meta.app_label for model in models})
            data = [_add_rows(writer, model) for model in models]
        media = []
        for key in storage_keys(storage):
            entry = _add_media(writer, storage, key)
            if entry is None:
                vanished.append(key)
            else:
                media.append(entry)
        manifest = Manifest(
            created_at=now.isoformat(),
            cityinno_version=cityinno_version(),
            django_version=django.get_version(),
            database_vendor=connection.vendor,
            migrations=migrations,
            data=data,
            media=media,
        )
        writer.add_manifest(manifest)
    return BackupReport(path, manifest, time.perf_counter() - started, vanished)


def _add_rows(writer: ArchiveWriter, model):
    with spooled_file() as spooled:
        text = TextIOWrapper(spooled, encoding="utf-8", newline="\n", write_through=True)
        write_rows(model, text)
        text.flush()
        text.detach()
        return writer.add(data_name(model), spooled, count_rows=True)


def _add_media(writer: ArchiveWriter, storage, key: str):
    """Copy one stored file into the archive; None if it was deleted since it was listed."""
    with spooled_file() as spooled:
        try:
            with storage.open(key, "rb") as source:
                while chunk := source.read(CHUNK):
                    spooled.write(chunk)
        except FileNotFoundError:
            return None
        return writer.add(f"media/{key}", spooled)
