"""The outbox: every notification the newsroom sends, written in the step's own transaction and
delivered afterwards, so a mail server that is down delays mail and never fails a step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .articles import Article


class OutgoingMailQuerySet(models.QuerySet):
    def waiting(self):
        """Not sent and not given up on: the queue."""
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def due(self, now=None):
        """Waiting mail whose next attempt has come and that no sender holds right now (a
        sender's claim runs out by itself, so mail held by a sender that died goes out later)."""
        now = now or timezone.now()
        return (
            self.waiting()
            .filter(next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        )


class OutgoingMail(models.Model):
    """One message to one person, rendered in their language when the step happened, so what
    goes out on a retry is exactly what the step said. Delivery (news/services/delivery.py)
    records every attempt here: how many, the last error, when to try next, when it went or when
    it was given up on."""

    class Kind(models.TextChoices):
        # The same values as ArticleEvent.Action: a mail is about the event of that name.
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to draft"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(
        max_length=16,
        choices=Kind.choices,
        help_text="The workflow step this mail tells about.",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="recipient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member of staff it is for (empty once their account is deleted).",
    )
    to_address = models.EmailField(
        "to", help_text="The address it goes to: the recipient's address when it was queued."
    )
    language = models.CharField(
        max_length=16, help_text="The language it is written in (the recipient's choice)."
    )
    subject = models.CharField(max_length=300, help_text="In the recipient's language.")
    body = models.TextField(help_text="The plain-text message, links included.")
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The article it is about (empty once the article is deleted).",
    )
    created_at = models.DateTimeField("queued at", default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times sending it was tried."
    )
    last_error = models.TextField(
        blank=True, help_text="Why the last attempt failed, as the mail server or network said."
    )
    next_attempt_at = models.DateTimeField(
        "next attempt at", default=timezone.now, help_text="When it is tried (again)."
    )
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A sender is sending it until then; after that another may try.",
    )
    sent_at = models.DateTimeField("sent at", null=True, blank=True)
    failed_at = models.DateTimeField(
        "given up at",
        null=True,
        blank=True,
        help_text="Sending was given up on after the last attempt; it is kept to be seen here.",
    )

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The queue a sender reads every minute: only waiting rows, by when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outgoing_mail_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True),
                name="outgoing_mail_sent_or_given_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        return "given up" if self.failed_at else "waiting"
