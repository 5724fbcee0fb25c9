"""`manage.py restore ARCHIVE [--force | --check]`: bring a backup back, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news.backups import BackupError, restore_backup, verify_archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by manage.py backup into an empty, migrated database and an "
        "empty media storage. The whole archive is checked against its manifest before anything "
        "is written; if anything fails, the database and the storage are left as they were."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file written by manage.py backup.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--force",
            action="store_true",
            help="Replace a site's content: every row the archive covers is deleted first, "
            "every session ends, and media files the archive does not hold are deleted.",
        )
        mode.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive against its manifest; write nothing.",
        )

    def handle(self, *args, archive, force, check, **options):
        path = Path(archive)
        try:
            if check:
                manifest = verify_archive(path)
            else:
                report = restore_backup(path, force=force)
                manifest = report.manifest
        except BackupError as error:
            raise CommandError(str(error)) from error
        made = (
            f"made {manifest.created_at} on {manifest.database_vendor} by cityinno "
            f"{manifest.cityinno_version}"
        )
        if check:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path} is complete: {manifest.rows} rows of {len(manifest.data)} models "
                    f"and {len(manifest.media)} media files match its manifest ({made})."
                )
            )
            return
        if report.left_over:
            self.stderr.write(report.left_over)
        for label, count in manifest.counts.items():
            if count:
                self.stdout.write(f"  {label}: {count} rows")
        replaced = (
            f" {report.removed_files} media files the archive does not hold were deleted."
            if force
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {manifest.rows} rows of {len(manifest.data)} models and "
                f"{len(manifest.media)} media files from {path} ({made}) in "
                f"{report.seconds:.1f} s.{replaced}"
            )
        )
