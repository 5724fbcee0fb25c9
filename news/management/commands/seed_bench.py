"""`manage.py seed_bench --articles N`: a deterministic benchmark archive (see news/bench_data.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from news import bench_data
from news.management.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic benchmark archive of N articles (the same N "
        "gives the same rows). Replaces an earlier benchmark archive; refuses a database with "
        "real content unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many articles.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the archive beside the real content a database holds (never deleting it).",
        )
        parser.add_argument("--progress", action="store_true", help="Always draw progress.")

    def handle(self, *args, articles, force, progress, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        real = bench_data.existing_content()
        if real and not force:
            found = ", ".join(f"{count} {name}" for name, count in real.items())
            raise CommandError(
                f"This database holds content that is not benchmark data ({found}). Seed a "
                "separate database, or pass --force to add the benchmark archive beside it."
            )
        if bench_data.has_bench_content():
            if real:
                raise CommandError(
                    "This database holds real content and an earlier benchmark archive: seed "
                    "a separate, empty database instead."
                )
            bench_data.clear_bench_database()
        started = time.perf_counter()
        seeded = bench_data.seed(
            articles=articles, progress=ProgressBar(self.stderr._out, force=progress, min_total=1)
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {seeded.articles} articles ({seeded.public} public), {seeded.cities} "
                f"cities, {seeded.tags} tags, {seeded.designations} designations and "
                f"{seeded.metric_values} metric values in {seconds:.1f} s."
            )
        )
