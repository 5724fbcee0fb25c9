"""What import_cities and import_metrics share: read the file, run the import, report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news.management.progress import ProgressBar


class CsvImportCommand(BaseCommand):
    #: The import function from news.csv_io, set by each command.
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="A UTF-8 CSV file (with or without BOM).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; write nothing."
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Always draw the progress bar (it is drawn on a terminal for large files).",
        )

    def handle(self, *args, file, dry_run, progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        result = type(self).importer(
            data=path.read_bytes(),
            dry_run=dry_run,
            progress=ProgressBar(self.stderr._out, force=progress),
            file_name=path.name,
        )
        for error in result.errors:
            self.stderr.write(f"{path.name}: {error}")
        if result.errors:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
