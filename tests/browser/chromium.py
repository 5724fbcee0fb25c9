"""Start Debian's headless Chromium through Playwright for the browser tests (no download)."""

import os
import shutil
from contextlib import contextmanager

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def unavailable(reason: str):
    """Skip on a laptop without a browser; fail in CI, where the browser tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)")
    pytest.skip(reason)


@contextmanager
def chromium():
    """Yield a launched browser; close it and the connections opened while it ran.

    Playwright's sync API runs an event loop in this thread, which makes Django's ORM think it
    is in async code; the ORM calls made meanwhile are ordinary blocking ones, so async-unsafe
    calls are allowed only while the browser is up, and subprocesses started by other tests
    (like the deploy check) never inherit that.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
            # ORM calls made while Playwright's loop was active got their own connection
            # objects; close them here, in that same context, so the test database can be
            # dropped at the end of the run.
            connections.close_all()
