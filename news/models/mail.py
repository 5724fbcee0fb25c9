"""The outbox: every notification the newsroom sends, written in the step's own transaction and
delivered afterwards, so a mail server that is down delays mail and never fails a step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to draft")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMMENTED = "commented", _("Commented")

    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        help_text=_("The workflow step this mail tells about."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member of staff it is for (empty once their account is deleted)."),
    )
    to_address = models.EmailField(
        _("to"), help_text=_("The address it goes to: the recipient's address when it was queued.")
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        help_text=_("The language it is written in (the recipient's choice)."),
    )
    subject = models.CharField(
        _("subject"), max_length=300, help_text=_("In the recipient's language.")
    )
    body = models.TextField(_("body"), help_text=_("The plain-text message, links included."))
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("article"),
        help_text=_("The article it is about (empty once the article is deleted)."),
    )
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times sending it was tried.")
    )
    last_error = models.TextField(
        _("last error"),
        blank=True,
        help_text=_("Why the last attempt failed, as the mail server or network said."),
    )
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), default=timezone.now, help_text=_("When it is tried (again).")
    )
    claimed_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("A sender is sending it until then; after that another may try."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(
        _("given up at"),
        null=True,
        blank=True,
        help_text=_("Sending was given up on after the last attempt; it is kept to be seen here."),
    )

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
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
        return gettext("%(kind)s to %(address)s") % {
            "kind": self.get_kind_display(),
            "address": self.to_address,
        }

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        return "given up" if self.failed_at else "waiting"
