"""`manage.py import_cities FILE [--dry-run]`: create or update city records from CSV."""

from news.csv_io import CITY_COLUMNS, import_cities

from ._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        f"Import cities from a CSV with the columns {', '.join(CITY_COLUMNS)}. "
        "All or nothing: any bad row is reported and nothing is written."
    )
    importer = staticmethod(import_cities)
