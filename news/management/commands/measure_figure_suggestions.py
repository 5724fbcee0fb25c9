"""`manage.py measure_figure_suggestions`: how well figure suggestions read the reference page and
the demo articles — found, correct, wrong and missed, per text. Reads no database."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.html import escape

from news.demo_content import BAOTOU_BODY, BAOTOU_FIGURES, DEMO_ARTICLES, METRICS, demo_body
from news.figures.suggest import score_suggestions, suggest_figures
from news.models import Metric

DEFAULT_REFERENCE = settings.BASE_DIR.parent / "shared" / "reference"


def reference_html(path: Path) -> str:
    """The reference page's paragraphs as HTML, as an editor would paste them."""
    paragraphs = [part.strip() for part in path.read_text(encoding="utf-8").split("\n\n")]
    return "".join(f"<p>{escape(part)}</p>" for part in paragraphs if part)


class Command(BaseCommand):
    help = "Measure figure suggestions on the reference page and the demo articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reference",
            default=str(DEFAULT_REFERENCE),
            help="The reference page (a .txt file) or a folder of them.",
        )
        parser.add_argument("--verbose-misses", action="store_true", help="List every miss.")

    def handle(self, *args, reference, verbose_misses, **options):
        metrics = [Metric(slug=slug, name=name, unit=unit) for slug, name, unit, _ in METRICS]
        expected = {slug: Decimal(value) for slug, value in BAOTOU_FIGURES.items()}
        texts = []
        path = Path(reference)
        for file in sorted(path.glob("*.txt")) if path.is_dir() else [path]:
            if file.is_file():
                texts.append((f"reference: {file.name}", reference_html(file), expected))
        if not texts:
            self.stderr.write(f"No reference page at {reference}; measuring demo articles only.")
        texts.append(("demo: baotou-innovation-driven-demonstration-city", BAOTOU_BODY, expected))
        for slug, title, *_rest, summary in DEMO_ARTICLES:
            texts.append((f"demo: {slug}", demo_body(title, summary), {}))
        totals = [0, 0, 0, 0, 0]
        self.stdout.write(
            f"{'text':58} {'expected':>8} {'found':>6} {'correct':>7} {'wrong':>6} {'missed':>6}"
        )
        for label, html, gold in texts:
            score = score_suggestions(suggest_figures(html, metrics), gold)
            row = [score.expected, score.found, score.correct, len(score.wrong), len(score.missed)]
            totals = [total + value for total, value in zip(totals, row, strict=True)]
            self.stdout.write(
                f"{label[:58]:58} "
                + " ".join(f"{v:>{w}}" for v, w in zip(row, [8, 6, 7, 6, 6], strict=True))
            )
            for suggestion in score.wrong:
                metric = getattr(suggestion.metric, "slug", None) or "no metric"
                self.stdout.write(
                    f"    wrong: {suggestion.number_text} “{suggestion.phrase}” → {metric}"
                )
            if verbose_misses:
                for slug, value in score.missed.items():
                    self.stdout.write(f"    missed: {slug} = {value}")
        self.stdout.write(
            f"{'total':58} "
            + " ".join(f"{v:>{w}}" for v, w in zip(totals, [8, 6, 7, 6, 6], strict=True))
        )
