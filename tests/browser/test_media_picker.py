"""The media library's picker in a real browser: a writer chooses the hero from the library in
the <dialog>, inserts another library image into the text with the editor's Image button,
tries an upload that is refused, and saves; the preview shows both images with their
renditions. axe-core finds nothing on the edit page with the picker open, the
Content-Security-Policy reports nothing, and screenshots at 1280 and 390 px are saved
(under pytest's temporary folder, `media-screens/`) for people to look at."""

import pytest
from django.urls import reverse

from news.models import Article
from tests.browser.chromium import chromium, unavailable
from tests.browser.test_admin_desk import LISTEN, SCREENS, describe
from tests.browser.test_editorial_flow import PASSWORD
from tests.factories import UserFactory
from tests.helpers import library_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSERT_LABEL = "Image from the media library"


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


@pytest.fixture
def site(settings, live_server, roles):
    settings.ROOT_URLCONF = "tests.browser.urls"
    writer = UserFactory(username="wendy", is_staff=True)
    writer.groups.add(roles["Writer"])
    library_image(title="Baotou skyline", alt_text="Baotou's skyline at dusk", name="sky.jpg",
                  tags=["skyline"])  # fmt: skip
    library_image(title="Forum hall", alt_text="The forum hall, full", name="forum.jpg",
                  size=(1200, 800), tags=["forum", "Baotou"])  # fmt: skip
    for number in range(6):
        library_image(title=f"Street {number}", name=f"street{number}.jpg", size=(640, 400))
    return live_server.url


def signed_in(browser, site, screen):
    context = browser.new_context(viewport=SCREENS[screen], locale="en-GB")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "wendy")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")
    return page


def open_picker_for_hero(page):
    page.click(".hero-image-widget .media-picker-open")
    picker_loaded(page)


def picker_loaded(page):
    page.wait_for_selector("#media-picker[open] .picker-choose:visible")
    page.wait_for_selector("#media-picker .media-picker-body:not([aria-busy])")


def search(page, words):
    page.fill("#media-picker #picker-q", words)
    page.click("#media-picker .picker-search button[type=submit]")
    page.wait_for_function(
        "(words) => document.querySelector('#media-picker #picker-q')?.value === words"
        " && !document.querySelector('#media-picker .media-picker-body[aria-busy]')",
        arg=words,
    )


def test_writer_picks_a_hero_and_inserts_a_text_image_from_the_library(
    browser, site, axe, tmp_path_factory
):
    folder = tmp_path_factory.mktemp("media-screens")
    problems = []
    for screen in SCREENS:
        page = signed_in(browser, site, screen)
        page.goto(f"{site}/admin/news/article/add/")
        page.wait_for_selector(f'.prose-editor button[title="{INSERT_LABEL}"]')
        page.screenshot(path=str(folder / f"edit-page-{screen}.png"), full_page=True)
        open_picker_for_hero(page)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(folder / f"picker-{screen}.png"))
        # The CSP's reports first: axe's own checks add styles.
        problems += [
            f"picker, {screen}: CSP {text}" for text in page.evaluate("window.__violations")
        ]
        results = axe.run(page).response
        assert results["passes"]
        problems += [f"picker open, {screen}: {describe(found)}" for found in results["violations"]]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SCREENS[screen]["width"]:
            problems.append(f"picker, {screen}: the page is {width} px wide")
        page.context.close()
    assert not problems, "\n".join(problems)

    page = signed_in(browser, site, "desktop")
    page.goto(f"{site}/admin/news/article/add/")
    page.fill("#id_title", "Baotou's forum opens")
    page.fill("#id_summary", "Experts met in the new hall.")

    # The hero, from the library: search by tag, choose, and the thumbnail shows.
    open_picker_for_hero(page)
    search(page, "skyline")
    assert page.locator("#media-picker .picker-choice").count() == 1
    page.click('#media-picker button[aria-label="Choose “Baotou skyline”"]')
    assert not page.locator("#media-picker").evaluate("dialog => dialog.open")
    page.wait_for_selector(".hero-image-preview:not([hidden]) img")
    assert page.locator("#id_hero option:checked").inner_text().startswith("Baotou skyline")

    # An upload in the picker that is refused says why and keeps what was typed.
    open_picker_for_hero(page)
    broken = tmp_path_factory.mktemp("uploads") / "broken.jpg"
    broken.write_bytes(b"this is not a picture")
    page.set_input_files("#media-picker #id_upload-file", str(broken))
    page.fill("#media-picker #id_upload-title", "Broken one")
    page.fill("#media-picker #id_upload-alt_text", "Nothing")
    page.click("#media-picker .picker-upload button[type=submit]")
    page.wait_for_selector("#media-picker .picker-upload-errors")
    upload_text = page.inner_text("#media-picker .picker-upload")
    assert "Upload a valid image" in upload_text, upload_text
    assert page.input_value("#media-picker #id_upload-title") == "Broken one"
    page.click("#media-picker .media-picker-close")

    # The text: type, then the editor's Image button inserts another library image.
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click()
    page.keyboard.type("The hall was full. ")
    page.click(f'.prose-editor button[title="{INSERT_LABEL}"]')
    picker_loaded(page)
    search(page, "forum")
    page.click('#media-picker button[aria-label="Choose “Forum hall”"]')
    page.wait_for_selector(".prose-editor [contenteditable=true] img[data-image-id]")
    assert "data-image-id" in page.input_value("textarea#id_body")  # the textarea is synced

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    article = Article.objects.get(title="Baotou's forum opens")
    assert article.hero.title == "Baotou skyline"
    forum = article.hero.__class__.objects.get(title="Forum hall")
    assert f'data-image-id="{forum.pk}"' in article.body
    assert not article.hero.__class__.objects.filter(title="Broken one").exists()

    page.goto(f"{site}{reverse('news:article-preview', args=[article.pk])}")
    hero = page.locator("figure.hero picture")
    assert hero.locator('source[type="image/webp"]').get_attribute("srcset").count("w,") == 2
    assert hero.locator("img").get_attribute("alt") == "Baotou's skyline at dusk"
    body_picture = page.locator(".body picture")
    assert "forum-480.webp 480w" in body_picture.locator("source").get_attribute("srcset")
    assert body_picture.locator("img").get_attribute("alt") == "The forum hall, full"
    body_picture.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.body picture img').complete")
    assert body_picture.locator("img").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(folder / "preview-desktop.png"), full_page=True)
