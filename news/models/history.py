"""An article's history: revisions of its words, public change notes and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .articles import Article


class ArticleRevision(models.Model):
    """A saved copy of an article's editable content, kept on every save, never changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first save, then 2, 3…")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.CharField(max_length=300, blank=True)
    content = models.JSONField(help_text="The article's fields as they were at this save.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="one_revision_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.article_id}"


class ChangeNote(models.Model):
    """A public note for a major change to a published article (as GOV.UK shows them)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="change_notes")
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, help_text="What changed, for readers.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.note


class ArticleEvent(models.Model):
    """The audit trail: who did what to an article, and when."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to draft"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        ARCHIVED = "archived", "Archived"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RESTORED = "restored", "Restored a revision"
        MAJOR_CHANGE = "major_change", "Major change"

    #: The actions that move an article from one status to another: the workflow's steps.
    STEPS = (
        Action.SUBMITTED, Action.RETURNED, Action.PUBLISHED, Action.SCHEDULED,
        Action.UNPUBLISHED, Action.ARCHIVED, Action.WITHDRAWN,
    )  # fmt: skip

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.by} at {self.at:%Y-%m-%d %H:%M}"
