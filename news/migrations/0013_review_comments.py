"""Review comments on articles, and the audit trail's and the outbox's words for them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0012_names_and_help_in_both_languages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="articleevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("submitted", "Submitted for review"),
                    ("returned", "Returned to draft"),
                    ("published", "Published"),
                    ("scheduled", "Scheduled"),
                    ("unpublished", "Unpublished"),
                    ("archived", "Archived"),
                    ("withdrawn", "Withdrawn"),
                    ("restored", "Restored a revision"),
                    ("major_change", "Major change"),
                    ("commented", "Commented"),
                    ("comment_resolved", "Resolved a comment"),
                    ("comment_reopened", "Reopened a comment"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="outgoingmail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted for review"),
                    ("returned", "Returned to draft"),
                    ("published", "Published"),
                    ("scheduled", "Scheduled"),
                    ("withdrawn", "Withdrawn"),
                    ("commented", "Commented"),
                ],
                help_text="The workflow step this mail tells about.",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="ReviewComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="Plain text, at most 500 characters.",
                        max_length=500,
                        verbose_name="comment",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="written at"
                    ),
                ),
                (
                    "resolved_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Empty while the comment is open.",
                        null=True,
                        verbose_name="resolved at",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_comments",
                        to="news.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        help_text="Who wrote the comment (empty once their account is deleted).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="resolved by",
                    ),
                ),
            ],
            options={
                "verbose_name": "review comment",
                "verbose_name_plural": "review comments",
                "ordering": ["created_at", "pk"],
            },
        ),
    ]
