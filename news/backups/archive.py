"""The archive: one gzip-compressed tar of the data files, the media files and a manifest.

Members come in a fixed order: `data/<app>.<model>.jsonl` (one per model), `media/<storage
name>` (one per file), then `manifest.json`, which records the format version, where and when
the archive was made, the migrations its rows belong to, and every other member's size and
SHA-256 (and row count, for data files). The manifest comes last because the checksums are
known only once everything has streamed past: nothing is held in memory whole, and each member
is spooled to a temporary file (in memory up to SPOOL_MEMORY bytes) only to learn its size.

`verify_archive()` reads the whole archive and checks it against its manifest, and raises a
`BackupError` naming the member that is wrong; a restore writes nothing before it has passed.
The checksums find damage (a truncated copy, a flipped bit, a file lost or added); they are not
a signature, so keep archives where only operators can write them.
"""

import hashlib
import json
import os
import re
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.utils import validate_file_name

FORMAT = "cityinno-backup"
FORMAT_VERSION = 1
KNOWN_VERSIONS = {1}
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
MEDIA_PREFIX = "media/"
DATA_NAME = re.compile(r"^data/([a-z0-9_]+\.[a-z0-9_]+)\.jsonl$")
#: A member bigger than this is spooled to a temporary file on disk rather than kept in memory.
SPOOL_MEMORY = 8 * 1024 * 1024
CHUNK = 1024 * 1024
#: A manifest lists every file; a hundred thousand media files make a few tens of megabytes.
MANIFEST_MAX_BYTES = 512 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message names what is wrong, for a person."""


@dataclass
class Entry:
    """One member of the archive as the manifest records it."""

    name: str
    size: int
    sha256: str
    rows: int | None = None

    @property
    def model_label(self) -> str:
        return DATA_NAME.match(self.name).group(1)

    @property
    def key(self) -> str:
        """The media file's name in the storage."""
        return self.name.removeprefix(MEDIA_PREFIX)

    def as_json(self) -> dict:
        found = {"name": self.name, "size": self.size, "sha256": self.sha256}
        if self.rows is not None:
            found["rows"] = self.rows
        return found


