"""`manage.py refresh_figure_counts`: recount every article's figures awaiting confirmation.

The services keep the count current on every save; run this once after upgrading (articles
saved before the count existed hold 0), or after adding many metrics, whose names change
which suggestions match.
"""

from django.core.management.base import BaseCommand

from news.models import Article
from news.services import refresh_figures_awaiting

CHUNK = 2000


class Command(BaseCommand):
    help = "Recount the figures each article's text reports that are not recorded or dismissed."

    def handle(self, *args, **options):
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            refresh_figures_awaiting(ids[start : start + CHUNK])
        awaiting = Article.objects.filter(figures_awaiting__gt=0).count()
        self.stdout.write(
            f"{len(ids)} article(s) recounted; {awaiting} have figures awaiting confirmation."
        )
