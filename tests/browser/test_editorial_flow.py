"""The newsroom in a real browser: a writer writes and submits, an editor publishes, a visitor
reads. Drives Debian's headless Chromium through Playwright (no browser download)."""

import pytest

from news.models import Article
from tests.browser.chromium import chromium
from tests.factories import UserFactory
from tests.helpers import library_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def site(settings, live_server, roles):
    settings.ROOT_URLCONF = "tests.browser.urls"
    for username, role in [("wendy", "Writer"), ("edith", "Editor")]:
        user = UserFactory(username=username, is_staff=True)
        user.groups.add(roles[role])
    return live_server.url


def log_in(browser, site, username):
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")
    return page


def test_writer_writes_editor_publishes_visitor_reads(browser, site, tmp_path):
    # The writer writes with the rich-text editor, picks a hero from the library and submits.
    library_image(title="Baotou skyline", alt_text="The Baotou skyline under a blue sky")
    page = log_in(browser, site, "wendy")
    page.goto(f"{site}/admin/news/article/add/")
    page.fill("#id_title", "Baotou named a demonstration city")
    page.fill("#id_summary", "Baotou is one of 39 regions approved for 2023–2025.")
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click()
    page.keyboard.type("Baotou brought 2,333 experts onto the platform. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("It certified 514 engineers.")
    page.keyboard.press("Control+b")
    page.select_option("#id_hero", label="Baotou skyline (1700 × 900)")
    page.click("input[name=_continue]")
    page.wait_for_selector("a.workflow-submit")
    article = Article.objects.get(title="Baotou named a demonstration city")
    assert "<strong>It certified 514 engineers.</strong>" in article.body
    assert article.hero.title == "Baotou skyline"
    page.click("a.workflow-submit")  # opens the step's dialog on the edit page
    page.click("dialog[open] input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    # The editor publishes it.
    page = log_in(browser, site, "edith")
    page.goto(f"{site}/admin/news/article/{article.pk}/change/")
    page.click("a.workflow-publish")  # opens the step's dialog on the edit page
    page.click("dialog[open] input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    assert Article.objects.public().filter(pk=article.pk).exists()

    # A visitor finds it in the news list and reads it, image and all.
    page = browser.new_context().new_page()
    page.goto(f"{site}/news/")
    page.click("text=Baotou named a demonstration city")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Baotou named a demonstration city"
    assert page.inner_text(".body strong") == "It certified 514 engineers."
    hero = page.locator("figure.hero img")
    assert hero.get_attribute("alt") == "The Baotou skyline under a blue sky"
    hero.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure.hero img').complete")
    assert hero.evaluate("img => img.naturalWidth") > 0