@dataclass
class Manifest:
    created_at: str
    cityinno_version: str
    django_version: str
    database_vendor: str
    migrations: dict[str, list[str]]
    data: list[Entry] = field(default_factory=list)
    media: list[Entry] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {entry.model_label: entry.rows for entry in self.data}

    @property
    def rows(self) -> int:
        return sum(entry.rows for entry in self.data)

    @property
    def media_bytes(self) -> int:
        return sum(entry.size for entry in self.media)

    def entries(self) -> list[Entry]:
        """Every member but the manifest, in the order the archive holds them."""
        return [*self.data, *self.media]

    def as_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "cityinno_version": self.cityinno_version,
            "django_version": self.django_version,
            "database_vendor": self.database_vendor,
            "migrations": self.migrations,
            "counts": self.counts,
            "data": [entry.as_json() for entry in self.data],
            "media": [entry.as_json() for entry in self.media],
            "totals": {
                "rows": self.rows,
                "media_files": len(self.media),
                "media_bytes": self.media_bytes,
            },
        }
        return json.dumps(document, indent=1, ensure_ascii=False).encode()

    @classmethod
    def parse(cls, raw: bytes) -> "Manifest":
        try:
            document = json.loads(raw)
        except ValueError as error:
            raise BackupError(f"{MANIFEST}: is not readable JSON ({error}).") from error
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise BackupError(f"{MANIFEST}: is not the manifest of a cityinno backup.")
        version = document.get("format_version")
        if version not in KNOWN_VERSIONS:
            raise BackupError(
                f"{MANIFEST}: format version {version!r} is not one this version of cityinno "
                f"reads ({', '.join(map(str, sorted(KNOWN_VERSIONS)))}); restore it with the "
                "version that made it or a newer one."
            )
        try:
            manifest = cls(
                created_at=str(document["created_at"]),
                cityinno_version=str(document["cityinno_version"]),
                django_version=str(document["django_version"]),
                database_vendor=str(document["database_vendor"]),
                migrations={
                    str(app): [str(name) for name in names]
                    for app, names in document["migrations"].items()
                },
                data=[_entry(item, rows=True) for item in document["data"]],
                media=[_entry(item, rows=False) for item in document["media"]],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BackupError(f"{MANIFEST}: is incomplete or malformed ({error!r}).") from error
        if manifest.counts != document.get("counts"):
            raise BackupError(f"{MANIFEST}: its row counts disagree with its list of data files.")
        return manifest


def _entry(item: dict, *, rows: bool) -> Entry:
    entry = Entry(
        name=str(item["name"]),
        size=int(item["size"]),
        sha256=str(item["sha256"]),
        rows=int(item["rows"]) if rows else None,
    )
    if rows and not DATA_NAME.match(entry.name):
        raise ValueError(f"{entry.name} is not the name of a data file")
    if not rows:
        check_media_name(entry.name)
    return entry


def check_media_name(name: str) -> None:
    """Refuse a media member whose storage name could reach outside the storage."""
    key = name.removeprefix(MEDIA_PREFIX)
    parts = key.split("/")
    unsafe = (
        not name.startswith(MEDIA_PREFIX)
        or not key
        or "\\" in key
        or "\x00" in key
        or any(part in ("", ".", "..") for part in parts)
    )
    try:
        validate_file_name(key, allow_relative_path=True)
    except SuspiciousFileOperation:
        unsafe = True
    if unsafe:
        raise BackupError(f"{name}: is not a safe media file name; the archive was altered.")


# --- writing ------------------------------------------------------------------------------------


class HashingReader:
    """Reads a binary file and keeps the SHA-256 and length of what it read."""

    def __init__(self, source):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0
        self.newlines = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        self.newlines += data.count(b"\n")
        return data


def spooled_file():
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, mode="w+b")


class ArchiveWriter:
    """Writes an archive to `path` through `path.partial`, renamed into place only when
    complete, so a failed or interrupted backup never leaves a half archive under the name.
    The file is readable by its owner only: it holds every account's password hash."""

    def __init__(self, path: Path, *, mtime: float):
        self.path = path
        self.mtime = mtime
        self.partial = path.with_name(path.name + ".partial")

    def __enter__(self) -> "ArchiveWriter":
        if self.path.exists():
            raise BackupError(f"{self.path}: already exists; choose another name.")
        try:
            descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as error:
            raise BackupError(
                f"{self.partial}: exists; another backup may be writing it (delete it if not)."
            ) from error
        self.file = os.fdopen(descriptor, "wb")
        self.tar = tarfile.open(fileobj=self.file, mode="w|gz", format=tarfile.PAX_FORMAT)
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            self.tar.close()
            if kind is None:
                # On disk before it is given its name: a finished backup survives a power cut.
                self.file.flush()
                os.fsync(self.file.fileno())
            self.file.close()
        finally:
            if kind is None:
                os.replace(self.partial, self.path)
            else:
                self.partial.unlink(missing_ok=True)

    def add(self, name: str, spooled, *, count_rows: bool = False) -> Entry:
        """Add the spooled file (a binary file, any position) under `name`; a data file's
        rows are its lines (JSON lines: one row a line)."""
        size = spooled.seek(0, os.SEEK_END)
        spooled.seek(0)
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = self.mtime
        reader = HashingReader(spooled)
        self.tar.addfile(info, reader)
        rows = reader.newlines if count_rows else None
        return Entry(name=name, size=size, sha256=reader.digest.hexdigest(), rows=rows)

    def add_manifest(self, manifest: Manifest) -> None:
        with spooled_file() as spooled:
            spooled.write(manifest.as_json())
            self.add(MANIFEST, spooled)


