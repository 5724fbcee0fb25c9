"""The live server for browser tests speaks plain HTTP on localhost."""

import pytest
from django.test import override_settings


@pytest.fixture(scope="session")
def _plain_http():
    # SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the live server builds its
    # handler, so it must be off before the (session-wide) server starts.
    with override_settings(
        SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False
    ):
        yield


@pytest.fixture(scope="session")
def live_server(_plain_http, live_server):
    return live_server
