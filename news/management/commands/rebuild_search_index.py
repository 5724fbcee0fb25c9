"""`manage.py rebuild_search_index`: recompute every article's stored search vector."""

from django.core.management.base import BaseCommand

from news.models import Article
from news.search.index import refresh_search_vectors, uses_full_text

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Recompute the full-text search vector of every article (PostgreSQL). Run it after "
        "renaming cities or tags in bulk; the article services refresh the vectors they change."
    )

    def handle(self, *args, **options):
        if not uses_full_text():
            self.stdout.write("This database searches without stored vectors; nothing to do.")
            return
        pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH_SIZE):
            refresh_search_vectors(pks[start : start + BATCH_SIZE])
        self.stdout.write(self.style.SUCCESS(f"Search vectors rebuilt for {len(pks)} articles."))
