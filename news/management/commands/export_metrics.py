"""`manage.py export_metrics [FILE] [--metric SLUG]`: metric values as CSV for import_metrics."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news.csv_io import export_metric_values
from news.models import Metric, MetricValue


class Command(BaseCommand):
    help = "Write metric values as CSV (to FILE, or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write; standard output if omitted.")
        parser.add_argument("--metric", help="Only this metric (its slug).")

    def handle(self, *args, file=None, metric=None, **options):
        values = MetricValue.objects.all()
        if metric:
            if not Metric.objects.filter(slug=metric).exists():
                raise CommandError(f"Unknown metric: {metric}")
            values = values.filter(metric__slug=metric)
        text = export_metric_values(values)
        if file:
            Path(file).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
