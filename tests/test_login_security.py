"""Keeping attackers out of the admin: sign-in throttling and lockout (django-axes) with a way to
unlock, password reset by e-mail through a real SMTP server, and trusting a proxy's headers only
when the operator says one is there."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import UserFactory
from tests.services import smtp_server
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
RESET = "/admin/password-reset/"
PASSWORD = "correct-horse-battery"
OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def edith(db):
    return UserFactory(username="edith", email="edith@example.org", is_staff=True)


def sign_in(client, username, password, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers
    )


def fail_until_locked(client, username="edith", **headers):
    """Four wrong passwords are answered with the form; the fifth locks the account out."""
    for _ in range(4):
        response = sign_in(client, username, "wrong-password", **headers)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    return sign_in(client, username, "wrong-password", **headers)


# --- throttling and lockout ---------------------------------------------------------------------


def test_right_password_signs_in(client, edith):
    response = sign_in(client, "edith", PASSWORD, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_fifth_failure_locks_out_with_a_clear_admin_page(client, edith, settings):
    settings.ADMINS = [("Newsroom desk", "desk@example.org")]
    with time_machine.travel(datetime(2024, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        response = fail_until_locked(client, REMOTE_ADDR=OFFICE)
        # Even the right password is refused now.
        assert sign_in(client, "edith", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 429
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "cityinno newsroom" in html and "admin/css/base.css" in html
    assert "paused after 5 failed attempts" in html
    assert "in 15 minutes" in html
    assert 'Try again after <strong><time datetime="2024-03-01T10:15:00+08:00">' in html
    assert '<a href="mailto:desk@example.org">Newsroom desk</a>' in html
    assert 'href="/admin/password-reset/"' in html


def test_lockout_page_without_admins_says_whom_to_ask(client, edith):
    html = fail_until_locked(client, REMOTE_ADDR=OFFICE).content.decode()
    assert "Ask one of this site's administrators to unlock your account" in html


def test_lockout_holds_one_username_at_one_address_only(client, edith):
    UserFactory(username="wendy", is_staff=True)
    assert fail_until_locked(client, REMOTE_ADDR=OFFICE).status_code == 429
    # The colleague at the same office address, and Edith at home, still get in.
    assert sign_in(client, "wendy", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 302
    assert sign_in(client, "edith", PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 302


def test_lockout_ends_after_the_cool_off(client, edith):
    assert fail_until_locked(client, REMOTE_ADDR=OFFICE).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "edith", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 302


def test_a_success_clears_earlier_failures(client, edith):
    for _ in range(4):
        sign_in(client, "edith", "wrong-password", REMOTE_ADDR=OFFICE)
    assert sign_in(client, "edith", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "edith", "wrong-password", REMOTE_ADDR=OFFICE).status_code == 200


def test_an_administrator_unlocks_with_the_command(client, edith, capsys):
    assert fail_until_locked(client, REMOTE_ADDR=OFFICE).status_code == 429
    call_command("axes_reset_username", "edith")
    assert "attempts removed" in capsys.readouterr().out
    assert sign_in(client, "edith", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 302


def test_forged_forwarded_for_does_not_escape_the_lockout_without_a_proxy(client, edith):
    """Without BEHIND_PROXY, X-Forwarded-For is the client's own claim and is ignored."""
    for number in range(5):
        response = sign_in(
            client, "edith", "wrong-password",
            REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )  # fmt: skip
    assert response.status_code == 429
    assert sign_in(client, "edith", PASSWORD, REMOTE_ADDR=OFFICE,
                   HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429  # fmt: skip


def test_behind_a_proxy_the_address_the_proxy_appended_counts(client, edith, settings):
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client may put anything first; the proxy appended the address it saw, last.
    forged = {"HTTP_X_FORWARDED_FOR": f"192.0.2.1, {OFFICE}", **proxy}
    assert fail_until_locked(client, **forged).status_code == 429
    assert (
        sign_in(client, "edith", PASSWORD, HTTP_X_FORWARDED_FOR=OFFICE, **proxy).status_code == 429
    )
    # Another client behind the same proxy is not locked out.
    elsewhere = {"HTTP_X_FORWARDED_FOR": ELSEWHERE, **proxy}
    assert sign_in(client, "edith", PASSWORD, **elsewhere).status_code == 302


def test_two_proxies_count_from_the_right(client, edith, settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 2
    chain = {"HTTP_X_FORWARDED_FOR": f"192.0.2.1, {OFFICE}, 10.0.0.9", "REMOTE_ADDR": "10.0.0.2"}
    assert fail_until_locked(client, **chain).status_code == 429
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().ip_address == OFFICE


# --- the proxy switch --------------------------------------------------------------------------


def test_forwarded_proto_is_trusted_only_behind_a_proxy():
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    plain = run_manage("shell", "-c", code, DEBUG="true")
    proxied = run_manage("shell", "-c", code, DEBUG="true", BEHIND_PROXY="true")
    assert plain.stdout.strip().splitlines()[-1] == "None"
    assert proxied.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_forwarded_proto_from_a_client_does_not_make_a_request_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_deploy_check_is_clean_behind_a_proxy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY="a-long-random-production-secret-" + "x7Qz" * 10,
        ALLOWED_HOSTS="news.example.org", BEHIND_PROXY="true",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# --- e-mail settings ----------------------------------------------------------------------------

EMAIL_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)"
)


