"""App configuration for the news app."""

from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"
