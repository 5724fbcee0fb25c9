"""Sending queued mail: claim what is due, send it through Django's mail API, and record every
attempt on its row. A failure is logged in one line and tried again later; it is never raised.

Two senders run at once without sending anything twice: a sender first *claims* a batch in one
short transaction (`select_for_update(skip_locked=True)` on PostgreSQL, so a second sender
skips rows the first is claiming; on SQLite the transaction begins IMMEDIATE, so claims take
turns) and marks it as held until a time (`claimed_until`), then sends with no transaction or
lock open, so a slow mail server holds no database lock. A sender that dies holding a claim
leaves the mail to be sent after the claim runs out: mail goes out at least once, and twice only
if a sender dies between handing a message over and recording it.

A step's own mail is tried as soon as its transaction commits (`send_soon`, in the request);
`manage.py send_queued_mail`, run every minute, sends everything due and the retries. After
the mail server could not be reached, steps leave sending to the command for a few minutes
(`PAUSE_AFTER_OUTAGE`, kept in the shared cache), so a mail server that does not answer costs
one step `EMAIL_TIMEOUT` seconds, not every step, and a bulk action stays quick.
"""

import contextlib
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from news.models import OutgoingMail

logger = logging.getLogger("news.mail")

#: Attempts before a mail is given up on. With waits doubling from FIRST_WAIT up to
#: LONGEST_WAIT, the last attempt comes about 16 hours after the first.
MAX_ATTEMPTS = 12
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=4)
#: Mail claimed (and sent over one connection) at a time.
BATCH_SIZE = 20
#: Steps leave sending to the command this long after the mail server could not be reached.
PAUSE_AFTER_OUTAGE = timedelta(minutes=5)
PAUSE_KEY = "news:mail:server-unreachable"
#: Sent and given-up mail is deleted by the command after this long.
KEEP_FOR = timedelta(days=30)
#: What is wrong with one message, not with the server: it refused this message, or the address
#: cannot be written in a header (ValueError). The batch's other mail may still go.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    ValueError,
)
LONGEST_ERROR = 1000


@dataclass
class Report:
    """What one run did, for the command to print."""

    sent: int = 0
    deferred: int = 0
    given_up: int = 0
    deleted: int = 0
    #: The mail server could not be reached, so the run stopped with mail still due.
    unreachable: bool = False


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_WAIT * 2 ** (attempts - 1), LONGEST_WAIT)


def claim_duration() -> timedelta:
    """How long a sender holds its batch: longer than sending it can take (an open, then each
    message within EMAIL_TIMEOUT), so no other sender takes it over while it is still sending."""
    timeout = settings.EMAIL_TIMEOUT or 60
    return timedelta(seconds=(BATCH_SIZE + 1) * 2 * timeout + 60)


def send_soon(ids: Iterable[int]) -> None:
    """A step's mail, tried once its transaction has committed (transaction.on_commit).

    Whatever happens, it raises nothing: the step has been taken, and mail that cannot go now
    stays queued for `send_queued_mail`."""
    ids = list(ids)
    try:
        if _paused():
            logger.info("Mail %s left for send_queued_mail: the mail server was unreachable.", ids)
            return
        send_due(ids=ids)
    except Exception as error:  # the database, say; never the step's problem
        logger.error("Mail %s left for send_queued_mail: %s", ids, _describe(error))


def send_due(*, ids: Iterable[int] | None = None) -> Report:
    """Send the due mail (of `ids` only, when given), batch by batch, until none is due or the
    mail server cannot be reached."""
    report = Report()
    ids = None if ids is None else list(ids)
    while batch := claim(ids=ids):
        if not _send_batch(batch, report):
            report.unreachable = True
            break
    if not report.unreachable and report.sent:
        _resume()
    return report


