"""Two editors saving at the same moment on SQLite, the database `make run` uses.

A real file database (not the test suite's in-memory one), migrated and filled with the demo
content by `manage.py` in subprocesses, and two app servers (`runserver`, as in
tests/services.py) on it, like two people with the admin open on a laptop's site. The editors'
browsers fire their admin saves together, several times over: nobody may get a server error or
"database is locked". When the lock really cannot be had in time (a third connection holds it
longer than a tiny SQLITE_TIMEOUT), the form comes back with everything typed and a message.

The database is SQLite whatever DATABASE_URL the suite runs with, so these tests run on the
SQLite pass only.
"""

import html.parser
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests import services as running

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's locking, on a file database of its own: runs on the SQLite pass",
)

#: Rounds of simultaneous saves; before WAL and the busy timeout, every round failed.
ROUNDS = 5
EDITORS = [("admin", "cityinno-admin"), ("editor", "cityinno-editor")]
BUSY_MESSAGE = "The database was busy"
LOCKED_TEXT = "database is locked"
#: SQLITE_TIMEOUT for the server that meets a lock held by a third connection.
TINY_TIMEOUT_SECONDS = 0.5


def manage(*arguments: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=running.PROJECT_DIR,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A migrated SQLite file with the demo content, made once; each test works on a copy."""
    database = tmp_path_factory.mktemp("sqlite-demo") / "site.sqlite3"
    env = {**site_env(database), "MEDIA_ROOT": str(database.parent / "media")}
    manage("migrate", "--noinput", env=env)
    manage("ensure_admin", env=env)
    manage("load_demo", env=env)
    return database


def site_env(database) -> dict[str, str]:
    return {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": "",
    }


@pytest.fixture
def sqlite_site(demo_database, tmp_path):
    """The environment of a laptop's site on its own copy of the demo database."""
    database = tmp_path / "site.sqlite3"
    for suffix in ("", "-wal"):
        if Path(f"{demo_database}{suffix}").exists():
            shutil.copyfile(f"{demo_database}{suffix}", f"{database}{suffix}")
    return {**site_env(database), "MEDIA_ROOT": str(demo_database.parent / "media")}, database


def editable_articles(database, count: int) -> list[int]:
    with sqlite3.connect(database) as reader:
        rows = reader.execute(
            "SELECT id FROM news_article WHERE status IN ('draft', 'in_review', 'published') "
            "ORDER BY id LIMIT ?",
            (count,),
        ).fetchall()
    return [row[0] for row in rows]


class FormFields(html.parser.HTMLParser):
    """What a browser would send for the form with `form_id`: every named control's value."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or not attributes.get("name") and tag != "option":
            return
        name = attributes.get("name")
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = name, []
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_on(page, form_id: str) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(page.body)
    return dict(parser.fields)


def change_form(browser, url: str, form_id: str = "article_form") -> dict[str, str]:
    """A change form as its page shows it, ready to send back with the Save button."""
    page = browser.get(url)
    assert page.status == 200, page.body[:500]
    fields = form_on(page, form_id)
    assert fields, f"the change page should show #{form_id}"
    fields["csrfmiddlewaretoken"] = browser.cookie("csrftoken")
    if form_id == "article_form":
        fields.setdefault("change_kind", "minor")
    fields["_save"] = "Save"
    return fields


def save_together(saves) -> list:
    """Send every (browser, url, data) save at the same moment; their responses, in order."""
    start = threading.Barrier(len(saves))
    responses = [None] * len(saves)

    def send(number, browser, url, data):
        start.wait()
        responses[number] = browser.post(url, data, headers={"Referer": url})

    threads = [
        threading.Thread(target=send, args=(number, *save)) for number, save in enumerate(saves)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=running.REQUEST_TIMEOUT * 2)
    return responses


def assert_no_server_error(response):
    assert response is not None, "the save got no answer"
    assert response.status < 500, response.body[:3000]
    assert LOCKED_TEXT not in response.body


def editors_on(servers) -> list:
    browsers = []
    for (username, password), server in zip(EDITORS, servers, strict=False):
        browser = running.Browser()
        browser.log_in_to_admin(server.url, username=username, password=password)
        browsers.append(browser)
    return browsers


@pytest.fixture
def two_servers(sqlite_site, tmp_path):
    env, database = sqlite_site
    with running.app_servers(2, env=env, log_dir=tmp_path) as servers:
        yield servers, database


def test_two_editors_saving_different_articles_at_once_both_succeed(two_servers):
    servers, database = two_servers
    editors = editors_on(servers)
    articles = editable_articles(database, 2)
    for round_number in range(ROUNDS):
        saves = []
        for editor, server, article in zip(editors, servers, articles, strict=True):
            url = f"{server.url}/admin/news/article/{article}/change/"
            data = change_form(editor, url)
            data["title"] = f"Round {round_number}: article {article} saved"
            data["body"] = f"<p>Typed in round {round_number} for article {article}.</p>"
            saves.append((editor, url, data))
        for response in save_together(saves):
            assert_no_server_error(response)
            assert "was changed successfully" in response.body, response.body[:3000]
    with sqlite3.connect(database) as reader:
        titles = dict(reader.execute("SELECT id, title FROM news_article").fetchall())
    for article in articles:
        assert titles[article] == f"Round {ROUNDS - 1}: article {article} saved"


def test_two_editors_saving_one_article_at_once_one_wins_and_the_other_keeps_their_text(
    two_servers,
):
    servers, database = two_servers
    editors = editors_on(servers)
    [article] = editable_articles(database, 1)
    for round_number in range(ROUNDS):
        saves, typed = [], []
        for number, (editor, server) in enumerate(zip(editors, servers, strict=True)):
            url = f"{server.url}/admin/news/article/{article}/change/"
            data = change_form(editor, url)
            data["title"] = f"Round {round_number}: editor {number}'s title"
            typed.append(data["title"])
            saves.append((editor, url, data))
        responses = save_together(saves)
        for response in responses:
            assert_no_server_error(response)
        saved = ["was changed successfully" in response.body for response in responses]
        assert saved.count(True) == 1, [response.body[:2000] for response in responses]
        loser = responses[saved.index(False)]
        # The one who saved second sees the edit conflict, with what they typed still there.
        assert "errornote" in loser.body or "errorlist" in loser.body, loser.body[:3000]
        assert typed[saved.index(False)] in loser.body.replace("&#x27;", "'")


@pytest.fixture
def impatient_server(sqlite_site, tmp_path):
    """One app server that waits only TINY_TIMEOUT_SECONDS for SQLite's write lock."""
    env, database = sqlite_site
    env = {**env, "SQLITE_TIMEOUT": str(TINY_TIMEOUT_SECONDS)}
    with running.app_servers(1, env=env, log_dir=tmp_path) as [server]:
        yield server, database


#: Admin screens whose save may meet a held lock: (table, form id, typed field: text).
SCREENS = {
    "article": ("news_article", "article_form", {
        "title": "A headline typed while the database was busy",
        "body": "<p>Two paragraphs of careful work that must not be lost.</p>",
    }),
    "city": ("news_city", "city_form", {
        "summary": "A city summary typed while the database was busy, not to be lost.",
    }),
}  # fmt: skip


def stored(database, table: str, row: int, column: str):
    with sqlite3.connect(database) as reader:
        [(value,)] = reader.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row,))
    return value


