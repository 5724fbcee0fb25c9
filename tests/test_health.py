"""Health checks for a load balancer: /healthz (alive) and /readyz (database, cache, migrations).

Both answer JSON, never stored, whatever Host header arrives (a load balancer often asks by the
instance's IP address) and over plain HTTP; no other address is opened to a bad host. The
outage side (readiness failing while the database is down) is in tests/test_outage.py.
"""

import json
import logging

import pytest
from django.db.migrations.recorder import MigrationRecorder

from tests import services as running

#: What a load balancer sends: the instance's private address, not the site's name.
INSTANCE_HOST = "10.0.0.7"


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True


def body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_healthz_answers_without_database_cache_or_template(client, production_hosts):
    # No `db` fixture: pytest-django fails any database access.
    response = client.get("/healthz", HTTP_HOST=INSTANCE_HOST)
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.has_header("ETag")


def test_readyz_reports_each_check(client, db, production_hosts):
    response = client.get("/readyz", HTTP_HOST=INSTANCE_HOST)
    assert response.status_code == 200, response.content
    assert body(response) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_any_host_over_plain_http(client, db, production_hosts, path):
    for host in (INSTANCE_HOST, "news.example.org", "anything.invalid", "[::1]:8000"):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200, (host, response.content)
    assert client.head(path, HTTP_HOST=INSTANCE_HOST).status_code == 200


@pytest.mark.parametrize(
    "path", ["/news/", "/healthz/", "/healthzx", "/zh-hans/healthz", "/readyz/extra", "/"]
)
def test_other_addresses_still_refuse_a_host_that_is_not_allowed(client, db, settings, path):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    response = client.get(path, HTTP_HOST=INSTANCE_HOST)
    assert response.status_code == 400


def test_health_checks_take_only_get_and_head(client, db):
    for path in ("/healthz", "/readyz"):
        response = client.post(path, HTTP_HOST=INSTANCE_HOST)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"


def test_readyz_fails_while_a_migration_is_not_applied(client, db, caplog):
    """A new release's instance is not ready before `migrate` has run."""
    latest = MigrationRecorder.Migration.objects.filter(app="news").order_by("-id").first()
    latest.delete()  # as if the database were one migration behind the code

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/readyz", HTTP_HOST=INSTANCE_HOST)
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.getMessage() == f"Not ready: 1 migration(s) not applied: news.{latest.name}"
    assert response.status_code == 503
    assert body(response) == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "migrations": "1 unapplied"},
    }
    assert response["Cache-Control"] == "no-store"


def test_readyz_fails_while_the_shared_cache_is_unreachable(client, db, settings):
    # A Redis address where nothing listens: the shared cache is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{running.HOST}:{running.free_port()}/0",
        }
    }
    response = client.get("/readyz", HTTP_HOST=INSTANCE_HOST)
    assert response.status_code == 503
    assert body(response)["checks"] == {"database": "ok", "cache": "failed", "migrations": "ok"}
    # The answer names what failed, never the driver's message (hosts, ports, users).
    assert str(settings.CACHES["default"]["LOCATION"]).encode() not in response.content


#: What one readiness check costs the database: `SELECT 1`, then whether the migrations table
#: exists and which migrations it lists. A load balancer asks every few seconds, per instance.
READYZ_QUERIES = 3


def test_readyz_costs_a_fixed_few_queries(client, db, django_assert_num_queries):
    with django_assert_num_queries(READYZ_QUERIES):
        assert client.get("/readyz").status_code == 200
