"""`manage.py ensure_roles`: create or refresh the Writer, Editor and Records admin groups."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from news.roles import ensure_roles


class Command(BaseCommand):
    help = "Create the newsroom's role groups with their permissions (safe to run again)."

    def handle(self, *args, **options):
        counts = ensure_roles(Group, Permission)
        summary = ", ".join(f"{name} ({count} permissions)" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Roles ready: {summary}."))