@pytest.mark.parametrize("screen", SCREENS)
def test_a_save_that_cannot_get_the_lock_comes_back_with_the_text_kept(impatient_server, screen):
    server, database = impatient_server
    table, form_id, typed = SCREENS[screen]
    [editor] = editors_on([server])
    row = 1
    url = f"{server.url}/admin/news/{screen}/{row}/change/"
    data = {**change_form(editor, url, form_id), **typed}

    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
        started = time.monotonic()
        response = editor.post(url, data, headers={"Referer": url})
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()

    assert_no_server_error(response)
    assert response.status == 200
    assert waited >= TINY_TIMEOUT_SECONDS, "the save should have waited for the lock first"
    assert BUSY_MESSAGE in response.body, response.body[:3000]
    assert "press Save again" in response.body
    kept = form_on(response, form_id)
    for field, text in typed.items():
        assert kept[field] == text, field
        assert stored(database, table, row, field) != text, "nothing should have been saved"

    # Pressing Save again, now that the lock is free, saves exactly what was typed.
    again = {**kept, "csrfmiddlewaretoken": editor.cookie("csrftoken"), "_save": "Save"}
    retry = editor.post(url, again, headers={"Referer": url})
    assert_no_server_error(retry)
    assert "was changed successfully" in retry.body, retry.body[:3000]
    for field, text in typed.items():
        assert stored(database, table, row, field) == text, field
