"""Every public page, in English and Chinese, passes axe-core's checks in a real browser.

axe-core's script ships inside the axe-playwright-python package, so nothing is downloaded: it
is injected into each page that headless Chromium has loaded from the live server and run with
its default rule set (WCAG A and AA, plus best practices), on a desktop screen and on a 320 px
wide phone, where WCAG's reflow rule also says the page must not scroll sideways.
"""

import pytest
from django.core.management import call_command

from tests.browser.chromium import chromium, unavailable

pytestmark = pytest.mark.browser

ARTICLE = "/news/2023/07/04/baotou-innovation-driven-demonstration-city/"
#: Each public page with the status it must answer (a bad filter shows the form with its
#: errors), so a broken address cannot stand in for the page it names.
PAGES = [
    ("/", 200), ("/news/", 200), ("/news/?kind=announcement", 200), ("/news/?year=abc", 400),
    (ARTICLE, 200), ("/announcements/", 200), ("/programmes/", 200),
    ("/programmes/innovation-driven-demonstration-cities-2023-2025/", 200),
    ("/cities/", 200), ("/cities/baotou/", 200), ("/metrics/", 200),
    ("/metrics/experts-on-innovation-china-platform/", 200), ("/tags/innovation-driven/", 200),
    ("/search/?q=Baotou", 200), ("/no-such-page/", 404),
]  # fmt: skip
PAGES_IN_BOTH_LANGUAGES = PAGES + [(f"/zh-hans{path}", status) for path, status in PAGES]
#: A desktop, then WCAG 1.4.10's reflow width: wide tables may scroll in their own region there.
SCREENS = [{"width": 1280, "height": 800}, {"width": 320, "height": 640}]
PHONE_WIDTH = 320


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


@pytest.fixture(scope="module")
def page():
    """One browser tab for the whole module: starting Chromium once keeps the audit fast."""
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


@pytest.fixture
def demo_site(settings, live_server, transactional_db):
    settings.ROOT_URLCONF = "tests.browser.urls"  # serves the demo's hero images too
    call_command("load_demo")
    return live_server.url


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"


def test_every_public_page_has_no_axe_violations(page, axe, demo_site):
    problems = []
    for screen in SCREENS:
        page.set_viewport_size(screen)
        for path, status in PAGES_IN_BOTH_LANGUAGES:
            where = f"{path} at {screen['width']} px"
            response = page.goto(f"{demo_site}{path}")
            assert response.status == status, f"{path} answered {response.status}"
            results = axe.run(page).response
            assert results["passes"], f"axe ran no passing check on {where}: did it run at all?"
            problems += [f"{where}\n    {describe(found)}" for found in results["violations"]]
            if screen["width"] == PHONE_WIDTH:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE_WIDTH:
                    problems.append(f"{where}\n    reflow: the page is {width} px wide")
    assert not problems, "Accessibility problems:\n" + "\n".join(problems)


def test_axe_reports_an_image_without_alt_text(page, axe):
    """The audit can fail: a deliberately bad page gives a violation."""
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<h1>Bad</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</main></body></html>"
    )
    violations = axe.run(page).response["violations"]
    assert "image-alt" in {violation["id"] for violation in violations}
