"""Malformed query strings and unknown addresses end in 400 or 404, never in a server error."""

import re

import pytest

from tests.factories import ArticleFactory, CityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def some_articles():
    ArticleFactory.create_batch(3, cities=[CityFactory(slug="baotou")])


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999", "1.5", "%00", "9" * 40])
@pytest.mark.parametrize("url", ["/news/", "/announcements/", "/tags/x/"])
def test_bad_page_numbers_are_404(client, url, page):
    if url == "/tags/x/":
        ArticleFactory(tags=["x"])
    assert client.get(url, {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "gossip"},
        {"city": "atlantis"},
        {"programme": "no-such-programme"},
        {"tag": "no-such-tag"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"year": "1066"},
        {"city": "<script>alert(1)</script>"},
    ],
)
def test_unknown_filter_values_give_400_with_an_explanation(client, query):
    response = client.get("/news/", query)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Some filters could not be used" in html
    assert "<script>alert(1)</script>" not in html


def test_unknown_query_parameters_are_ignored(client):
    assert client.get("/news/", {"utm_source": "feed", "colour": "blue"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/news/2023/07/04/no-such-article/",
        "/news/2023/13/45/no-such-article/",
        "/cities/atlantis/",
        "/programmes/atlantis/",
        "/tags/atlantis/",
        "/nowhere/",
    ],
)
def test_unknown_addresses_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_impossible_date_for_a_real_article_redirects_to_its_address(client):
    article = ArticleFactory(slug="real")
    response = client.get("/news/2023/13/45/real/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("url", ["/tags/%00/", "/tags/a%00b/feed/", "/tags/%01/feed/atom/"])
def test_control_characters_in_tag_addresses_are_404(client, url):
    assert client.get(url).status_code == 404


#: More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000).
TOO_MANY_FIELDS = "&".join(f"f{number}=1" for number in range(1_100))
EVERY_KIND_OF_ADDRESS = [
    "/", "/news/", "/news/feed/", "/search/", "/metrics/", "/robots.txt", "/sitemap.xml",
    "/zh-hans/news/", "/admin/login/", "/nowhere/",
]  # fmt: skip


@pytest.mark.parametrize("url", EVERY_KIND_OF_ADDRESS)
def test_a_disallowed_host_is_a_400_page_not_a_server_error(client, settings, url):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    response = client.get(url, HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    html = response.content.decode()
    assert "evil.example.com" not in html, "the refused host must not reach the page's links"


@pytest.mark.parametrize("url", EVERY_KIND_OF_ADDRESS)
def test_too_many_query_parameters_are_a_400(client, url):
    assert client.get(f"{url}?{TOO_MANY_FIELDS}").status_code == 400


def test_too_many_fields_posted_to_the_admin_login_are_a_400(client):
    response = client.post("/admin/login/", {f"f{number}": "1" for number in range(1_100)})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path", ["//evil.example.com/", "//evil.example.com/news/", "/zh-hans//evil.example.com/"]
)
def test_paths_that_look_like_other_hosts_are_answered_on_this_site(client, path):
    """A scheme-relative path must not become a link to another host on the 404 page."""
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    links = re.findall(r'href="([^"]*evil[^"]*)"', response.content.decode())
    assert links
    assert not [link for link in links if link.startswith("//")], links


@pytest.mark.parametrize("path", ["//[x/", "/news//[x", "/zh-hans//[x/", "//[::1]/"])
def test_paths_that_are_not_urls_are_404(client, path):
    assert client.get("/", PATH_INFO=path).status_code == 404
