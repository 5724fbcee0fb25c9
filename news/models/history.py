"""An article's history: revisions of its words, public change notes and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .articles import Article


class ArticleRevision(models.Model):
    """A saved copy of an article's editable content, kept on every save, never changed."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("1 for the first save, then 2, 3…")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    content = models.JSONField(
        _("content"), help_text=_("The article's fields as they were at this save.")
    )

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="one_revision_number"),
        ]

    def __str__(self) -> str:
        return gettext("Revision %(number)s of %(article)s") % {
            "number": self.number,
            "article": self.article_id,
        }


class ChangeNote(models.Model):
    """A public note for a major change to a published article (as GOV.UK shows them)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="change_notes", verbose_name=_("article")
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, help_text=_("What changed, for readers."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.note


class ArticleEvent(models.Model):
    """The audit trail: who did what to an article, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to draft")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESTORED = "restored", _("Restored a revision")
        MAJOR_CHANGE = "major_change", _("Major change")
        # Review comments (news/services/review.py): on the trail, never steps.
        COMMENTED = "commented", _("Commented")
        COMMENT_RESOLVED = "comment_resolved", _("Resolved a comment")
        COMMENT_REOPENED = "comment_reopened", _("Reopened a comment")

    #: The actions that move an article from one status to another: the workflow's steps.
    STEPS = (
        Action.SUBMITTED, Action.RETURNED, Action.PUBLISHED, Action.SCHEDULED,
        Action.UNPUBLISHED, Action.ARCHIVED, Action.WITHDRAWN,
    )  # fmt: skip

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events", verbose_name=_("article")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return gettext("%(action)s by %(person)s at %(time)s") % {
            "action": self.get_action_display(),
            "person": self.by,
            "time": f"{self.at:%Y-%m-%d %H:%M}",
        }