def claim(*, ids: list[int] | None = None) -> list[OutgoingMail]:
    """Take up to BATCH_SIZE due rows for this sender, in one short transaction."""
    now = timezone.now()
    with transaction.atomic():
        due = OutgoingMail.objects.due(now)
        if ids is not None:
            due = due.filter(pk__in=ids)
        batch = list(
            due.order_by("next_attempt_at", "pk").select_for_update(skip_locked=True)[:BATCH_SIZE]
        )
        OutgoingMail.objects.filter(pk__in=[mail.pk for mail in batch]).update(
            claimed_until=now + claim_duration()
        )
    return batch


def retry_given_up() -> int:
    """Queue every given-up mail again with a fresh set of attempts; returns how many."""
    return OutgoingMail.objects.filter(failed_at__isnull=False).update(
        failed_at=None, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )


def delete_old(*, now=None) -> int:
    """Delete mail sent or given up on more than KEEP_FOR ago; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _by_model = OutgoingMail.objects.filter(
        Q(sent_at__lt=cutoff) | Q(failed_at__lt=cutoff)
    ).delete()
    return deleted


# --- one batch ------------------------------------------------------------------------------


def _send_batch(batch: list[OutgoingMail], report: Report) -> bool:
    """Send a claimed batch over one connection; False when the server could not be reached
    (every mail not yet sent is then recorded as failed, to be tried again)."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:
        for mail in batch:
            _failed(mail, error, report)
        _pause()
        return False
    try:
        for position, mail in enumerate(batch):
            try:
                connection.send_messages([_message(mail, connection)])
            except MESSAGE_ERRORS as error:
                _failed(mail, error, report)
            except Exception as error:  # the connection broke or timed out
                for unsent in batch[position:]:
                    _failed(unsent, error, report)
                _pause()
                return False
            else:
                _sent(mail, report)
    finally:
        # A server gone away while we said goodbye: nothing is lost.
        with contextlib.suppress(Exception):
            connection.close()
    return True


def _message(mail: OutgoingMail, connection) -> EmailMessage:
    return EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        connection=connection,
        # RFC 3834: written by a machine, so out-of-office replies should not answer it.
        headers={"Auto-Submitted": "auto-generated", "Content-Language": mail.language},
    )


def _sent(mail: OutgoingMail, report: Report) -> None:
    OutgoingMail.objects.filter(pk=mail.pk).update(
        sent_at=timezone.now(), attempts=mail.attempts + 1, claimed_until=None
    )
    report.sent += 1


def _failed(mail: OutgoingMail, error: BaseException, report: Report) -> None:
    """Record a failed attempt: try again after a wait, or give up after the last attempt."""
    now = timezone.now()
    attempts = mail.attempts + 1
    reason = _describe(error)
    changes = {"attempts": attempts, "last_error": reason, "claimed_until": None}
    if attempts >= MAX_ATTEMPTS:
        changes["failed_at"] = now
        report.given_up += 1
        logger.error(
            "Mail %s (%s) given up after %s attempts, kept as failed: %s",
            mail.pk, mail.kind, attempts, reason,
        )  # fmt: skip
    else:
        changes["next_attempt_at"] = now + retry_wait(attempts)
        report.deferred += 1
        logger.warning(
            "Mail %s (%s) not sent, attempt %s of %s; next at %s: %s",
            mail.pk, mail.kind, attempts, MAX_ATTEMPTS,
            f"{timezone.localtime(changes['next_attempt_at']):%Y-%m-%d %H:%M:%S}", reason,
        )  # fmt: skip
    OutgoingMail.objects.filter(pk=mail.pk).update(**changes)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return " ".join(text.split())[:LONGEST_ERROR]


# --- the pause after an outage --------------------------------------------------------------


def _paused() -> bool:
    try:
        return cache.get(PAUSE_KEY) is not None
    except Exception:  # a cache that is down pauses nothing
        return False


def _pause() -> None:
    with contextlib.suppress(Exception):
        cache.set(PAUSE_KEY, True, timeout=int(PAUSE_AFTER_OUTAGE.total_seconds()))


def _resume() -> None:
    with contextlib.suppress(Exception):
        cache.delete(PAUSE_KEY)
