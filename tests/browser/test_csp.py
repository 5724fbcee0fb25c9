"""The Content-Security-Policy in a real browser: every public page and the admin load in headless
Chromium with no violation reported and no console error, and the rich-text editor still works.

Violations are collected from `securitypolicyviolation` events (a listener installed before any
page script runs) and from the console, where Chromium also reports them.
"""

import base64
import hashlib

import pytest
from django.conf import settings
from django.core.management import call_command

from news.models import Article
from tests.browser.chromium import chromium
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
ARTICLE = "/news/2023/07/04/baotou-innovation-driven-demonstration-city/"
PUBLIC_PAGES = [
    "/", "/news/", "/news/?kind=announcement", ARTICLE, "/announcements/", "/programmes/",
    "/programmes/innovation-driven-demonstration-cities-2023-2025/", "/cities/",
    "/cities/baotou/", "/metrics/", "/metrics/experts-on-innovation-china-platform/",
    "/tags/innovation-driven/", "/search/?q=Baotou", "/zh-hans/", "/zh-hans/cities/baotou/",
    "/no-such-page/",
]  # fmt: skip
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} (${event.sample})`
  );
});
"""


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def site(settings, live_server, roles):
    settings.ROOT_URLCONF = "tests.browser.urls"  # serves the demo's hero images too
    call_command("load_demo")
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    return live_server.url


class Watched:
    """A tab whose CSP violations, console errors and script errors are collected."""

    def __init__(self, browser, site):
        self.site = site
        self.context = browser.new_context()
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))
        self.page.on("response", self._response)

    def _console(self, message):
        # A failed load is reported with its address by _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console.append(message.text)

    def _response(self, response):
        # Browsers ask for /favicon.ico on their own; the site has none.
        is_page = response.request.is_navigation_request()
        if response.status >= 400 and not is_page and not response.url.endswith("/favicon.ico"):
            self.console.append(f"{response.status} for {response.url}")

    def visit(self, path: str, status: int = 200):
        response = self.page.goto(f"{self.site}{path}")
        assert response.status == status, f"{path} answered {response.status}"
        self.page.wait_for_load_state("networkidle")

    def problems(self, where: str) -> list[str]:
        found = [f"{where}: {text}" for text in self.page.evaluate("window.__violations")]
        found += [f"{where}: console: {text}" for text in self.console]
        self.page.evaluate("window.__violations.length = 0")
        self.console.clear()
        return found

    def log_in(self, username: str):
        self.visit("/admin/login/?next=/admin/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#content-main")


def test_the_watch_sees_a_violation(browser, site):
    """The listener works: an inline style added to a page is refused and reported."""
    tab = Watched(browser, site)
    tab.visit("/")
    tab.page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'), "
        "{textContent: 'body { color: red }'}))"
    )
    tab.page.wait_for_function("window.__violations.length > 0")
    assert any("style-src" in problem for problem in tab.problems("/"))


def test_public_pages_load_with_no_violation(browser, site):
    tab = Watched(browser, site)
    problems = []
    for path in PUBLIC_PAGES:
        tab.visit(path, status=404 if path == "/no-such-page/" else 200)
        problems += tab.problems(path)
    assert not problems, "\n".join(problems)
    # The charts keep their look from the static stylesheet that replaced pygal's inline one.
    tab.visit("/cities/baotou/")
    title_size = tab.page.evaluate(
        "getComputedStyle(document.querySelector('svg.pygal-chart .title')).fontSize"
    )
    assert title_size == "16px"


def test_sign_in_pages_load_with_no_violation(browser, site):
    tab = Watched(browser, site)
    problems = []
    for path in ["/admin/login/", "/admin/password-reset/"]:
        tab.visit(path)
        problems += tab.problems(path)
    assert not problems, "\n".join(problems)


def test_admin_and_rich_text_editor_work_under_the_policy(browser, site):
    tab = Watched(browser, site)
    tab.log_in("boss")
    page = tab.page
    problems = tab.problems("sign-in")
    for path in ["/admin/", "/admin/news/article/", "/admin/news/city/",
                 "/admin/news/city/import/", "/admin/news/metricvalue/",
                 "/admin/preferences/", "/admin/section/register/"]:  # fmt: skip
        tab.visit(path)
        problems += tab.problems(path)

    tab.visit("/admin/news/article/add/")
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click()
    page.keyboard.type("Baotou certified 514 engineers. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("A record year.")
    page.keyboard.press("Control+b")
    # The editor's own stylesheet is the one the policy allows by hash.
    injected = page.evaluate("document.querySelector('style[data-tiptap-style]').textContent")
    digest = base64.b64encode(hashlib.sha256(injected.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.PROSE_EDITOR_STYLE_HASH, (
        f"the editor's stylesheet changed: set PROSE_EDITOR_STYLE_HASH = \"'sha256-{digest}'\""
    )
    # The city picker asks the server as the visitor types (connect-src).
    page.click("#id_cities + .select2")
    page.keyboard.type("Bao")
    page.click(".select2-results__option >> text=Baotou")
    page.fill("#id_title", "Baotou's record year")
    page.fill("#id_summary", "Baotou certified 514 engineers.")
    problems += tab.problems("/admin/news/article/add/")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    article = Article.objects.get(title="Baotou's record year")
    assert "<strong>A record year.</strong>" in article.body
    assert list(article.cities.values_list("slug", flat=True)) == ["baotou"]

    # The change page loads the editor again with the saved text; a second save makes a
    # revision to compare with the first.
    tab.visit(f"/admin/news/article/{article.pk}/change/")
    assert "A record year." in editor.inner_text()
    page.fill("#id_title", "Baotou's best year")
    problems += tab.problems("change page")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    tab.visit(f"/admin/news/article/{article.pk}/revisions/compare/?revision=1&revision=2")
    assert "none" in page.locator(".diff ins").first.evaluate(
        "element => getComputedStyle(element).textDecorationLine"
    )
    problems += tab.problems("revisions compared")
    assert not problems, "\n".join(problems)
