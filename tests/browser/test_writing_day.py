"""A story from first words to the public page, in a real browser, through everything a writer
and an editor touch: the writer writes in the editor, picks the hero from the media library,
puts another library image in the text with the Image button, waits for the autosave, closes
the tab, comes back and restores, previews the unsaved change beside the form and submits; the
editor comments, the writer answers, the editor publishes from the edit page's dialog; the
public page shows both images with their renditions.

The edit page with the picker open passes axe-core and reports no Content-Security-Policy
violation at 1280 and 390 px; screenshots of the edit page and the picker at both widths go to
`writing-day/` under pytest's temporary folder."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from news.models import Article, DraftCopy
from tests.browser.chromium import chromium, unavailable
from tests.browser.test_admin_desk import SCREENS, audit, signed_in
from tests.factories import ArticleFactory
from tests.helpers import library_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = ".field-body .prose-editor [contenteditable=true]"
IMAGE_BUTTON = '.prose-editor button[title="Image from the media library"]'
TITLE = "Baotou's innovation forum fills its new hall"


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
    """The demo accounts, two library images, and the writer's saved draft (autosave keeps
    copies of saved articles)."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    call_command("load_demo")
    writer = get_user_model().objects.get(username="writer")
    skyline = library_image(title="Riverside skyline", alt_text="Baotou's riverside at dusk",
                            name="riverside.jpg", tags=["skyline"])  # fmt: skip
    hall = library_image(title="Forum hall", alt_text="The forum hall, every seat taken",
                         name="hall.jpg", size=(1200, 800), tags=["forum"])  # fmt: skip
    draft = ArticleFactory(
        title=TITLE, summary="Experts from 39 cities met in Baotou.", status=Article.Status.DRAFT,
        published_at=None, author=writer, body="<p>The forum opened on Monday.</p>",
    )  # fmt: skip
    return live_server.url, draft, skyline, hall


def edit_url(base_url, article):
    return f"{base_url}/admin/news/article/{article.pk}/change/"


def choose_in_picker(page, words, title):
    page.wait_for_selector("#media-picker[open] .media-picker-body:not([aria-busy])")
    page.fill("#media-picker #picker-q", words)
    page.click("#media-picker .picker-search button[type=submit]")
    page.wait_for_function(
        "(words) => document.querySelector('#media-picker #picker-q')?.value === words"
        " && !document.querySelector('#media-picker .media-picker-body[aria-busy]')",
        arg=words,
    )
    page.click(f'#media-picker button[aria-label="Choose “{title}”"]')
    assert not page.locator("#media-picker").evaluate("dialog => dialog.open")


def add_comment(page, text):
    page.fill("#id_comment_text", text)
    page.click(".review-comment-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")


def take_step(page, step):
    """A workflow step from the edit page: its button opens the dialog, which confirms it."""
    page.click(f"a.workflow-{step}")
    page.click(f"#workflow-dialog-{step} input[name=_confirm]")
    page.wait_for_selector(".messagelist .success")


