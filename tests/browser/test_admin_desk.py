"""The newsroom's admin in a real browser: each role's start page and the article form, in
English and Chinese, on a 1280 px desktop and a 390 px phone. axe-core finds no violation, the
Content-Security-Policy reports none, no page scrolls sideways, and a screenshot of every start
page is saved (under pytest's temporary folder, `desk-screens/`) for people to look at.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from news import services
from news.demo_content import DEMO_USERS
from news.models import Article, StaffProfile
from tests.browser.chromium import chromium, unavailable
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ["en", "zh-hans"]
#: On a desktop the sidebar, its toggle and the page's margins take at most this much width.
SIDEBAR_AND_MARGINS = 300
PASSWORDS = {username: password for username, _role, password in DEMO_USERS}
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber} (${event.sample})`);
});
"""


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def newsroom_at_work() -> dict:
    """The demo site with a morning's work on it, done through the services as people do it:
    the writer's drafts (one returned with a note), articles in review, one scheduled, one
    published today and one withdrawn."""
    call_command("load_demo")
    users = {user.username: user for user in get_user_model().objects.all()}
    writer, editor = users["writer"], users["editor"]

    def draft(title, **fields):
        return ArticleFactory(
            title=title, status=Article.Status.DRAFT, published_at=None, author=writer, **fields
        )

    draft("Hohhot opens a science popularisation base")
    draft("包头市举办青年工程师创新大赛")
    returned = draft("Ordos hydrogen pilot: first results")
    services.submit_for_review(article=returned, by=writer)
    services.return_to_draft(
        article=returned,
        by=editor,
        reason="Please add the source of the 2023 figures and a photo credit.",
    )
    for title in ["Baotou certifies 514 engineers and managers", "呼和浩特科技馆新展开幕"]:
        services.submit_for_review(article=draft(title), by=writer)
    scheduled = draft("Xi'an announces its 2025 innovation programme")
    services.publish_article(
        article=scheduled, by=editor, when=timezone.now() + timedelta(days=1, hours=3)
    )
    services.publish_article(article=draft("Wuhu joins the demonstration list"), by=editor)
    live = draft("Shenzhen figures corrected")
    services.publish_article(article=live, by=editor)
    services.withdraw_article(
        article=live, by=editor, reason="The figures came from a draft report."
    )
    return {"writer_draft": returned.pk, "in_review": Article.objects.filter(
        status=Article.Status.IN_REVIEW, author=writer).order_by("pk").first().pk}  # fmt: skip


@pytest.fixture
def site(settings, live_server, roles):
    settings.ROOT_URLCONF = "tests.browser.urls"
    articles = newsroom_at_work()
    return live_server.url, articles


def signed_in(browser, base_url, username, screen, **options):
    context = browser.new_context(viewport=SCREENS[screen], locale="en-GB", **options)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")
    return page


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"


def audit(page, axe, where: str, screen: str) -> list[str]:
    """The page's CSP violations (read first: axe's own checks may add styles), axe-core's
    findings, and sideways scrolling."""
    page.wait_for_load_state("networkidle")
    problems = [f"{where}\n    CSP: {text}" for text in page.evaluate("window.__violations")]
    results = axe.run(page).response
    assert results["passes"], f"axe ran no passing check on {where}"
    problems += [f"{where}\n    {describe(found)}" for found in results["violations"]]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > SCREENS[screen]["width"]:
        problems.append(f"{where}\n    reflow: the page is {width} px wide")
    # Nothing squeezes the page's content: beside the sidebar on a desktop, all of a phone.
    content = page.evaluate("document.querySelector('#content').getBoundingClientRect().width")
    if content < SCREENS[screen]["width"] - (SIDEBAR_AND_MARGINS if screen == "desktop" else 0):
        problems.append(f"{where}\n    layout: the content is only {content:.0f} px wide")
    return problems


def choose_language(username: str, language: str) -> None:
    user = get_user_model().objects.get(username=username)
    profile = StaffProfile.objects.for_user(user)
    services.update_preferences(
        user=user, language=language, email_notifications=profile.email_notifications
    )


@pytest.mark.parametrize("screen", list(SCREENS))
def test_each_roles_start_page_and_the_article_form_pass_axe(
    browser, site, axe, screen, tmp_path_factory
):
    base_url, articles = site
    folder = tmp_path_factory.getbasetemp() / "desk-screens"
    folder.mkdir(exist_ok=True)
    article_pages = {
        "writer": f"/admin/news/article/{articles['writer_draft']}/change/",
        "editor": f"/admin/news/article/{articles['in_review']}/change/",
    }
    problems = []
    for username in ["writer", "editor", "records"]:
        page = signed_in(browser, base_url, username, screen)
        for language in LANGUAGES:
            choose_language(username, language)
            page.goto(f"{base_url}/admin/")
            assert page.get_attribute("html", "lang") == language
            page.screenshot(
                path=str(folder / f"{username}-{language}-{screen}.png"), full_page=True
            )
            problems += audit(page, axe, f"{username}'s start page, {language}, {screen}", screen)
            if screen == "phone":
                page.click(".sections-menu summary")
                page.screenshot(path=str(folder / f"{username}-{language}-{screen}-menu.png"))
                problems += audit(page, axe, f"{username}'s menu, {language}, {screen}", screen)
            if username in article_pages:
                page.goto(f"{base_url}{article_pages[username]}")
                page.wait_for_selector(".prose-editor [contenteditable=true]")
                shot = folder / f"{username}-{language}-{screen}-article.png"
                page.screenshot(path=str(shot), full_page=True)
                problems += audit(page, axe, f"{username}'s article, {language}, {screen}", screen)
        page.context.close()
    assert not problems, "Problems:\n" + "\n".join(problems)


def test_the_dark_theme_passes_axe_too(browser, site, axe, tmp_path_factory):
    base_url, _articles = site
    folder = tmp_path_factory.getbasetemp() / "desk-screens"
    folder.mkdir(exist_ok=True)
    page = signed_in(browser, base_url, "editor", "desktop", color_scheme="dark")
    problems = []
    for language in LANGUAGES:
        choose_language("editor", language)
        page.goto(f"{base_url}/admin/")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(11, 18, 32)", background
        page.screenshot(path=str(folder / f"editor-{language}-desktop-dark.png"), full_page=True)
        problems += audit(page, axe, f"the dark start page, {language}", "desktop")
    assert not problems, "Problems:\n" + "\n".join(problems)


def test_language_switch_theme_toggle_and_phone_menu_work(browser, site):
    base_url, _articles = site
    page = signed_in(browser, base_url, "editor", "phone")
    assert page.inner_text("h1") == "Your desk"
    page.click(".language-switch button[lang=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.inner_text("h1") == "我的工作台"
    editor = get_user_model().objects.get(username="editor")
    assert StaffProfile.objects.get(user=editor).language == "zh-hans"

    # Django's theme toggle: auto, then dark, then light (on a light system).
    page.click("#header .theme-toggle")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 18, 32)"
    page.click("#header .theme-toggle")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"

    # On a phone the sections are behind "Menu" (a <details>, no script needed).
    assert not page.is_visible("#nav-sidebar")
    page.click(".sections-menu summary")
    page.click(".sections-menu >> text=文章")
    page.wait_for_selector("#changelist")
    assert page.url.endswith("/admin/news/article/")


def test_without_script_the_menu_and_the_language_switch_still_work(browser, site):
    base_url, _articles = site
    page = signed_in(browser, base_url, "writer", "desktop", java_script_enabled=False)
    assert page.is_visible(".sections-menu summary")
    page.click(".language-switch button[lang=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.inner_text("h1") == "我的工作台"
