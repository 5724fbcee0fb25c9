"""A day at the newsroom desk in a real browser, with the demo accounts and a real SMTP server:
the writer submits the draft the editor returned; the editor finds it on the start page and
publishes it; the writer's mail arrives; the editor confirms the figures its text reports; a
records admin changes one of them and puts it back from its history. axe-core and the
Content-Security-Policy check the history page in both admin languages on the way.

Screenshots of each step go to pytest's temporary folder (`newsroom-day/`).
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from news import services
from news.demo_content import DEMO_USERS
from news.demo_desk import RETURN_NOTE
from news.models import Article, City, Metric, MetricValue
from tests import services as running
from tests.browser.chromium import chromium, unavailable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {username: password for username, _role, password in DEMO_USERS}
TITLE = "Ordos hydrogen pilot: first results"
WRITER_ADDRESS, EDITOR_ADDRESS = "writer@cityinno.example", "editor@cityinno.example"
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


@pytest.fixture
def mailbox(settings):
    with running.smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = mailbox.host, mailbox.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield mailbox


@pytest.fixture
def site(settings, live_server, roles, mailbox):
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.SITE_URL = live_server.url
    call_command("load_demo")
    users = get_user_model().objects
    users.filter(username="writer").update(email=WRITER_ADDRESS)
    users.filter(username="editor").update(email=EDITOR_ADDRESS)
    return live_server.url


@pytest.fixture
def screens(tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "newsroom-day"
    folder.mkdir(exist_ok=True)
    return folder


def signed_in(browser, base_url, username, screen="desktop"):
    context = browser.new_context(viewport=SCREENS[screen], locale="en-GB")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")
    return page


def mail_to(mailbox, address: str, subject_start: str):
    found = [
        message
        for message in mailbox.messages
        if message["To"] == address and str(message["Subject"]).startswith(subject_start)
    ]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in mailbox.messages]
    return found[0]


def audited(page, axe, where: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    problems = [f"{where}: CSP {text}" for text in page.evaluate("window.__violations")]
    results = axe.run(page).response
    assert results["passes"], f"axe ran no passing check on {where}"
    for violation in results["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
    return problems


def test_a_day_at_the_desk(browser, site, mailbox, axe, screens):
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.DRAFT

    # The writer finds the returned draft, with the editor's note, on the start page.
    page = signed_in(browser, site, "writer")
    returned = page.locator("#panel-returned-to-me")
    assert RETURN_NOTE in returned.inner_text()
    page.screenshot(path=str(screens / "1-writer-desk.png"), full_page=True)
    returned.get_by_role("link", name=TITLE).click()
    page.wait_for_selector("a.workflow-submit")
    page.click("a.workflow-submit")  # opens the step's dialog on the edit page
    page.click("dialog[open] input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    submitted = mail_to(mailbox, EDITOR_ADDRESS, "For review")
    assert TITLE in submitted.get_body(("plain",)).get_content()

    # The editor sees it awaiting review, opens it and publishes it now.
    page = signed_in(browser, site, "editor")
    awaiting = page.locator("#panel-awaiting-review")
    assert TITLE in awaiting.inner_text()
    page.screenshot(path=str(screens / "2-editor-desk.png"), full_page=True)
    awaiting.get_by_role("link", name=TITLE).click()
    page.wait_for_selector("a.workflow-publish")
    page.click("a.workflow-publish")  # opens the step's dialog on the edit page
    page.click("dialog[open] input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.is_public

    # The writer's mail arrives at the mail server, with both links.
    published = mail_to(mailbox, WRITER_ADDRESS, "Published")
    body = published.get_body(("plain",)).get_content()
    assert f"{site}{article.get_absolute_url()}" in body
    assert f"{site}/admin/news/article/{article.pk}/change/" in body

    # The editor confirms the figures the text reports: the pilot's stations, for 2024.
    page.goto(f"{site}/admin/news/article/{article.pk}/figures/")
    page.wait_for_selector("fieldset.figure-suggestion")
    page.screenshot(path=str(screens / "3-suggested-figures.png"), full_page=True)
    rows = page.locator("fieldset.figure-suggestion")
    assert rows.count() >= 3
    stations = next(
        index
        for index in range(rows.count())
        if "12 hydrogen refuelling stations" in rows.nth(index).inner_text()
        and page.input_value(f"#id_form-{index}-value").startswith("12")
    )
    assert page.input_value(f"#id_form-{stations}-period") == "2024"
    page.check(f"#id_form-{stations}-accept")
    page.fill(f"#id_form-{stations}-new_metric_name", "Hydrogen refuelling stations")
    page.fill(f"#id_form-{stations}-new_metric_unit", "stations")
    page.select_option(f"#id_form-{stations}-city", value=str(City.objects.get(slug="ordos").pk))
    page.click("#content-main form input[type=submit]")
    page.wait_for_selector(".messagelist")
    value = MetricValue.objects.get(metric__name="Hydrogen refuelling stations")
    assert (value.value, value.period, value.city.slug) == (Decimal(12), "2024", "ordos")
    assert value.source_article_id == article.pk
    assert Metric.objects.get(name="Hydrogen refuelling stations").unit == "stations"

    # A records admin corrects the value, then puts it back from its history.
    page = signed_in(browser, site, "records")
    page.screenshot(path=str(screens / "4-records-desk.png"), full_page=True)
    page.goto(f"{site}/admin/news/metricvalue/{value.pk}/change/")
    page.fill("#id_value", "13")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    value.refresh_from_db()
    assert value.value == Decimal(13)
    page.goto(f"{site}/admin/news/metricvalue/{value.pk}/history/")
    page.wait_for_selector("#content-main table")
    page.screenshot(path=str(screens / "5-value-history.png"), full_page=True)
    problems = audited(page, axe, "the value's history, English")
    services.update_preferences(
        user=get_user_model().objects.get(username="records"),
        language="zh-hans",
        email_notifications=True,
    )
    page.reload()
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.screenshot(path=str(screens / "5-value-history-zh-hans.png"), full_page=True)
    problems += audited(page, axe, "the value's history, Chinese")
    assert not problems, "\n".join(problems)
    page.locator("a[href$='/put-back/']").first.click()
    page.wait_for_selector("#put-back-changes")
    page.click("#content-main form input[type=submit]")
    page.wait_for_selector(".messagelist")
    value.refresh_from_db()
    assert value.value == Decimal(12)
    history = list(value.history.order_by("-history_date").values_list("value", flat=True)[:3])
    assert [int(number) for number in history] == [12, 13, 12]
