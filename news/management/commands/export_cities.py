"""`manage.py export_cities [FILE]`: every city as CSV, in the format import_cities reads."""

from pathlib import Path

from django.core.management.base import BaseCommand

from news.csv_io import export_cities


class Command(BaseCommand):
    help = "Write every city as CSV (to FILE, or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write; standard output if omitted.")

    def handle(self, *args, file=None, **options):
        text = export_cities()
        if file:
            Path(file).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
