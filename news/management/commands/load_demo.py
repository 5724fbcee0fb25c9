"""`manage.py load_demo`: fill a fresh site with demo content; safe to run again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from news.demo import load_demo_content


class Command(BaseCommand):
    help = "Create or refresh the demo cities, programmes, articles and figures (idempotent)."

    def handle(self, *args, **options):
        author = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        counts = load_demo_content(author=author)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {summary}."))
