"""Writing in a real browser: the body editor opens tall and grows, counts words (Chinese
characters one each), cleans a paste from a word processor; the form is autosaved, survives a
closed tab and is restored; the unsaved change is previewed beside the form (1280 px) and in a
new tab (390 px); a signed-out autosave says so and keeps the text. axe-core finds nothing on
the edit page with the restore offer and with the preview pane open, the Content-Security-Policy
reports no violation, and screenshots are saved under pytest's temporary folder, `writing/`.
"""

import pytest

from news.models import Article, DraftCopy
from tests.browser.chromium import chromium, unavailable
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""
EDITOR = ".field-body .prose-editor [contenteditable=true]"
#: What Word puts on the clipboard (trimmed): classes, mso- styles, spans, comments, <o:p>,
#: lists as paragraphs with bullets in conditional comments, a bookmark, a local image.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta name=Generator content="Microsoft Word 15"><style>p.MsoNormal {margin:0cm;}</style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
</head><body lang=EN-GB style='tab-interval:36.0pt'><!--StartFragment-->
<h1 style='mso-style-name:"Heading 1"'><a name="_Toc1"></a><span lang=EN-GB>Pasted heading</span></h1>
<p class=MsoNormal style='mso-line-height-alt:12pt'><span style='font-family:Calibri'>A paragraph
with <b><span style='mso-bidi-font-weight:normal'>bold words</span></b> and
<a href="https://example.org/report">a link</a>.<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt'>&nbsp;&nbsp;</span></span><![endif]>First point<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt'>&nbsp;&nbsp;</span></span><![endif]>Second point<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr><td width=200 style='mso-border-alt:solid'><p class=MsoNormal>City<o:p></o:p></p></td><td><p class=MsoNormal>Experts</p></td></tr>
<tr><td><p class=MsoNormal>Baotou</p></td><td><p class=MsoNormal>2,333</p></td></tr></table>
<p class=MsoNormal><img src="file:///C:/Users/x/clip_image001.png" width=10></p>
<!--EndFragment--></body></html>"""


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
    writer.set_password(PASSWORD)
    writer.save()
    writer.groups.add(roles["Writer"])
    article = ArticleFactory(
        title="Baotou opens an innovation centre", body="<p>First words.</p>",
        status=Article.Status.DRAFT, published_at=None, author=writer,
    )  # fmt: skip
    return live_server.url, article


@pytest.fixture
def screens(tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "writing"
    folder.mkdir(exist_ok=True)
    return folder


def sign_in(page, base_url):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "wendy")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")


def new_page(browser, base_url, screen):
    context = browser.new_context(viewport=SCREENS[screen], locale="en-GB")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(f"{page.url}: {error}"))
    page.set_default_timeout(15_000)
    sign_in(page, base_url)
    return page


def audited(page, axe, where: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    problems = [f"{where}: CSP {text}" for text in page.evaluate("window.__violations")]
    problems += [f"{where}: script error {error}" for error in page.script_errors]
    results = axe.run(page).response
    page.evaluate("window.__violations = []")  # axe's own styles are not the page's
    assert results["passes"], f"axe ran no passing check on {where}"
    for violation in results["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"{where}: the page is {width} px wide")
    return problems


def editor_height(page) -> float:
    return page.evaluate(f"document.querySelector('{EDITOR}').getBoundingClientRect().height")


def body_html(page) -> str:
    return page.evaluate(f"document.querySelector('{EDITOR}').innerHTML")


def test_write_autosave_close_restore_and_preview(browser, site, axe, screens):
    base_url, article = site
    edit_url = f"{base_url}/admin/news/article/{article.pk}/change/"
    problems = []

    # The editor opens tall (about 60% of the window) and grows with the text.
    page = new_page(browser, base_url, "desktop")
    page.goto(edit_url)
    page.wait_for_selector("#body-word-count")
    opened = editor_height(page)
    assert opened >= 0.55 * SCREENS["desktop"]["height"], opened
    assert page.text_content("#body-word-count") == "2 words"
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.type(" Baotou adds 2,333 experts. 包头新增专家")
    page.wait_for_function(
        "document.querySelector('#body-word-count').textContent === '12 words'"
    )  # 6 words and 6 Chinese characters
    for line in range(40):
        page.keyboard.press("Enter")
        page.keyboard.type(f"Line {line} of the story.")
    assert editor_height(page) > opened + 200

    # Autosave: a copy is kept within seconds, and says so.
    page.wait_for_selector("#autosave-status[data-kind=saved]", timeout=20_000)
    for _ in range(40):  # the copy catches up with the last line typed within seconds
        copy = DraftCopy.objects.get(article=article)
        if "Line 39 of the story." in copy.data["body"][0]:
            break
        page.wait_for_timeout(500)
    assert "包头新增专家" in copy.data["body"][0] and "Line 39" in copy.data["body"][0]
    assert Article.objects.get(pk=article.pk).body == "<p>First words.</p>"
    page.locator("#autosave-status").scroll_into_view_if_needed()
    page.screenshot(path=str(screens / "editor-desktop.png"), full_page=False)
    page.context.close()  # the tab (and the browser window) closes; nothing was saved

    # Back on the edit page: the offer, axe-clean; restoring brings the text back.
    page = new_page(browser, base_url, "desktop")
    page.goto(edit_url)
    page.wait_for_selector("#draft-copy-offer")
    assert "Restore your unsaved changes from" in page.text_content("#draft-copy-restore")
    assert "包头新增专家" not in body_html(page)
    page.screenshot(path=str(screens / "restore-offer-desktop.png"), full_page=False)
    problems += audited(page, axe, "edit page with the restore offer, desktop")
    page.click("#draft-copy-restore")
    page.wait_for_selector(".draft-copy-restored")
    assert page.url == edit_url, page.get_attribute("#writing-tools", "data-not-filled")
    assert "包头新增专家" in body_html(page)
    assert "Line 39 of the story." in body_html(page)

    # Preview the unsaved change beside the form.
    page.fill("#id_title", "Baotou opens its innovation centre (unsaved)")
    page.click("button[name=_preview]")
    frame = page.frame_locator("#unsaved-preview-pane iframe")
    frame.locator("h1").filter(has_text="(unsaved)").wait_for()
    assert "包头新增专家" in frame.locator(".article .body").inner_text()
    assert frame.locator(".unsaved-preview-notice").count() == 1
    pane = page.locator("#unsaved-preview-pane").bounding_box()
    form = page.locator("#article_form").bounding_box()
    assert pane["x"] >= form["x"] + form["width"] - 1, "the preview is beside the form"
    page.evaluate("document.querySelector('.field-body').scrollIntoView()")
    preview_frame = page.frame(name="unsaved-preview-frame")
    assert preview_frame.evaluate("window.__violations") == []
    page.screenshot(path=str(screens / "preview-pane-desktop.png"), full_page=False)
    problems += audited(page, axe, "edit page with the preview pane, desktop")
    assert Article.objects.get(pk=article.pk).title == "Baotou opens an innovation centre"
    page.context.close()

    # On a phone: the preview opens in a new tab.
    page = new_page(browser, base_url, "phone")
    page.goto(edit_url)
    page.wait_for_selector("#draft-copy-offer")
    page.screenshot(path=str(screens / "restore-offer-phone.png"), full_page=False)
    problems += audited(page, axe, "edit page with the restore offer, phone")
    opened = editor_height(page)
    assert 0.4 * SCREENS["phone"]["height"] <= opened <= 0.7 * SCREENS["phone"]["height"], opened
    page.click("#draft-copy-restore")
    page.wait_for_selector(".draft-copy-restored")
    with page.context.expect_page() as new_tab:
        page.click("button[name=_preview]")
    preview = new_tab.value
    preview.wait_for_load_state()
    assert "包头新增专家" in preview.inner_text(".article .body")
    assert preview.locator(".unsaved-preview-notice").count() == 1
    assert preview.evaluate("window.__violations") == []
    preview.screenshot(path=str(screens / "preview-tab-phone.png"), full_page=False)
    page.evaluate("document.querySelector('.field-body').scrollIntoView()")
    page.screenshot(path=str(screens / "editor-phone.png"), full_page=False)
    page.context.close()

    assert not problems, "Problems:\n" + "\n".join(problems)


def test_a_paste_from_word_keeps_the_structure_and_the_server_has_the_last_word(browser, site):
    base_url, article = site
    page = new_page(browser, base_url, "desktop")
    page.goto(f"{base_url}/admin/news/article/{article.pk}/change/")
    page.wait_for_selector("#body-word-count")
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")  # on a line of its own
    # A clipboard-style paste event, as the browser fires it, carrying Word's HTML.
    page.evaluate(
        """([selector, html]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Pasted heading");
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [EDITOR, WORD_HTML],
    )
    page.wait_for_function(f"document.querySelector('{EDITOR}').innerText.includes('Second point')")
    html = body_html(page)
    assert "<h2>Pasted heading</h2>" in html
    assert "<strong>bold words</strong>" in html
    assert 'href="https://example.org/report"' in html
    assert "<ul><li><p>First point</p></li><li><p>Second point</p></li></ul>" in html
    assert "<table" in html and "2,333" in html
    for junk in ["Mso", "mso-", "<span", "<!--", "o:p", "file:///", "·"]:
        assert junk not in html, junk

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    stored = Article.objects.get(pk=article.pk).body
    assert "<h2>Pasted heading</h2>" in stored and "<li><p>First point</p></li>" in stored
    assert "<strong>bold words</strong>" in stored and "<td" in stored
    for junk in ["class=", "style=", "<span", "<!--", "<img", "colgroup", "<col"]:
        assert junk not in stored, junk
    assert not DraftCopy.objects.filter(article=article).exists()  # the save deleted it
    assert page.evaluate("window.__violations") == [] and page.script_errors == []
    page.context.close()


