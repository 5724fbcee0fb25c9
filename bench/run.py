"""Benchmark: import 100,000 metric values from CSV with `manage.py import_metrics`.

Run on PostgreSQL (see bench/README.md). Creates its own cities and metrics (slugs starting
"bench-"), times a fresh import, a re-import that changes nothing and a re-import that changes
every value, then removes everything it made. Exits non-zero if a full import takes a minute
or more.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityinno.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from news.models import City, CsvImport, Metric, MetricValue  # noqa: E402

CITIES, METRICS, PERIODS = 400, 50, [str(year) for year in range(2019, 2024)]
ROWS = CITIES * METRICS * len(PERIODS)
LIMIT_SECONDS = 60.0


def make_file(path: Path, bump: int = 0) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("metric,city,period,value,source_article,source_note\n")
        for m in range(METRICS):
            for c in range(CITIES):
                for p, period in enumerate(PERIODS):
                    value = (m * 7919 + c * 104729 + p * 31) % 100000 + bump
                    out.write(
                        f"bench-metric-{m:02d},bench-city-{c:04d},{period},{value}.5,,Benchmark data\n"
                    )


FILE_NAMES = ["values.csv", "changed.csv"]


def clean() -> None:
    """Remove the benchmark's rows, their history and its imports' records (without writing a
    history row for each of the 100,000 deletions)."""
    metrics = list(Metric.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    cities = list(City.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        MetricValue.objects.filter(metric__in=metrics).delete()
        Metric.objects.filter(pk__in=metrics).delete()
        City.objects.filter(pk__in=cities).delete()
    MetricValue.history.filter(metric_id__in=metrics).delete()
    CsvImport.objects.filter(kind="metric values", file_name__in=FILE_NAMES, by=None).filter(
        rows=ROWS
    ).delete()


def timed(label: str, path: Path) -> float:
    start = time.perf_counter()
    call_command("import_metrics", str(path), stdout=io.StringIO())
    seconds = time.perf_counter() - start
    print(f"{label:42} {seconds:8.1f} s  ({ROWS / seconds:,.0f} rows/s)")
    return seconds


def main() -> int:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if connection.vendor != "postgresql":
        print("warning: the target is measured on PostgreSQL; set DATABASE_URL (see README).")
    call_command("migrate", verbosity=0)
    clean()
    City.objects.bulk_create(
        City(slug=f"bench-city-{c:04d}", name=f"Bench city {c}", province="Bench")
        for c in range(CITIES)
    )
    Metric.objects.bulk_create(
        Metric(slug=f"bench-metric-{m:02d}", name=f"Bench metric {m}", unit="units")
        for m in range(METRICS)
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            first, second = (Path(folder, name) for name in FILE_NAMES)
            make_file(first)
            make_file(second, bump=1)
            size = first.stat().st_size / 1e6
            print(f"{ROWS:,} rows, {size:.1f} MB")
            fresh = timed("fresh import (all created)", first)
            assert MetricValue.objects.filter(metric__slug__startswith="bench-").count() == ROWS
            timed("same file again (all unchanged)", first)
            changed = timed("every value changed (all updated)", second)
            history = MetricValue.history.filter(csv_import__file_name__in=FILE_NAMES).count()
            print(f"history rows written: {history:,} (one per created or changed value)")
    finally:
        clean()
    worst = max(fresh, changed)
    verdict = "OK" if worst < LIMIT_SECONDS else "TOO SLOW"
    print(f"{verdict}: slowest full import {worst:.1f} s (limit {LIMIT_SECONDS:.0f} s)")
    return 0 if worst < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
