import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0013_review_comments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DraftCopy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "data",
                    models.JSONField(
                        default=dict,
                        help_text="The edit form's fields as typed: each name with its list of values.",
                        verbose_name="form data",
                    ),
                ),
                (
                    "opened_version",
                    models.PositiveIntegerField(
                        help_text="The article's version when the form was opened; an older one than the article has now marks the copy as stale.",
                        verbose_name="opened at version",
                    ),
                ),
                ("saved_at", models.DateTimeField(verbose_name="saved at")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="draft_copies",
                        to="news.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="draft_copies",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="writer",
                    ),
                ),
            ],
            options={
                "verbose_name": "unsaved copy",
                "verbose_name_plural": "unsaved copies",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "article"), name="one_draft_copy_per_writer"
                    )
                ],
            },
        ),
    ]