def test_a_story_from_first_words_to_the_public_page(browser, site, axe, tmp_path_factory):
    base_url, draft, skyline, hall = site
    folder = tmp_path_factory.getbasetemp() / "writing-day"
    folder.mkdir(exist_ok=True)
    writer_account = draft.author

    # The edit page and the picker at both widths: looked at, and audited with the picker open.
    problems = []
    for screen in SCREENS:
        page = signed_in(browser, base_url, "writer", screen)
        page.goto(edit_url(base_url, draft))
        page.wait_for_selector(IMAGE_BUTTON)
        page.screenshot(path=str(folder / f"edit-page-{screen}.png"), full_page=True)
        page.click(".hero-image-widget .media-picker-open")
        page.wait_for_selector("#media-picker[open] .media-picker-body:not([aria-busy])")
        page.screenshot(path=str(folder / f"picker-{screen}.png"))
        problems += audit(page, axe, f"the edit page with the picker open, {screen}", screen)
        page.context.close()
    assert not problems, "Problems:\n" + "\n".join(problems)

    # The writer writes, picks the hero, puts the hall in the text.
    writer = signed_in(browser, base_url, "writer", "desktop")
    writer.goto(edit_url(base_url, draft))
    writer.click(EDITOR)
    writer.keyboard.press("Control+End")
    writer.keyboard.type(" Over 2,333 experts have joined the platform since 2023.")
    writer.click(".hero-image-widget .media-picker-open")
    choose_in_picker(writer, "skyline", "Riverside skyline")
    writer.wait_for_selector(".hero-image-preview:not([hidden]) img")
    writer.click(EDITOR)
    writer.keyboard.press("Control+End")
    writer.keyboard.press("Enter")
    writer.click(IMAGE_BUTTON)
    choose_in_picker(writer, "forum", "Forum hall")
    writer.wait_for_selector(f'{EDITOR} img[data-image-id="{hall.pk}"]')

    # The autosave keeps it all as the writer's copy, and the article stays as it was.
    writer.wait_for_selector("#autosave-status[data-kind=saved]", timeout=20_000)
    for _ in range(40):
        copy = DraftCopy.objects.filter(user=writer_account, article=draft).first()
        body = copy.data.get("body", [""])[0] if copy else ""
        if f'data-image-id="{hall.pk}"' in body and copy.data.get("hero") == [str(skyline.pk)]:
            break
        writer.wait_for_timeout(500)
    assert "2,333 experts" in body and f'data-image-id="{hall.pk}"' in body, body
    assert copy.data.get("hero") == [str(skyline.pk)], copy.data.get("hero")
    saved = Article.objects.get(pk=draft.pk)
    assert saved.body == "<p>The forum opened on Monday.</p>" and saved.hero is None
    writer.context.close()  # the tab closes before anything was saved

    # Back again: the copy is offered and restored, hero and text image included.
    writer = signed_in(browser, base_url, "writer", "desktop")
    writer.goto(edit_url(base_url, draft))
    writer.click("#draft-copy-restore")
    writer.wait_for_selector(f'{EDITOR} img[data-image-id="{hall.pk}"]')
    assert "2,333 experts" in writer.inner_text(EDITOR)
    assert writer.input_value("#id_hero") == str(skyline.pk)

    # The unsaved change, previewed beside the form with the public template.
    writer.fill("#id_title", f"{TITLE} (draft)")
    writer.click("button[name=_preview]")
    preview = writer.frame_locator("#unsaved-preview-pane iframe")
    preview.locator("h1").filter(has_text="(draft)").wait_for()
    assert preview.locator("figure.hero picture source[type='image/webp']").count() == 1
    assert preview.locator(".body picture img").get_attribute("alt") == hall.alt_text
    writer.screenshot(path=str(folder / "preview-desktop.png"))
    writer.fill("#id_title", TITLE)

    # Saved for real (the copy goes), then submitted from the edit page's dialog.
    writer.click("input[name=_continue]")
    writer.wait_for_selector(".messagelist .success")
    assert not DraftCopy.objects.filter(user=writer_account, article=draft).exists()
    take_step(writer, "submit")
    article = Article.objects.get(pk=draft.pk)
    assert article.status == Article.Status.IN_REVIEW
    assert article.hero_id == skyline.pk and f'data-image-id="{hall.pk}"' in article.body

    # The editor asks, the writer answers, the editor publishes.
    editor = signed_in(browser, base_url, "editor", "desktop")
    editor.goto(edit_url(base_url, article))
    add_comment(editor, "Which source gives the 2,333 experts?")
    writer.goto(edit_url(base_url, article))
    assert "Which source gives the 2,333 experts?" in writer.inner_text(".review-thread")
    add_comment(writer, "The city's science association; named in the second paragraph.")
    editor.goto(edit_url(base_url, article))
    assert "The city's science association" in editor.inner_text(".review-thread")
    take_step(editor, "publish")
    article.refresh_from_db()
    assert article.is_public
    assert list(article.review_comments.values_list("author__username", flat=True)) == [
        "editor", "writer"
    ]  # fmt: skip

    # The public page: the hero and the text image, each a <picture> of its renditions.
    reader = browser.new_context(viewport=SCREENS["desktop"]).new_page()
    reader.goto(f"{base_url}{article.get_absolute_url()}")
    hero = reader.locator("figure.hero picture")
    assert "w," in hero.locator("source[type='image/webp']").get_attribute("srcset")
    assert hero.locator("img").get_attribute("alt") == skyline.alt_text
    body_picture = reader.locator(".body picture")
    assert ".webp 480w" in body_picture.locator("source[type='image/webp']").get_attribute("srcset")
    assert body_picture.locator("img").get_attribute("alt") == hall.alt_text
    for image in (hero.locator("img"), body_picture.locator("img")):
        image.scroll_into_view_if_needed()
        reader.wait_for_function("(img) => img.complete", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 0
    reader.context.close()
