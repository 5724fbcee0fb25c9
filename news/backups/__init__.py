"""Backups that restore: one archive of every row and every media file, and its restore.

`contents.py` decides what a backup holds (which models, written how, what "empty" means),
`archive.py` writes and verifies the archive (manifest, checksums, streaming), `backup.py`
makes one and `restore.py` brings one back, all or nothing. `manage.py backup` and
`manage.py restore` are their command-line surface; the README's "Backups" section is the
operator's guide.
"""

from .archive import BackupError, Manifest, verify_archive
from .backup import BackupReport, make_backup
from .restore import RestoreReport, restore_backup

__all__ = [
    "BackupError",
    "BackupReport",
    "Manifest",
    "RestoreReport",
    "make_backup",
    "restore_backup",
    "verify_archive",
]
