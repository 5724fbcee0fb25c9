"""Notifications by e-mail: each workflow step mails the right people, in their language, through
a real SMTP server (aiosmtpd on a free port); a mail server that is down never fails a step, and
`send_queued_mail` delivers the mail later, exactly once, even when two runs meet."""

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from news import services
from news.models import Article, OutgoingMail
from news.services import delivery
from tests import services as running
from tests.factories import ArticleFactory, UserFactory
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
SENDER = "cityinno newsroom <newsroom@example.org>"
TITLE = "Baotou joins the demonstration cities"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Mail the two-sender race shares out, and how long the SMTP server takes over each (so both
#: senders are at work at the same time).
RACE_MAILS = 60
RACE_DELAY_SECONDS = 0.1
#: EMAIL_TIMEOUT against a mail server that never answers.
SILENT_TIMEOUT_SECONDS = 2


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = SENDER


def use_smtp(settings, port: int) -> None:
    """Send through the SMTP server on 127.0.0.1:`port`, as production does."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = running.HOST, port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def mailbox(settings):
    with running.smtp_server() as box:
        use_smtp(settings, box.port)
        yield box


@pytest.fixture
def closed_port(settings):
    """The mail settings point at a port nothing listens on: every connection is refused."""
    port = running.free_port()
    use_smtp(settings, port)
    return port


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Take a step and run what it left for after its commit (the test's own transaction never
    commits), as a request does."""

    def take(step, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return step(**arguments)

    return take


@pytest.fixture
def newsroom(writer, editor, second_editor, superuser):
    """Wendy writes; Edith and Eddie edit; Bo is a superuser. Everyone has an address."""
    for user, first, last in [
        (writer, "Wendy", "Wu"), (editor, "Edith", "Ma"), (second_editor, "Eddie", "Li"),
        (superuser, "Bo", "Si"),
    ]:  # fmt: skip
        user.first_name, user.last_name = first, last
        user.email = f"{user.username}@example.org"
        user.save()
    return {"writer": writer, "editor": editor, "second_editor": second_editor, "boss": superuser}


def draft(author, title=TITLE):
    return ArticleFactory(
        title=title, status=Article.Status.DRAFT, published_at=None, author=author
    )


def in_review(author, title=TITLE):
    return ArticleFactory(
        title=title, status=Article.Status.IN_REVIEW, published_at=None, author=author
    )


def by_address(mailbox) -> dict:
    found = {}
    for message in mailbox.messages:
        assert message["To"] not in found, f"{message['To']} got two messages"
        found[message["To"]] = message
    return found


def subject(message) -> str:
    """The Subject as a mail reader shows it: Python folds a long non-ASCII subject onto a line
    of its own, and the fold comes back as a leading space."""
    return str(message["Subject"]).strip()


def text(message) -> str:
    """The message's plain text, with the line ends it was written with (SMTP sends CRLF)."""
    return message.get_content().replace("\r\n", "\n")


def admin_step(client, commit, article, step, data=None):
    """Press a workflow button in the admin and follow it to the page the editor sees next."""
    url = f"/admin/news/article/{article.pk}/workflow/{step}/"
    return commit(client.post, path=url, data=data or {}, follow=True)


def assert_no_error_shown(response, done: str):
    html = response.content.decode()
    assert response.status_code == 200
    assert done in html
    assert 'class="error"' not in html and "errornote" not in html


# --- who hears about which step, and what they read ---------------------------------------------


def test_a_submission_mails_everyone_who_may_publish_but_not_its_writer(newsroom, mailbox, commit):
    article = draft(newsroom["writer"])
    commit(services.submit_for_review, article=article, by=newsroom["writer"])

    received = by_address(mailbox)
    assert sorted(received) == [
        "boss@example.org", "eddie-editor@example.org", "edith-editor@example.org",
    ]  # fmt: skip
    message = received["edith-editor@example.org"]
    assert subject(message) == f"For review: {TITLE}"
    assert message["From"] == SENDER
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "en"
    body = text(message)
    assert body.startswith(f"Hello Edith Ma,\n\nWendy Wu submitted “{TITLE}” for review.\n\n")
    assert f"Open it in the newsroom:\n{SITE}/admin/news/article/{article.pk}/change/\n" in body
    assert body.rstrip().endswith(f"{SITE}/admin/preferences/")  # where to turn the mail off
    assert SITE + article.get_absolute_url() not in body  # nothing public to read yet
    assert OutgoingMail.objects.filter(sent_at__isnull=False, attempts=1).count() == 3


def test_a_returned_article_mails_its_writer_the_note_in_their_language(
    client, newsroom, mailbox, commit
):
    writer, editor = newsroom["writer"], newsroom["editor"]
    services.update_preferences(user=writer, language="zh-hans", email_notifications=True)
    article = in_review(writer)
    client.force_login(editor)

    response = admin_step(client, commit, article, "return", {"reason": "请补充数据来源。"})

    assert_no_error_shown(response, "return to draft done")
    (message,) = mailbox.messages
    assert message["To"] == "wendy-writer@example.org"
    assert subject(message) == f"已退回给您：{TITLE}"
    assert message["Content-Language"] == "zh-hans"
    body = text(message)
    assert body.startswith(f"Wendy Wu，您好：\n\nEdith Ma 将您的文章“{TITLE}”退回给您，改为草稿。")
    assert "编辑的说明：\n请补充数据来源。\n" in body
    assert f"在编辑部后台打开：\n{SITE}/admin/news/article/{article.pk}/change/" in body
    assert "关闭邮件通知" in body


def test_publishing_now_mails_the_writer_both_links(client, newsroom, mailbox, commit):
    writer, editor = newsroom["writer"], newsroom["editor"]
    article = in_review(writer)
    client.force_login(editor)

    response = admin_step(client, commit, article, "publish")

    assert_no_error_shown(response, "publish done")
    article.refresh_from_db()
    (message,) = mailbox.messages
    assert message["To"] == "wendy-writer@example.org"
    assert subject(message) == f"Published: {TITLE}"
    body = text(message)
    assert f"Edith Ma published your article “{TITLE}”. It is on the site now." in body
    assert f"Read it on the site:\n{SITE}{article.get_absolute_url()}\n" in body
    assert f"{SITE}/admin/news/article/{article.pk}/change/" in body
    # Where to turn the mail off: the page each person's preferences are on.
    assert body.rstrip().endswith(f"{SITE}/admin/preferences/")
    assert client.get("/admin/preferences/").status_code == 200


def test_scheduling_says_when_in_china_standard_time(client, newsroom, mailbox, commit):
    writer, editor = newsroom["writer"], newsroom["editor"]
    english, chinese = in_review(writer), in_review(writer, title="包头入选示范市")
    client.force_login(editor)

    response = admin_step(client, commit, english, "publish", {"when": "2030-03-10T09:00"})
    assert_no_error_shown(response, "publish done")
    services.update_preferences(user=writer, language="zh-hans", email_notifications=True)
    when = datetime(2030, 3, 11, 15, 30, tzinfo=SHANGHAI)
    commit(services.publish_article, article=chinese, by=editor, when=when)

    first, second = mailbox.messages
    assert subject(first) == f"Scheduled: {TITLE}"
    assert (
        f"Edith Ma scheduled your article “{TITLE}”: it goes public at 2030-03-10 09:00 "
        "(China Standard Time)." in text(first)
    )
    english.refresh_from_db()
    assert f"Its address on the site, from then:\n{SITE}{english.get_absolute_url()}" in (
        text(first)
    )
    assert subject(second) == "已定时发布：包头入选示范市"
    assert "将于 2030-03-11 15:30（北京时间）公开。" in text(second)
    chinese.refresh_from_db()
    assert f"{SITE}/zh-hans{chinese.get_absolute_url()}" in text(second)


def test_a_withdrawal_mails_the_writer_the_reason_readers_see(client, newsroom, mailbox, commit):
    writer, editor = newsroom["writer"], newsroom["editor"]
    article = ArticleFactory(title=TITLE, author=writer)
    client.force_login(editor)

    response = admin_step(
        client, commit, article, "withdraw", {"reason": "The figures were wrong."}
    )

    assert_no_error_shown(response, "withdraw done")
    (message,) = mailbox.messages
    assert subject(message) == f"Withdrawn: {TITLE}"
    body = text(message)
    assert f"Edith Ma withdrew your article “{TITLE}”." in body
    assert "The reason readers see:\nThe figures were wrong.\n" in body
    assert f"Its page, with the notice:\n{SITE}{article.get_absolute_url()}" in body


def test_unpublishing_and_archiving_mail_nobody(newsroom, mailbox, commit):
    editor = newsroom["editor"]
    article = ArticleFactory(author=newsroom["writer"])
    commit(services.unpublish_article, article=article, by=editor)
    assert mailbox.messages == []
    article = commit(services.publish_article, article=article, by=editor)
    assert [subject(message) for message in mailbox.messages] == [f"Published: {article}"]
    commit(services.archive_article, article=article, by=editor)
    assert len(mailbox.messages) == 1


def test_nobody_hears_of_their_own_step_and_an_editor_author_hears_once(newsroom, mailbox, commit):
    edith, eddie = newsroom["editor"], newsroom["second_editor"]
    commit(services.publish_article, article=draft(edith, title="Edith's own"), by=edith)
    assert mailbox.messages == []

    # Edith submits a draft Eddie wrote: Eddie hears once, as an editor; Edith not at all.
    eddies = draft(eddie, title="Eddie's story")
    commit(services.submit_for_review, article=eddies, by=edith)
    received = by_address(mailbox)
    assert sorted(received) == ["boss@example.org", "eddie-editor@example.org"]
    assert subject(received["eddie-editor@example.org"]) == "For review: Eddie's story"

    mailbox.messages.clear()
    commit(services.publish_article, article=eddies, by=edith)
    (message,) = mailbox.messages
    assert (message["To"], subject(message)) == (
        "eddie-editor@example.org",
        "Published: Eddie's story",
    )


def test_people_who_turned_mail_off_or_cannot_get_it_are_skipped(newsroom, roles, mailbox, commit):
    writer = newsroom["writer"]
    services.update_preferences(
        user=newsroom["second_editor"], language="", email_notifications=False
    )
    for username, email, fields in [
        ("nora-no-address", "", {}),
        ("ian-inactive", "ian@example.org", {"is_active": False}),
        ("nick-not-staff", "nick@example.org", {"is_staff": False}),
        # A second account at Edith's address: she gets one mail, not two.
        ("edith-second-account", "Edith-Editor@Example.org", {}),
    ]:
        user = UserFactory(username=username, email=email, **{"is_staff": True, **fields})
        user.groups.add(roles["Editor"])

    article = draft(writer)
    commit(services.submit_for_review, article=article, by=writer)
    assert sorted(by_address(mailbox)) == ["boss@example.org", "edith-editor@example.org"]

    mailbox.messages.clear()
    services.update_preferences(user=writer, language="en", email_notifications=False)
    commit(services.publish_article, article=article, by=newsroom["editor"])
    assert mailbox.messages == []
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.PUBLISHED).exists()


# --- a step never fails for the mail ------------------------------------------------------------


def test_a_mail_server_that_refuses_connections_never_fails_the_step(
    client, newsroom, closed_port, commit, caplog, time_machine
):
    writer, editor = newsroom["writer"], newsroom["editor"]
    first, second = in_review(writer, title="First story"), in_review(writer, title="Second")
    client.force_login(editor)

    with caplog.at_level(logging.INFO, logger="news.mail"):
        response = admin_step(client, commit, first, "publish")
        # The server was just found unreachable: the next step does not wait for it again.
        commit(services.publish_article, article=second, by=editor)

    assert_no_error_shown(response, "publish done")
    assert Article.objects.get(pk=first.pk).is_public
    tried, left = OutgoingMail.objects.get(article=first), OutgoingMail.objects.get(article=second)
    assert (tried.sent_at, tried.attempts) == (None, 1)
    assert "ConnectionRefusedError" in tried.last_error
    assert tried.next_attempt_at > timezone.now()
    assert (left.sent_at, left.attempts) == (None, 0)
    lines = [record for record in caplog.records if record.name == "news.mail"]
    assert [record.levelname for record in lines] == ["WARNING", "INFO"]
    assert f"Mail {tried.pk} (published) not sent, attempt 1 of 12" in lines[0].getMessage()
    assert "Connection refused" in lines[0].getMessage()
    assert "\n" not in lines[0].getMessage()
    assert "left for send_queued_mail" in lines[1].getMessage()

    # The server comes back; the next run of the command (a minute later) sends both, once.
    with running.smtp_server(port=closed_port) as mailbox:
        time_machine.move_to(timezone.now() + delivery.FIRST_WAIT + timedelta(seconds=1))
        out = io.StringIO()
        call_command("send_queued_mail", stdout=out)
        call_command("send_queued_mail", stdout=io.StringIO())
    assert sorted(subject(message) for message in mailbox.messages) == [
        "Published: First story",
        "Published: Second",
    ]
    assert "Sent 2, to retry 0, given up 0" in out.getvalue()
    tried.refresh_from_db()
    assert tried.sent_at is not None and tried.attempts == 2


def test_a_mail_server_that_does_not_answer_holds_up_one_step_not_every_step(
    client, settings, newsroom, commit
):
    """It accepts connections and never greets: the first step waits EMAIL_TIMEOUT for it; after
    that, steps (here a bulk action over five articles) leave the mail to the command."""
    with socket.create_server((running.HOST, running.free_port())) as silent:
        use_smtp(settings, silent.getsockname()[1])
        settings.EMAIL_TIMEOUT = SILENT_TIMEOUT_SECONDS
        articles = [in_review(newsroom["writer"], title=f"Story {number}") for number in range(6)]
        client.force_login(newsroom["editor"])

        started = time.monotonic()
        response = admin_step(client, commit, articles[0], "publish")
        first_step = time.monotonic() - started
        started = time.monotonic()
        bulk = commit(
            client.post,
            path="/admin/news/article/",
            data={"action": "publish_selected", "_selected_action": [a.pk for a in articles[1:]]},
            follow=True,
        )
        bulk_action = time.monotonic() - started

    assert_no_error_shown(response, "publish done")
    assert_no_error_shown(bulk, "5 article(s): publish done")
    assert first_step >= SILENT_TIMEOUT_SECONDS
    assert bulk_action < SILENT_TIMEOUT_SECONDS
    assert Article.objects.public().count() == 6
    assert OutgoingMail.objects.waiting().count() == 6
    assert "timed out" in OutgoingMail.objects.get(article=articles[0]).last_error


def test_a_step_that_rolls_back_queues_and_sends_nothing(
    newsroom, mailbox, commit, django_capture_on_commit_callbacks
):
    writer = newsroom["writer"]
    article = draft(writer)
    with (
        django_capture_on_commit_callbacks(execute=True) as after_commit,
        pytest.raises(RuntimeError, match="after the step"),
        transaction.atomic(),
    ):
        services.submit_for_review(article=article, by=writer)
        assert OutgoingMail.objects.count() == 3  # queued with the step…
        raise RuntimeError("the request failed after the step")
    assert not OutgoingMail.objects.exists()  # …and gone with it, with nothing left to send
    assert after_commit == [] and mailbox.messages == []
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT

    with pytest.raises(services.WorkflowError):
        commit(services.publish_article, article=article, by=writer)
    assert not OutgoingMail.objects.exists()


def test_a_refused_recipient_does_not_hold_back_the_others(settings, newsroom, commit, caplog):
    with running.smtp_server(refuse=frozenset({"eddie-editor@example.org"})) as mailbox:
        use_smtp(settings, mailbox.port)
        with caplog.at_level(logging.WARNING, logger="news.mail"):
            commit(
                services.submit_for_review, article=draft(newsroom["writer"]), by=newsroom["writer"]
            )
    assert sorted(by_address(mailbox)) == ["boss@example.org", "edith-editor@example.org"]
    refused = OutgoingMail.objects.get(to_address="eddie-editor@example.org")
    assert refused.sent_at is None and refused.attempts == 1
    assert "SMTPRecipientsRefused" in refused.last_error and "No such mailbox" in refused.last_error
    assert len([record for record in caplog.records if record.name == "news.mail"]) == 1


def test_after_the_last_attempt_the_mail_is_given_up_and_shown_to_superusers(
    client, newsroom, closed_port, caplog, time_machine
):
    editor, boss = newsroom["editor"], newsroom["boss"]
    services.publish_article(article=in_review(newsroom["writer"]), by=editor)
    mail = OutgoingMail.objects.get()

    with caplog.at_level(logging.WARNING, logger="news.mail"):
        for _attempt in range(delivery.MAX_ATTEMPTS):
            time_machine.move_to(mail.next_attempt_at + timedelta(seconds=1))
            call_command("send_queued_mail", stdout=io.StringIO())
            mail.refresh_from_db()
        time_machine.move_to(timezone.now() + timedelta(days=1))
        call_command("send_queued_mail", stdout=io.StringIO())

    mail.refresh_from_db()
    assert mail.attempts == delivery.MAX_ATTEMPTS and mail.sent_at is None
    assert mail.failed_at is not None and "ConnectionRefusedError" in mail.last_error
    # The waits grew: the last attempt came more than 16 hours after the first.
    assert mail.failed_at - mail.created_at > timedelta(hours=16)
    lines = [record for record in caplog.records if record.name == "news.mail"]
    assert [line.levelname for line in lines] == ["WARNING"] * (delivery.MAX_ATTEMPTS - 1) + [
        "ERROR"
    ]
    assert f"Mail {mail.pk} (published) given up after 12 attempts, kept as failed" in (
        lines[-1].getMessage()
    )

    client.force_login(boss)
    listing = client.get("/admin/news/outgoingmail/", {"state": "given-up"})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "wendy-writer@example.org" in html and "given up" in html
    assert "ConnectionRefusedError" in html
    detail = client.get(f"/admin/news/outgoingmail/{mail.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/news/outgoingmail/{mail.pk}/change/", {}).status_code == 403
    assert client.get("/admin/news/outgoingmail/add/").status_code == 403
    client.force_login(editor)
    assert client.get("/admin/news/outgoingmail/").status_code == 403

    # Once the mail server is mended, an operator can ask for another round.
    with running.smtp_server(port=closed_port) as mailbox:
        out = io.StringIO()
        call_command("send_queued_mail", "--retry-given-up", stdout=out)
    assert [subject(message) for message in mailbox.messages] == [f"Published: {TITLE}"]
    assert "Queued 1 given-up mail again." in out.getvalue()


def test_old_sent_and_given_up_mail_is_deleted_and_waiting_mail_kept(mailbox):
    now = timezone.now()
    fields = {"kind": "published", "to_address": "a@example.org", "language": "en",
              "subject": "s", "body": "b"}  # fmt: skip
    old_sent = OutgoingMail.objects.create(**fields, sent_at=now - timedelta(days=31))
    old_failed = OutgoingMail.objects.create(**fields, failed_at=now - timedelta(days=31))
    recent = OutgoingMail.objects.create(**fields, sent_at=now - timedelta(days=29))
    waiting = OutgoingMail.objects.create(
        **fields, created_at=now - timedelta(days=40), next_attempt_at=now + timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("send_queued_mail", stdout=out)
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not OutgoingMail.objects.filter(pk__in=[old_sent.pk, old_failed.pk]).exists()
    assert "deleted 2 old" in out.getvalue()
    assert mailbox.messages == []


# --- two senders at once ------------------------------------------------------------------------


def race(env: dict[str, str], mailbox) -> list[int]:
    """Start two `send_queued_mail` processes at the same moment; how many each one sent."""
    environment = {
        **os.environ, "DEBUG": "true", "REDIS_URL": "", "SITE_URL": SITE,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": mailbox.host, "EMAIL_PORT": str(mailbox.port), **env,
    }  # fmt: skip
    senders = [
        subprocess.Popen(
            [sys.executable, "manage.py", "send_queued_mail"],
            cwd=running.PROJECT_DIR,
            env=environment,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for _ in range(2)
    ]
    counts = []
    for sender in senders:
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, err
        counts.append(int(re.search(r"Sent (\d+),", out).group(1)))
    return counts


def assert_each_sent_once(mailbox, counts):
    subjects = sorted(subject(message) for message in mailbox.messages)
    assert subjects == sorted(f"Mail {number}" for number in range(RACE_MAILS))
    assert sum(counts) == RACE_MAILS
    assert min(counts) > 0, f"the two senders did not overlap: {counts}"


def queue_for_race():
    OutgoingMail.objects.bulk_create(
        OutgoingMail(
            kind="published",
            to_address=f"reader{number}@example.org",
            language="en",
            subject=f"Mail {number}",
            body="…",
        )  # fmt: skip
        for number in range(RACE_MAILS)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL pass runs it")
def test_two_senders_at_once_send_each_mail_once_on_postgresql():
    queue_for_race()
    with running.smtp_server(delay=RACE_DELAY_SECONDS) as mailbox:
        counts = race({"DATABASE_URL": running.database_url(connection.settings_dict)}, mailbox)
    assert_each_sent_once(mailbox, counts)
    assert OutgoingMail.objects.filter(sent_at__isnull=False, attempts=1).count() == RACE_MAILS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL pass runs it")
def test_a_sender_passes_over_mail_another_is_claiming_without_waiting(mailbox):
    """Another sender's claim transaction holds two rows: this run sends the others at once."""
    queue_for_race()
    held = list(OutgoingMail.objects.order_by("pk").values_list("pk", flat=True)[:2])
    other_sender = connection.get_new_connection(connection.get_connection_params())
    try:
        with other_sender.cursor() as cursor:  # opens a transaction that stays open
            cursor.execute("SELECT id FROM news_outgoingmail WHERE id = ANY(%s) FOR UPDATE", [held])
        with connection.cursor() as cursor:  # were it to wait for the lock, fail instead
            cursor.execute("SET lock_timeout = '5s'")
        call_command("send_queued_mail", stdout=io.StringIO())
        assert len(mailbox.messages) == RACE_MAILS - len(held)
        assert set(OutgoingMail.objects.waiting().values_list("pk", flat=True)) == set(held)
    finally:
        other_sender.rollback()
        other_sender.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    call_command("send_queued_mail", stdout=io.StringIO())
    assert_each_sent_once(mailbox, [RACE_MAILS - len(held), len(held)])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite pass runs it")
def test_two_senders_at_once_send_each_mail_once_on_sqlite(tmp_path):
    """On a file database of its own (the suite's is in memory), migrated by `manage.py`."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=running.PROJECT_DIR,
        env={**os.environ, "DEBUG": "true", **env}, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    queue = (
        "from news.models import OutgoingMail as Mail; Mail.objects.bulk_create(Mail("
        "kind='published', to_address=f'reader{n}@example.org', language='en', "
        f"subject=f'Mail {{n}}', body='…') for n in range({RACE_MAILS})); "
        "print(Mail.objects.count())"
    )
    queued = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", queue], cwd=running.PROJECT_DIR,
        env={**os.environ, "DEBUG": "true", **env}, check=True, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert queued.stdout.strip().splitlines()[-1] == str(RACE_MAILS)
    with running.smtp_server(delay=RACE_DELAY_SECONDS) as mailbox:
        counts = race(env, mailbox)
    assert_each_sent_once(mailbox, counts)


# --- settings -----------------------------------------------------------------------------------


def test_site_url_comes_from_the_environment_or_the_first_allowed_host():
    show = "from django.conf import settings; print(settings.SITE_URL)"
    production = {"DEBUG": "false", "SECRET_KEY": "a-long-random-production-secret-" + "x7Qz" * 10}
    derived = run_manage("shell", "-c", show, **production, ALLOWED_HOSTS="news.example.org,cdn")
    assert derived.stdout.strip().splitlines()[-1] == "https://news.example.org"
    given = run_manage("shell", "-c", show, DEBUG="true", SITE_URL="http://news.lan:8000/")
    assert given.stdout.strip().splitlines()[-1] == "http://news.lan:8000"
    wrong = run_manage("check", DEBUG="true", SITE_URL="news.example.org")
    assert wrong.returncode != 0 and "SITE_URL is the site's address" in wrong.stderr


# --- the systemd timer --------------------------------------------------------------------------


def unit_settings(name: str) -> dict[str, str]:
    text = (running.PROJECT_DIR / "deploy" / name).read_text()
    return dict(re.findall(r"^(\w+)=(.*)$", text, flags=re.MULTILINE))


def test_the_mail_timer_runs_the_command_as_the_app_server_runs():
    """Same user, checkout and environment file as deploy/cityinno.service, every minute."""
    app, mail = unit_settings("cityinno.service"), unit_settings("cityinno-mail.service")
    for key in ["User", "Group", "WorkingDirectory", "EnvironmentFile"]:
        assert mail[key] == app[key], key
    assert mail["Type"] == "oneshot"
    assert mail["ExecStart"].split() == [
        f"{app['WorkingDirectory']}/.venv/bin/python",
        f"{app['WorkingDirectory']}/manage.py",
        "send_queued_mail",
    ]
    timer = unit_settings("cityinno-mail.timer")
    assert timer["Unit"] == "cityinno-mail.service" and timer["OnCalendar"] == "minutely"
    assert timer["WantedBy"] == "timers.target"