def test_a_signed_out_autosave_says_so_keeps_the_text_and_saves_after_signing_in(browser, site):
    base_url, article = site
    page = new_page(browser, base_url, "desktop")
    page.goto(f"{base_url}/admin/news/article/{article.pk}/change/")
    page.wait_for_selector("#body-word-count")
    page.context.clear_cookies(name="sessionid")  # the session expired
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed after the session ended.")
    page.wait_for_selector("#autosave-status[data-kind=signed-out]", timeout=20_000)
    assert "You were signed out; your text is still in this page" in page.text_content(
        "#autosave-status"
    )
    assert "Typed after the session ended." in body_html(page)
    assert not DraftCopy.objects.exists()

    other_tab = page.context.new_page()
    sign_in(other_tab, base_url)  # signing in again renews the CSRF cookie too
    other_tab.close()
    page.wait_for_selector("#autosave-status[data-kind=saved]", timeout=20_000)
    assert "Typed after the session ended." in DraftCopy.objects.get().data["body"][0]
    # ... and the Save button works again with the renewed token.
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert "Typed after the session ended." in Article.objects.get(pk=article.pk).body
    assert page.script_errors == []
    page.context.close()


def test_a_restore_the_page_cannot_fill_is_drawn_by_the_server(browser, site):
    """A copy naming a city the autocomplete has not listed: the link draws the form filled."""
    from news import services
    from tests.factories import CityFactory
    from tests.helpers import article_post_data

    base_url, article = site
    city = CityFactory(name="Ordos")
    data = article_post_data(article, body="<p>Kept with a city.</p>", cities=[str(city.pk)])
    data = {
        name: value if isinstance(value, list) else [str(value)] for name, value in data.items()
    }
    services.keep_draft_copy(
        article=article, by=article.author, data=data, opened_version=article.version
    )
    page = new_page(browser, base_url, "desktop")
    page.goto(f"{base_url}/admin/news/article/{article.pk}/change/")
    page.click("#draft-copy-restore")
    page.wait_for_selector(".draft-copy-restored")
    assert page.url.endswith(f"/admin/news/article/{article.pk}/copy/restore/")
    assert "Kept with a city." in body_html(page)
    assert page.locator("#id_cities option:checked").inner_text().startswith("Ordos")
    assert page.script_errors == []
    page.context.close()
