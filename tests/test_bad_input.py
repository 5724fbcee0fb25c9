"""Malformed query strings and unknown addresses end in 400 or 404, never in a server error."""

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
