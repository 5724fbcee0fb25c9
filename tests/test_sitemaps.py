"""sitemap.xml and robots.txt: valid XML, only public content, every address answers 200."""

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from news.models import Article
from tests.factories import (
    ArticleFactory,
    CityFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def site_content():
    city = CityFactory(name="Baotou", name_zh="包头市", slug="baotou")
    programme = ProgrammeFactory(slug="demo-cities")
    public = ArticleFactory(
        title="Public",
        slug="public",
        published_at=datetime(2023, 7, 4, 9, tzinfo=SHANGHAI),
        updated_on=date(2023, 7, 10),
        cities=[city],
        programmes=[programme],
        tags=["innovation", "创新"],
    )
    draft = ArticleFactory(title="Draft", slug="draft", status=Article.Status.DRAFT,
                           tags=["secret"])  # fmt: skip
    MetricValueFactory(metric=MetricFactory(slug="experts"), city=city, source_article=public,
                       source_note="")  # fmt: skip
    MetricValueFactory(metric=MetricFactory(slug="unpublished"), city=city, source_article=draft,
                       source_note="")  # fmt: skip
    ArticleFactory(slug="future", published_at=timezone.now() + timedelta(days=2), tags=["soon"])
    return public


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ElementTree.fromstring(response.content)


def all_sitemap_urls(client) -> list[ElementTree.Element]:
    index = get_xml(client, "/sitemap.xml")
    entries = []
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        entries += get_xml(client, urlsplit(loc.text).path).findall("sm:url", NS)
    return entries


def test_sitemap_index_lists_sections_and_every_address_answers_200(client, site_content):
    entries = all_sitemap_urls(client)
    locations = [entry.find("sm:loc", NS).text for entry in entries]
    assert len(locations) == len(set(locations))
    for location in locations:
        assert client.get(urlsplit(location).path).status_code == 200, location
    paths = {urlsplit(location).path for location in locations}
    assert {"/", "/news/", "/announcements/", "/programmes/", "/cities/"} <= paths
    assert {"/cities/baotou/", "/programmes/demo-cities/", "/tags/innovation/"} <= paths
    assert {"/news/2023/07/04/public/", "/zh-hans/news/2023/07/04/public/"} <= paths
    assert "/tags/%E5%88%9B%E6%96%B0/" in paths  # a Chinese tag
    assert {"/metrics/", "/metrics/experts/"} <= paths


def test_sitemap_has_only_public_content(client, site_content):
    text = "".join(entry.find("sm:loc", NS).text for entry in all_sitemap_urls(client))
    assert "/draft/" not in text and "/future/" not in text
    assert "/tags/secret/" not in text and "/tags/soon/" not in text
    assert "/metrics/unpublished/" not in text


def test_articles_carry_lastmod_and_language_alternates(client, site_content):
    sitemap = get_xml(client, "/sitemap-articles.xml")
    (english,) = [
        url for url in sitemap.findall("sm:url", NS)
        if urlsplit(url.find("sm:loc", NS).text).path == "/news/2023/07/04/public/"
    ]  # fmt: skip
    assert english.find("sm:lastmod", NS).text.startswith("2023-07-10")
    alternates = {
        link.get("hreflang"): urlsplit(link.get("href")).path
        for link in english.findall("xhtml:link", NS)
    }
    assert alternates == {
        "en": "/news/2023/07/04/public/",
        "zh-hans": "/zh-hans/news/2023/07/04/public/",
        "x-default": "/news/2023/07/04/public/",
    }


def test_robots_txt_points_to_the_sitemap_and_keeps_the_admin_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines
