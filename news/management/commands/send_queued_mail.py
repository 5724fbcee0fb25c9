"""`manage.py send_queued_mail`: send the notifications that are due, retries included."""

from django.core.management.base import BaseCommand

from news.services import delivery


class Command(BaseCommand):
    help = (
        "Send queued notification mail that is due, retrying failed mail with growing waits and "
        "giving up after the last attempt; delete sent and given-up mail older than "
        f"{delivery.KEEP_FOR.days} days. Run it every minute (cron or the systemd timer in "
        "deploy/); two runs at once never send a mail twice. A mail server that is down is "
        "logged, not an error: the mail waits for a later run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-given-up",
            action="store_true",
            help="First queue the mail that was given up on again, with a fresh set of attempts "
            "(after fixing the mail settings, say).",
        )

    def handle(self, *args, retry_given_up=False, verbosity=1, **options):
        requeued = delivery.retry_given_up() if retry_given_up else 0
        report = delivery.send_due()
        report.deleted = delivery.delete_old()
        if requeued:
            self.stdout.write(f"Queued {requeued} given-up mail again.")
        if report.sent or report.deferred or report.given_up or report.deleted or verbosity > 1:
            summary = (
                f"Sent {report.sent}, to retry {report.deferred}, given up {report.given_up}, "
                f"deleted {report.deleted} old."
            )
            if report.unreachable:
                summary += " The mail server could not be reached; the rest waits."
            self.stdout.write(summary)
