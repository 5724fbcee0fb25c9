"""Two app servers, one Redis, one PostgreSQL: a change made through one server is seen by
readers of the other at once, with no stale cached count, filter list or ETag.

Each server is a real process (`manage.py runserver`, see below) pointed at the pytest test
database and at a throwaway Redis; rows written here are committed (`transactional_db`) so the
servers see them. Needs PostgreSQL (SQLite's test database lives in this process's memory) and
`redis-server`, which CI installs (.ci/run).

Why runserver with DEBUG=true rather than gunicorn: with DEBUG off the session and CSRF cookies
are `Secure`, so a plain-HTTP client on 127.0.0.1 would never send them back and the admin login
could not work, and the manifest static storage would need `collectstatic` first. Nothing this
test checks (the HTTP cache middleware, the shared cache, the admin's services) depends on DEBUG.
"""

import re

import pytest
import redis
from django.conf import global_settings
from django.db import connection

from news.models import Article
from tests import services as running
from tests.factories import ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the app servers are other processes, and SQLite's test "
        "database is in this process's memory (runs in CI's PostgreSQL pass)",
    ),
]

NEWS_PAGE_SIZE = 20
#: Two full pages of public articles before the new one: "Page 1 of 2", then "Page 1 of 3".
PUBLIC_ARTICLES = 2 * NEWS_PAGE_SIZE
NEW_TITLE = "Hohhot opens a hydrogen innovation centre"
ADMIN_USERNAME, ADMIN_PASSWORD = "shared-cache-boss", "correct-horse-battery"
#: Cached fragments (news/caching.py `cached`) are stored as "<prefix>:<version>:<name>:<token>:…".
FRAGMENT_KEY = re.compile(r"^[^:]+:\d+:(?P<name>[^:]+):(?P<token>[^:]+):")
PAGES_SHOWN = re.compile(r"Page 1 of (\d+)")


@pytest.fixture
def redis_url(tmp_path):
    with running.redis_server(tmp_path) as url:
        yield url


@pytest.fixture
def two_app_servers(transactional_db, redis_url, tmp_path):
    env = {
        "DEBUG": "true",
        "DATABASE_URL": running.database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        # No connection is kept between requests, so the test database can be flushed and
        # dropped as soon as the servers stop.
        "CONN_MAX_AGE": "0",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    with running.app_servers(2, env=env, log_dir=tmp_path) as servers:
        yield servers


def all_keys(redis_url: str) -> set[str]:
    client = redis.Redis.from_url(redis_url)
    try:
        return {key.decode() for key in client.keys("*")}
    finally:
        client.close()


def fragment_keys(redis_url: str) -> list[tuple[str, str]]:
    """(name, generation token) of every cached fragment in Redis."""
    keys = all_keys(redis_url)
    return [(match["name"], match["token"]) for key in keys if (match := FRAGMENT_KEY.match(key))]


#: The host name readers use: behind a load balancer every app server sees the same one (and
#: cached fragments with absolute addresses are kept per host).
PUBLIC_HOST = "127.0.0.1"


def news_list(reader, server, etag: str | None = None):
    """/news/ from one server, as a load balancer passes it on, revalidating `etag` if given."""
    headers = {"Host": PUBLIC_HOST, **({"If-None-Match": etag} if etag else {})}
    return reader.get(f"{server.url}/news/", headers)


def pages_shown(html: str) -> int:
    match = PAGES_SHOWN.search(html)
    assert match, "the news list should show its pagination"
    return int(match[1])


def test_publishing_through_one_server_is_seen_at_once_through_the_other(
    two_app_servers, redis_url, settings
):
    server_a, server_b = two_app_servers
    # The servers check passwords with Django's own hashers, not the tests' fast MD5.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    UserFactory(username=ADMIN_USERNAME, password=ADMIN_PASSWORD, is_staff=True, is_superuser=True)
    for number in range(PUBLIC_ARTICLES):
        ArticleFactory(title=f"Archive story {number}")
    draft = ArticleFactory(title=NEW_TITLE, status=Article.Status.DRAFT, published_at=None)
    reader = running.Browser()

    # A reader of server A: the page is built and its count and filter lists go to Redis.
    first = news_list(reader, server_a)
    assert first.status == 200
    assert "public" in first.header("Cache-Control")
    assert NEW_TITLE not in first.body
    assert pages_shown(first.body) == 2
    cached = fragment_keys(redis_url)
    names = {name for name, _token in cached}
    assert "count" in names, cached
    assert {"choices-city", "choices-programme", "choices-tag"} <= names, cached
    first_tokens = {token for _name, token in cached}
    assert len(first_tokens) == 1
    assert news_list(reader, server_a, first.header("ETag")).status == 304

    # An editor publishes the draft through server B's admin.
    editor = running.Browser()
    editor.log_in_to_admin(server_b.url, username=ADMIN_USERNAME, password=ADMIN_PASSWORD)
    publish_url = f"{server_b.url}/admin/news/article/{draft.pk}/workflow/publish/"
    confirmation = editor.get(publish_url)
    assert confirmation.status == 200 and "Publish" in confirmation.body
    done = editor.post(
        publish_url,
        {"csrfmiddlewaretoken": editor.cookie("csrftoken"), "_confirm": "Publish"},
        {"Referer": publish_url},
    )
    assert done.status == 200
    assert "done" in done.body, done.body[:2000]
    draft.refresh_from_db()
    assert draft.is_public

    # Server A's reader sees it at once: new ETag, the article, the count that includes it.
    second = news_list(reader, server_a)
    assert second.status == 200
    assert second.header("ETag") != first.header("ETag")
    assert NEW_TITLE in second.body
    assert pages_shown(second.body) == 3
    second_tokens = {token for _name, token in fragment_keys(redis_url)} - first_tokens
    assert len(second_tokens) == 1, "the count should be cached again under the new generation"

    stale = news_list(reader, server_a, first.header("ETag"))
    assert stale.status == 200
    assert NEW_TITLE in stale.body
    # Server B builds the same page from what server A cached: Redis gains no key.
    keys_before = all_keys(redis_url)
    from_b = news_list(reader, server_b)
    assert from_b.status == 200
    assert NEW_TITLE in from_b.body and pages_shown(from_b.body) == 3
    assert from_b.header("ETag") == second.header("ETag")
    assert all_keys(redis_url) == keys_before

    # Both servers agree on the new validator.
    for server in (server_a, server_b):
        assert news_list(reader, server, second.header("ETag")).status == 304, server.url
