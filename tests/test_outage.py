"""While the database is unreachable, every page answers a 503 with Retry-After, in the
visitor's language and without a traceback; when it returns, the site recovers by itself.

Two ways to take the database away:

- in this process, the default connection is replaced by one to a database that cannot be
  reached (a port where nothing listens, or a SQLite file in a folder that does not exist), so
  the real driver fails as it does in an outage: on both databases, through the test client;
- on the PostgreSQL pass, production's own app server (gunicorn with gunicorn.conf.py, two
  workers, DEBUG off) reaches the test database through a TCP relay (tests/services.py) that is
  cut and restored while a reader keeps asking for pages.
"""

import json
import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager

import html5lib
import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client

from news.views.errors import server_error
from tests import services as running
from tests.factories import ArticleFactory

RETRY_AFTER = "30"
ENGLISH_HEADING = "Briefly unavailable"
CHINESE_HEADING = "暂时无法访问"
#: What must never reach a visitor: a traceback, or the driver's own words.
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "psycopg", "sqlite3", "5432")


@pytest.fixture
def visitor():
    """A test client that shows what a visitor gets rather than re-raising the server's error."""
    return Client(raise_request_exception=False)


@contextmanager
def unreachable_database(folder):
    """Replace the default database by one that cannot be reached, until the block ends: a
    port where nothing listens, or a SQLite file in a folder that does not exist. Every query
    then fails in the real driver, as it does in an outage."""
    original = connections["default"]
    unreachable = {**original.settings_dict}
    if original.vendor == "sqlite":
        unreachable["NAME"] = str(folder / "no-such-folder" / "db.sqlite3")
    else:
        unreachable["HOST"], unreachable["PORT"] = running.HOST, str(running.free_port())
    broken = load_backend(unreachable["ENGINE"]).DatabaseWrapper(unreachable, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


@pytest.fixture
def database_down(db, tmp_path):
    with unreachable_database(tmp_path):
        yield


def assert_outage_page(response, *, chinese: bool = False):
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == RETRY_AFTER
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert (CHINESE_HEADING if chinese else ENGLISH_HEADING) in page
    assert (ENGLISH_HEADING if chinese else CHINESE_HEADING) not in page
    assert f'<html lang="{"zh-hans" if chinese else "en"}">' in page
    for leak in LEAKS:
        assert leak not in page


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/news/",
        "/news/?kind=news",
        "/cities/",
        "/programmes/",
        "/announcements/",
        "/search/?q=baotou",
        "/news/feed/",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_english_pages_answer_the_outage_page(visitor, database_down, path):
    assert_outage_page(visitor.get(path))


@pytest.mark.parametrize("path", ["/zh-hans/", "/zh-hans/news/", "/zh-hans/cities/"])
def test_chinese_pages_answer_the_outage_page_in_chinese(visitor, database_down, path):
    assert_outage_page(visitor.get(path), chinese=True)


def test_the_outage_page_is_valid_html(visitor, database_down):
    document = html5lib.HTMLParser(strict=True).parse(visitor.get("/zh-hans/news/").content)
    namespace = "{http://www.w3.org/1999/xhtml}"
    assert document.get("lang") == "zh-hans"
    assert len(document.findall(f".//{namespace}main")) == 1
    assert len(document.findall(f".//{namespace}h1")) == 1
    # Its links lead to the home page in the same language.
    assert {link.get("href") for link in document.iter(f"{namespace}a")} == {"/zh-hans/"}


def test_an_article_page_answers_the_outage_page_even_when_cached(visitor, db, tmp_path):
    """Its fragments are cached, but the generation row is read first: a 503, not a half page."""
    article = ArticleFactory(title="Baotou opens an innovation hall")
    assert visitor.get(article.get_absolute_url()).status_code == 200
    with unreachable_database(tmp_path):
        assert_outage_page(visitor.get(article.get_absolute_url()))
    # The database is back: so is the page, with no restart.
    response = visitor.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Baotou opens an innovation hall" in response.content.decode()


def test_the_admin_answers_503_for_a_signed_in_editor(admin_client, tmp_path):
    admin_client.raise_request_exception = False
    assert admin_client.get("/admin/news/article/").status_code == 200
    with unreachable_database(tmp_path):
        for path in ("/admin/", "/admin/news/article/", "/admin/news/article/add/"):
            assert_outage_page(admin_client.get(path))


def test_health_checks_during_the_outage(visitor, database_down):
    assert visitor.get("/healthz").status_code == 200
    response = visitor.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "failed", "cache": "ok", "migrations": "not checked"},
    }


def test_the_outage_is_logged_in_one_line_without_a_traceback(visitor, database_down, caplog):
    with caplog.at_level(logging.WARNING):
        visitor.get("/news/")
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1, [record.getMessage() for record in records]
    [record] = records
    assert record.getMessage().startswith("Database unavailable, answered 503: GET /news/")
    assert record.exc_info is None
    assert "\n" not in record.getMessage()


def test_any_other_server_error_is_still_the_500_page(rf):
    """Only the database being unavailable is a 503; a bug stays a 500 (as Django calls the
    handler: while the exception is being handled)."""
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/news/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert not response.has_header("Retry-After")


