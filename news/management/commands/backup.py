"""`manage.py backup [ARCHIVE]`: write every row and every media file into one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news.backups import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) holding every model's rows as JSON lines, every file in "
        "the media storage and a manifest with row counts and checksums. ARCHIVE is the file to "
        "write, or a folder to put cityinno-backup-YYYYMMDD-HHMMSS.tar.gz in (default: the "
        "current folder). An existing file is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", default=".", help="File or folder to write.")

    def handle(self, *args, archive, **options):
        try:
            report = make_backup(Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = report.manifest
        for key in report.vanished:
            self.stderr.write(f"media/{key}: deleted while the backup ran; not in the archive.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest.rows} rows of {len(manifest.data)} models and "
                f"{len(manifest.media)} media files ({manifest.media_bytes / 1e6:.1f} MB) to "
                f"{report.path} in {report.seconds:.1f} s."
            )
        )
