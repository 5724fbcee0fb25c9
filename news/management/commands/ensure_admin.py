"""`manage.py ensure_admin`: make sure a local superuser exists and say how to log in."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "cityinno-admin"


class Command(BaseCommand):
    help = (
        "Create the superuser ADMIN_USERNAME (default 'admin') with ADMIN_PASSWORD if it does not "
        "exist yet. An existing account is left exactly as it is."
    )

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME", DEFAULT_USERNAME)
        password = os.environ.get("ADMIN_PASSWORD", DEFAULT_PASSWORD)
        # Where `make run` serves (its PORT, 8000 unless the newcomer chose another).
        admin_url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/"
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Admin account '{username}' already exists; its password is unchanged.\n"
                f"Log in at {admin_url} as '{username}'."
            )
            return
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created admin account. Log in at {admin_url} "
                f"with username '{username}' and password '{password}'."
            )
        )
