"""Content-Security-Policy: every public page and the admin send it, and nothing they draw needs
inline script or style (tests/browser/test_csp.py checks the same pages in Chromium)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from news.figures.charts import chart_stylesheet
from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import article_post_data
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "/news/2023/07/04/baotou-innovation-driven-demonstration-city/"
#: One address of every kind of public page (two with charts), with the status it answers.
PUBLIC_PAGES = [
    ("/", 200), ("/news/", 200), ("/news/?year=abc", 400), (ARTICLE, 200),
    ("/announcements/", 200), ("/programmes/", 200),
    ("/programmes/innovation-driven-demonstration-cities-2023-2025/", 200),
    ("/cities/", 200), ("/cities/baotou/", 200), ("/metrics/", 200),
    ("/metrics/experts-on-innovation-china-platform/", 200), ("/tags/innovation-driven/", 200),
    ("/search/?q=Baotou", 200), ("/zh-hans/cities/baotou/", 200), ("/no-such-page/", 404),
]  # fmt: skip
ADMIN_PAGES = [
    "/admin/", "/admin/news/article/", "/admin/news/article/add/", "/admin/news/city/",
    "/admin/news/metricvalue/", "/admin/news/city/import/", "/admin/preferences/",
    "/admin/section/register/",
]  # fmt: skip
#: What the policy must say, directive by directive (the nonce comes only where one is used).
EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": f"'self' {settings.PROSE_EDITOR_STYLE_HASH}",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def demo_site():
    call_command("load_demo")


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, <style> elements, style
    attributes and on… event handlers. A JSON-LD block is data and is not collected."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.nonces: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attributes:
            if attributes.get("type") == "application/ld+json":
                return
            self.nonces.append(attributes.get("nonce"))
            if "nonce" not in attributes:
                self.found.append(f"inline <script type={attributes.get('type')!r}>")


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(("url", "status"), PUBLIC_PAGES)
def test_public_pages_send_the_strict_policy_and_need_no_inline_code(
    client, demo_site, url, status
):
    response = client.get(url)
    assert response.status_code == status
    assert directives(response["Content-Security-Policy"]) == EXPECTED
    found = inline_code(response.content.decode())
    assert found.found == [] and found.nonces == []


def test_json_ld_stays_on_the_pages_as_data(client, demo_site):
    html = client.get(ARTICLE).content.decode()
    assert '<script type="application/ld+json">' in html and '"NewsArticle"' in html


def test_a_public_page_sends_the_same_policy_to_everyone_so_it_stays_cacheable(client, demo_site):
    first, second = client.get(ARTICLE), client.get(ARTICLE)
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "nonce-" not in first["Content-Security-Policy"]
    assert "public" in first["Cache-Control"]
    again = client.get(ARTICLE, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_csv_json_and_feeds_carry_the_policy_too(client, demo_site):
    for url in ["/cities/baotou/figures/experts-on-innovation-china-platform.csv",
                "/metrics/experts-on-innovation-china-platform/metadata.json",
                "/news/feed/", "/sitemap.xml", "/robots.txt"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response["Content-Security-Policy"]) == EXPECTED, url


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/password-reset/"])
def test_admin_sign_in_pages_send_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == EXPECTED
    assert inline_code(response.content.decode()).found == []


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_send_the_policy_and_only_nonced_inline_scripts(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    found = inline_code(response.content.decode())
    assert found.found == []
    if found.nonces:
        # The rich-text editor's import map: its nonce is this response's, and only its.
        assert policy.pop("script-src") == f"'self' 'nonce-{found.nonces[0]}'"
        assert set(found.nonces) == {found.nonces[0]}
    assert policy == {name: value for name, value in EXPECTED.items() if name in policy}
    assert set(policy) | {"script-src"} == set(EXPECTED)


def test_article_editor_import_map_has_a_fresh_nonce_per_response(admin_client):
    article = ArticleFactory()
    url = f"/admin/news/article/{article.pk}/change/"
    nonces = []
    for _ in range(2):
        response = admin_client.get(url)
        html = response.content.decode()
        nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', html).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_revision_comparison_uses_a_stylesheet_not_an_inline_style(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    admin_client.post(
        f"/admin/news/article/{article.pk}/change/",
        article_post_data(article, title="Changed title"),
    )
    response = admin_client.get(
        f"/admin/news/article/{article.pk}/revisions/compare/", {"revision": ["1", "2"]}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Changed title</ins>" in html
    assert "css/admin-revisions.css" in html and inline_code(html).found == []


def test_chart_stylesheet_is_the_one_pygal_would_inline():
    """static/css/charts.css replaces the <style> pygal puts in each chart; if pygal or the
    chart style changes, write it again: news.figures.charts.chart_stylesheet()."""
    stored = (ROOT / "static/css/charts.css").read_text()
    assert stored == chart_stylesheet()


def test_uploads_on_another_host_may_only_be_images():
    code = (
        "from django.conf import settings; d = settings.CONTENT_SECURITY_POLICY['DIRECTIVES'];"
        "print(d['img-src']); print(d['script-src']); print(d['style-src'])"
    )
    result = run_manage(
        "shell", "-c", code, DEBUG="true", CSP_MEDIA_ORIGINS="https://media.example.org"
    )
    img, script, style = result.stdout.strip().splitlines()[-3:]
    assert "https://media.example.org" in img
    assert "media.example.org" not in script and "media.example.org" not in style