# --- production's app server, with the database cut away under it ------------------------------

#: How long after the database returns every page must answer 200 again, with no restart.
RECOVERY_SECONDS = 5.0
#: How long the outage lasts while pages are asked for.
OUTAGE_SECONDS = 2.0


@pytest.fixture
def production_server(transactional_db, tmp_path):
    """gunicorn (gunicorn.conf.py, 2 workers, DEBUG off, persistent connections) reaching the
    test database through a TCP relay; rows made here are committed, so it sees them."""
    env = {
        "DEBUG": "false",
        "SECRET_KEY": f"outage-test-{secrets.token_urlsafe(40)}",
        "ALLOWED_HOSTS": running.HOST,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "CONN_MAX_AGE": "60",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=running.PROJECT_DIR,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=120,
    )
    database = connection.settings_dict
    target = (database.get("HOST") or "localhost", int(database.get("PORT") or 5432))
    with running.tcp_relay(*target) as relay:
        env["DATABASE_URL"] = running.database_url(
            {**database, "HOST": running.HOST, "PORT": relay.port}
        )
        with running.gunicorn_server(env=env, log_dir=tmp_path, workers=2) as server:
            yield server, relay


class Reader(threading.Thread):
    """A visitor asking for `paths` in a loop the whole time, noting every status."""

    def __init__(self, base_url: str, paths: list[str]):
        super().__init__(name="outage-reader", daemon=True)
        self.base_url, self.paths = base_url, paths
        self.statuses: Counter = Counter()
        self.leaks: list[str] = []
        self.done = threading.Event()

    def run(self):
        browser = running.Browser()
        while not self.done.is_set():
            for path in self.paths:
                response = browser.get(self.base_url + path)
                self.statuses[response.status] += 1
                if response.status != 200 and any(leak in response.body for leak in LEAKS):
                    self.leaks.append(f"{path}: {response.body[:300]}")
                time.sleep(0.01)

    def stop(self) -> Counter:
        self.done.set()
        self.join(timeout=running.REQUEST_TIMEOUT)
        return self.statuses


def assert_served_outage_page(response, *, chinese: bool = False):
    assert response.status == 503, response.body[:500]
    assert response.header("Retry-After") == RETRY_AFTER
    assert response.header("Cache-Control") == "no-store"
    assert (CHINESE_HEADING if chinese else ENGLISH_HEADING) in response.body
    for leak in LEAKS:
        assert leak not in response.body


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a TCP relay stands between the app server and PostgreSQL (CI's PostgreSQL pass)",
)
def test_cutting_the_database_away_gives_503s_and_the_site_recovers_by_itself(production_server):
    server, relay = production_server
    article = ArticleFactory(title="Baotou opens an innovation hall")
    pages = {"/": False, "/news/": False, article.get_absolute_url(): False, "/zh-hans/news/": True}
    browser = running.Browser()

    def get(path):
        return browser.get(server.url + path)

    def all_pages_answer_200() -> bool:
        return all(get(path).status == 200 for path in pages)

    for _ in range(3):
        assert all_pages_answer_200()
        assert get("/readyz").status == 200 and get("/healthz").status == 200
    login = get("/admin/login/")
    assert login.status == 200
    csrf_token = browser.cookie("csrftoken")

    # A blip between requests: each worker's kept connection is now dead. The health check
    # on its next use replaces it, so no reader sees anything.
    relay.cut()
    relay.restore()
    assert all_pages_answer_200()
    assert all_pages_answer_200()

    reader = Reader(server.url, [*pages, "/healthz"])
    reader.start()
    time.sleep(0.3)
    relay.cut()
    cut_until = time.monotonic() + OUTAGE_SECONDS
    rounds = 0
    while time.monotonic() < cut_until:
        rounds += 1
        for path, chinese in pages.items():
            assert_served_outage_page(get(path), chinese=chinese)
        ready = get("/readyz")
        assert ready.status == 503
        assert json.loads(ready.body)["checks"]["database"] == "failed"
        assert get("/healthz").status == 200
    # The admin too: signing in needs the database.
    signing_in = browser.post(
        f"{server.url}/admin/login/",
        {"username": "boss", "password": "x", "csrfmiddlewaretoken": csrf_token},
        {"Cookie": f"csrftoken={csrf_token}"},
    )
    assert_served_outage_page(signing_in)

    relay.restore()
    restored_at = time.monotonic()
    while not all_pages_answer_200():
        assert time.monotonic() - restored_at < RECOVERY_SECONDS, "the site did not recover"
        time.sleep(0.1)
    recovered_in = time.monotonic() - restored_at
    for _ in range(3):
        assert all_pages_answer_200()
    assert get("/readyz").status == 200
    statuses = reader.stop()

    print(f"outage: {rounds} rounds of 503s; recovered in {recovered_in:.2f} s; {dict(statuses)}")
    assert set(statuses) <= {200, 503}, statuses  # never a 500, before, during or after
    assert statuses[503] > 0 and statuses[200] > 0
    assert not reader.leaks
    assert "Traceback" not in server.log.read_text(errors="replace")