def test_mail_goes_to_the_console_when_debugging_and_smtp_otherwise():
    debugging = run_manage("shell", "-c", EMAIL_SETTINGS, DEBUG="true")
    last_line = debugging.stdout.strip().splitlines()[-1]
    assert last_line.split()[0] == "django.core.mail.backends.console.EmailBackend"
    production = run_manage(
        "shell", "-c", EMAIL_SETTINGS, DEBUG="false", SECRET_KEY="x" * 60,
        EMAIL_HOST="smtp.example.org", EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="News <news@example.org>",
    )  # fmt: skip
    assert production.stdout.strip().splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "587", "True",
        "News", "<news@example.org>",
    ]  # fmt: skip


def test_tls_and_ssl_together_are_refused():
    result = run_manage("check", DEBUG="true", EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    assert result.returncode != 0 and "not both" in result.stderr


# --- password reset by e-mail -------------------------------------------------------------------


@pytest.fixture
def mailbox(settings):
    with smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = mailbox.host, mailbox.port
        settings.DEFAULT_FROM_EMAIL = "cityinno newsroom <newsroom@example.org>"
        yield mailbox


def request_reset(client, address):
    response = client.post(RESET, {"email": address})
    assert response.status_code == 302 and response["Location"] == "/admin/password-reset/sent/"
    return client.get(response["Location"])


def test_sign_in_page_offers_a_password_reset(client):
    html = client.get(LOGIN).content.decode()
    assert f'<a href="{RESET}">Forgotten your login credentials?</a>' in html
    assert "cityinno newsroom" in client.get(RESET).content.decode()


def test_password_reset_by_e_mail_end_to_end(client, edith, mailbox):
    sent_page = request_reset(client, "edith@example.org")
    assert "emailed you instructions" in sent_page.content.decode()

    [message] = mailbox.messages
    assert message["To"] == "edith@example.org"
    assert message["From"] == "cityinno newsroom <newsroom@example.org>"
    assert message["Subject"] == "Set a new password for cityinno"
    text = message.get_content()
    assert "newsroom account edith" in text and "within an hour" in text
    link = re.search(r"http://testserver(/admin/password-reset/\S+/\S+/)", text).group(1)

    form_page = client.get(link, follow=True)
    assert "Please enter your new password twice" in form_page.content.decode()
    new_password = "a-brand-new-long-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/admin/password-reset/done/"
    assert 'href="/admin/login/"' in done.content.decode()

    assert sign_in(client, "edith", PASSWORD).status_code == 200
    assert sign_in(client, "edith", new_password).status_code == 302
    # The link works once.
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "The password reset link was invalid" in again


def test_reset_does_not_reveal_whether_an_address_has_an_account(client, edith, mailbox):
    UserFactory(username="reader", email="reader@example.org", is_staff=False)
    known = request_reset(client, "edith@example.org")
    unknown = request_reset(client, "nobody@example.org")
    not_staff = request_reset(client, "reader@example.org")
    assert known.content == unknown.content == not_staff.content
    assert [message["To"] for message in mailbox.messages] == ["edith@example.org"]


def test_setting_a_new_password_lifts_a_lockout(client, edith, mailbox):
    assert fail_until_locked(client).status_code == 429
    request_reset(client, "edith@example.org")
    text = mailbox.messages[0].get_content()
    link = re.search(r"http://testserver(/admin/password-reset/\S+/\S+/)", text).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-long-passphrase"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert sign_in(client, "edith", new_password).status_code == 302


def test_without_a_mail_server_configured_tests_use_django_s_outbox(client, edith):
    """The suite's default: Django's test outbox, so no test mails anyone by accident."""
    request_reset(client, "edith@example.org")
    assert [message.to for message in mail.outbox] == [["edith@example.org"]]
