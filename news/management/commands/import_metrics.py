"""`manage.py import_metrics FILE [--dry-run]`: create or update metric values from CSV."""

from news.csv_io import METRIC_VALUE_COLUMNS, import_metric_values

from ._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        f"Import metric values from a CSV with the columns {', '.join(METRIC_VALUE_COLUMNS)}. "
        "All or nothing: any bad row is reported and nothing is written."
    )
    importer = staticmethod(import_metric_values)
