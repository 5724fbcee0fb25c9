"""CSV import and export of city records and metric values: all or nothing, row-by-row errors.

Both formats are plain UTF-8 CSV (a byte-order mark is accepted) with a header row. Export writes
exactly the format import reads, so export → import → export gives the same file. The same
functions serve the management commands and the admin's upload → preview → confirm screens.
"""

from .cities import CITY_COLUMNS, export_cities, import_cities
from .metric_values import (
    METRIC_VALUE_COLUMNS,
    export_metric_values,
    import_metric_values,
    parse_number,
)
from .rows import ImportResult, RowError, csv_text

__all__ = [
    "CITY_COLUMNS",
    "METRIC_VALUE_COLUMNS",
    "ImportResult",
    "RowError",
    "csv_text",
    "export_cities",
    "export_metric_values",
    "import_cities",
    "import_metric_values",
    "parse_number",
]
