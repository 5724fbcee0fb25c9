"""Review in a real browser: an editor comments on an article in review, the writer answers,
the editor resolves the comment and publishes from the edit page through the step's dialog.
The same publication works with JavaScript off, through the confirmation page. The edit page
with the dialog open passes axe-core and reports no Content-Security-Policy violation, on a
1280 px desktop and a 390 px phone; screenshots go to `review-screens/` under pytest's
temporary folder."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from news import services
from news.models import Article
from tests.browser.chromium import chromium, unavailable
from tests.browser.test_admin_desk import SCREENS, audit, signed_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    """The demo accounts, with two of the writer's articles in review."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    call_command("load_demo")
    writer = get_user_model().objects.get(username="writer")
    articles = []
    for title in ["Baotou certifies 514 engineers and managers", "Hohhot opens a science base"]:
        article = ArticleFactory(
            title=title, status=Article.Status.DRAFT, published_at=None, author=writer
        )
        services.submit_for_review(article=article, by=writer)
        articles.append(article.pk)
    return live_server.url, articles


def edit_url(base_url, pk):
    return f"{base_url}/admin/news/article/{pk}/change/"


def add_comment(page, text):
    page.fill("#id_comment_text", text)
    page.click(".review-comment-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")


def test_editor_comments_writer_answers_editor_resolves_and_publishes_in_the_dialog(
    browser, site, axe, tmp_path_factory
):
    base_url, (pk, _other) = site
    folder = tmp_path_factory.getbasetemp() / "review-screens"
    folder.mkdir(exist_ok=True)

    editor = signed_in(browser, base_url, "editor", "desktop")
    editor.goto(edit_url(base_url, pk))
    add_comment(editor, "Where does the 514 come from? Please name the source.")
    assert "Your comment was added." in editor.inner_text(".messagelist")
    assert editor.url.endswith("#review-comments")
    assert "(1 open)" in editor.inner_text("#review-comments-title")

    writer = signed_in(browser, base_url, "writer", "desktop")
    writer.goto(edit_url(base_url, pk))
    thread = writer.inner_text(".review-thread")
    assert "editor" in thread and "Where does the 514 come from?" in thread
    # An empty answer is refused on a page of its own, saying why.
    writer.click(".review-comment-form input[type=submit]")
    writer.wait_for_selector(".errorlist")
    assert "Write a comment first: it is empty." in writer.inner_text(".errorlist")
    add_comment(writer, "From the city's 2023 statistical yearbook; I added it to the text.")
    assert writer.locator(".review-comment").count() == 2
    writer.context.close()

    editor.goto(edit_url(base_url, pk))
    editor.click("#review-comments .review-comment:first-child button")
    editor.wait_for_selector(".messagelist .success")
    first = editor.locator(".review-comment").first
    assert "Resolved by editor" in first.inner_text()
    assert "(1 open)" in editor.inner_text("#review-comments-title")

    # The Publish button opens its dialog: focus moves in, Escape closes it, focus goes back.
    publish = editor.locator("a.workflow-publish")
    assert publish.get_attribute("aria-haspopup") == "dialog"
    publish.click()
    dialog = editor.locator("#workflow-dialog-publish")
    assert dialog.is_visible()
    assert editor.evaluate("document.activeElement.closest('dialog')?.id") == (
        "workflow-dialog-publish"
    )
    assert not editor.is_visible("#workflow-dialog-publish [data-unsaved-warning]")
    editor.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert editor.evaluate("document.activeElement.classList.contains('workflow-publish')")

    # Typed but unsaved: the dialog says the step will not include it.
    editor.fill("#id_summary", "An unsaved change to the summary.")
    publish.click()
    assert editor.is_visible("#workflow-dialog-publish [data-unsaved-warning]")
    editor.click("#workflow-dialog-publish [data-dialog-close]")
    assert not dialog.is_visible()

    # Each screen's look, each on a page of its own (axe's run leaves styles behind).
    problems = []
    for screen, size in SCREENS.items():
        editor.set_viewport_size(size)
        editor.goto(edit_url(base_url, pk))  # the unsaved change is given up
        thread = editor.locator("#review-comments")
        thread.scroll_into_view_if_needed()
        thread.screenshot(path=str(folder / f"review-thread-{screen}.png"))
        problems += audit(editor, axe, f"the edit page with its thread, {screen}", screen)
        editor.goto(edit_url(base_url, pk))
        publish.click()
        editor.screenshot(path=str(folder / f"publish-dialog-{screen}.png"))
        problems += audit(editor, axe, f"the edit page, publish dialog open, {screen}", screen)
    editor.set_viewport_size(SCREENS["desktop"])
    editor.goto(edit_url(base_url, pk))
    publish.click()
    editor.click("#workflow-dialog-publish input[type=submit]")
    editor.wait_for_selector(".messagelist .success")
    assert "publish done" in editor.inner_text(".messagelist")
    assert not problems, "Problems:\n" + "\n".join(problems)
    article = Article.objects.get(pk=pk)
    assert article.is_public
    assert article.summary == "A short summary."
    assert list(article.review_comments.values_list("author__username", flat=True)) == [
        "editor", "writer"
    ]  # fmt: skip


def test_without_javascript_publish_goes_through_the_confirmation_page(browser, site):
    base_url, (_first, pk) = site
    page = signed_in(browser, base_url, "editor", "desktop", java_script_enabled=False)
    page.goto(edit_url(base_url, pk))
    assert not page.is_visible("#workflow-dialog-publish")
    page.click("a.workflow-publish")
    page.wait_for_url(f"**/admin/news/article/{pk}/workflow/publish/")
    page.click("input[name=_confirm]")
    page.wait_for_selector(".messagelist .success")
    assert page.url.endswith(f"/admin/news/article/{pk}/change/")
    assert Article.objects.get(pk=pk).is_public
    # The comment form works without script too.
    page.fill("#id_comment_text", "Published without script.")
    page.click(".review-comment-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert "Published without script." in page.inner_text(".review-thread")