# --- reading ------------------------------------------------------------------------------------


@contextmanager
def _reading(path: Path):
    """Turn what a damaged gzip or tar stream raises into a BackupError naming the archive."""
    try:
        yield
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(
            f"{path}: cannot be read to the end ({error}); the archive is truncated or damaged."
        ) from error


class MemberReader:
    """A member's bytes; a read that fails because the archive is damaged is a BackupError."""

    def __init__(self, path: Path, source):
        self.path = path
        self.source = source

    def read(self, size: int = -1) -> bytes:
        with _reading(self.path):
            return self.source.read(size)


def members(path: Path):
    """Yield (member, reader) for each member of the archive, streaming (one pass)."""
    if not path.is_file():
        raise BackupError(f"{path}: no such archive.")
    # Errors raised by the caller's code between two members never pass through here.
    with _reading(path), tarfile.open(path, mode="r|gz") as tar:
        for member in tar:
            if not member.isfile():
                raise BackupError(f"{member.name}: is not a plain file; the archive was altered.")
            yield member, MemberReader(path, tar.extractfile(member))


@contextmanager
def verified_copy(reader: MemberReader, entry: Entry):
    """The member's bytes in a temporary file, checked against the manifest once more (the
    archive might have changed since it was verified)."""
    with spooled_file() as spooled:
        hashing = HashingReader(reader)
        while chunk := hashing.read(CHUNK):
            spooled.write(chunk)
        _compare(entry, hashing)
        spooled.seek(0)
        yield spooled


def _compare(entry: Entry, hashing: HashingReader) -> None:
    if hashing.size != entry.size:
        raise BackupError(
            f"{entry.name}: holds {hashing.size} bytes, the manifest says {entry.size}; "
            "the archive is damaged."
        )
    if hashing.digest.hexdigest() != entry.sha256:
        raise BackupError(
            f"{entry.name}: checksum does not match the manifest; the archive is damaged."
        )
    if entry.rows is not None and hashing.newlines != entry.rows:
        raise BackupError(
            f"{entry.name}: holds {hashing.newlines} rows, the manifest says {entry.rows}; "
            "the archive is damaged."
        )


def verify_archive(path: Path) -> Manifest:
    """Read the whole archive and check every member against the manifest; writes nothing."""
    found: dict[str, HashingReader] = {}
    order: list[str] = []
    raw_manifest = None
    for member, reader in members(path):
        name = member.name
        if name in found or (name == MANIFEST and raw_manifest is not None):
            raise BackupError(f"{name}: is in the archive twice; the archive was altered.")
        if name == MANIFEST:
            if member.size > MANIFEST_MAX_BYTES:
                raise BackupError(f"{MANIFEST}: is too large to be a manifest.")
            raw_manifest = reader.read()
            continue
        if raw_manifest is not None:
            raise BackupError(f"{name}: comes after the manifest; the archive was altered.")
        hashing = found[name] = HashingReader(reader)
        order.append(name)
        while hashing.read(CHUNK):
            pass
        hashing.source = None  # keep the digest, not the member (there may be 100,000)
    if raw_manifest is None:
        raise BackupError(
            f"{path}: has no {MANIFEST}; it is not a complete cityinno backup (the archive is "
            "damaged or was not made by manage.py backup)."
        )
    manifest = Manifest.parse(raw_manifest)
    listed = {entry.name: entry for entry in manifest.entries()}
    for name in order:
        if name not in listed:
            raise BackupError(
                f"{name}: is in the archive but not in the manifest; the archive was altered."
            )
    for entry in manifest.entries():
        if entry.name not in found:
            raise BackupError(f"{entry.name}: is in the manifest but missing from the archive.")
        _compare(entry, found[entry.name])
    if order != [entry.name for entry in manifest.entries()]:
        raise BackupError(f"{path}: its members are not in the manifest's order; it was altered.")
    return manifest
