"""Page metadata (titles, descriptions, canonical, Open Graph, JSON-LD) and related reading."""

import json
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from news.models import Article
from news.models import Image as LibraryImage
from tests.factories import ArticleFactory, CityFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Article page: the article, tags, cities, programmes, figures, images for the text, related
#: (+ cities and tags), previous and next. Guards against the related list costing a query per
#: card.
ARTICLE_MAX_QUERIES = 12
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


class HeadParser(HTMLParser):
    """Collects <title>, <meta>, <link> and JSON-LD scripts."""

    def __init__(self):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld = "", {}, [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld.append(json.loads(data))


def head(client, url) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def link_href(parser, **wanted):
    return [
        link["href"]
        for link in parser.links
        if all(link.get(key) == value for key, value in wanted.items())
    ]


@pytest.fixture
def story(settings):
    baotou = CityFactory(name="Baotou", name_zh="包头市", slug="baotou", province="Inner Mongolia",
                         division_code="150200", summary="A city on the Yellow River.")  # fmt: skip
    programme = ProgrammeFactory(slug="demo-cities")
    article = ArticleFactory(
        title="Baotou approved as a demonstration city",
        slug="baotou-approved",
        summary="One of 39 regions approved for 2023-2025.",
        seo_title="Baotou: demonstration city 2023-2025",
        seo_description="Baotou joins 38 other regions as an innovation-driven city.",
        byline="Staff reporter",
        published_at=datetime(2023, 7, 4, 9, tzinfo=SHANGHAI),
        updated_on=date(2023, 7, 6),
        cities=[baotou],
        programmes=[programme],
        tags=["innovation"],
    )
    # A hero stored before renditions were made: pages fall back to the original file.
    hero = LibraryImage.objects.create(
        title="Skyline",
        alt_text="Baotou's skyline",
        file=default_storage.save("articles/hero.gif", ContentFile(GIF)),
    )
    Article.objects.filter(pk=article.pk).update(hero=hero)
    article.refresh_from_db()
    return article


def test_article_has_seo_title_description_canonical_and_open_graph(client, story):
    parser = head(client, "/news/2023/07/04/baotou-approved/?utm_source=mail&fbclid=1")
    assert parser.title == "Baotou: demonstration city 2023-2025 — cityinno"
    assert parser.meta["description"] == story.seo_description
    assert link_href(parser, rel="canonical") == [
        "http://testserver/news/2023/07/04/baotou-approved/"
    ]
    assert parser.meta["og:title"] == story.seo_title
    assert parser.meta["og:type"] == "article"
    assert parser.meta["og:url"] == "http://testserver/news/2023/07/04/baotou-approved/"
    assert re.fullmatch(r"http://testserver/media/articles/hero.*\.gif", parser.meta["og:image"])
    assert parser.meta["twitter:card"] == "summary_large_image"


def test_article_json_ld_is_a_complete_news_article_and_breadcrumb(client, story):
    parser = head(client, story.get_absolute_url())
    by_type = {item["@type"]: item for item in parser.json_ld}
    news = by_type["NewsArticle"]
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == story.title
    assert news["description"] == story.seo_description
    assert news["datePublished"] == "2023-07-04T09:00:00+08:00"
    assert news["dateModified"] == "2023-07-06T00:00:00+08:00"
    assert news["image"][0].startswith("http://testserver/media/articles/hero")
    assert news["author"] == {"@type": "Person", "name": "Staff reporter"}
    assert news["publisher"]["@type"] == "Organization" and news["publisher"]["name"]
    assert news["about"] == [
        {"@type": "City", "name": "Baotou", "alternateName": "包头市",
         "url": "http://testserver/cities/baotou/"}
    ]  # fmt: skip
    crumbs = by_type["BreadcrumbList"]["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "News", story.title]
    assert crumbs[-1]["item"] == "http://testserver/news/2023/07/04/baotou-approved/"


def test_json_ld_cannot_break_out_of_its_script(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_city_page_has_place_data_with_the_chinese_name(client, story):
    parser = head(client, "/cities/baotou/")
    (place,) = [item for item in parser.json_ld if item["@type"] == "City"]
    assert place["name"] == "Baotou" and place["alternateName"] == "包头市"
    assert place["containedInPlace"] == {"@type": "AdministrativeArea", "name": "Inner Mongolia"}
    assert place["identifier"]["value"] == "150200"
    assert parser.title == "Baotou — cityinno"
    assert parser.meta["description"] == "A city on the Yellow River."


def test_author_falls_back_to_the_user_then_the_publisher(client):
    writer = UserFactory(first_name="Li", last_name="Na")
    with_user = ArticleFactory(author=writer, byline="")
    anonymous = ArticleFactory(byline="")
    author = {item["@type"]: item for item in head(client, with_user.get_absolute_url()).json_ld}[
        "NewsArticle"
    ]["author"]
    assert author == {"@type": "Person", "name": "Li Na"}
    fallback = {item["@type"]: item for item in head(client, anonymous.get_absolute_url()).json_ld}
    assert fallback["NewsArticle"]["author"]["@type"] == "Organization"


def test_canonical_keeps_filters_and_pages_but_drops_tracking(client, story):
    ArticleFactory.create_batch(21, kind=Article.Kind.NEWS)
    parser = head(client, "/news/?utm_campaign=x&kind=news&page=2&gclid=abc")
    assert link_href(parser, rel="canonical") == ["http://testserver/news/?kind=news&page=2"]
    parser = head(client, "/news/?page=1&ref=twitter")
    assert link_href(parser, rel="canonical") == ["http://testserver/news/"]


def test_every_page_has_hreflang_alternates(client, story):
    parser = head(client, "/cities/baotou/")
    assert link_href(parser, rel="alternate", hreflang="en") == ["http://testserver/cities/baotou/"]
    assert link_href(parser, rel="alternate", hreflang="zh-hans") == [
        "http://testserver/zh-hans/cities/baotou/"
    ]
    assert link_href(parser, rel="alternate", hreflang="x-default")


PUBLIC_PAGES = [
    "/",
    "/news/",
    "/news/?kind=policy",
    "/news/?city=baotou",
    "/announcements/",
    "/programmes/",
    "/programmes/demo-cities/",
    "/cities/",
    "/cities/baotou/",
    "/tags/innovation/",
    "/news/2023/07/04/baotou-approved/",
    "/search/",
    "/search/?q=baotou",
]


def test_every_public_page_has_a_unique_title_and_description(client, story):
    titles = {}
    for url in PUBLIC_PAGES:
        parser = head(client, url)
        assert parser.title.strip(), url
        assert parser.meta.get("description", "").strip(), url
        assert parser.meta.get("og:title") and parser.meta.get("twitter:card"), url
        assert link_href(parser, rel="canonical"), url
        titles.setdefault(parser.title, []).append(url)
    duplicates = {title: urls for title, urls in titles.items() if len(urls) > 1}
    assert not duplicates


def test_related_reading_shares_a_city_programme_or_tag_newest_first(client, story):
    city = story.cities.get()
    now = datetime(2024, 1, 1, tzinfo=SHANGHAI)
    ArticleFactory(title="Same city", cities=[city], published_at=now)
    ArticleFactory(title="Same programme", programmes=[story.programmes.get()],
                   published_at=now - timedelta(days=1))  # fmt: skip
    ArticleFactory(title="Same tag", tags=["innovation"], published_at=now - timedelta(days=2))
    ArticleFactory(title="Nothing shared", cities=[CityFactory()])
    ArticleFactory(title="Hidden same city", cities=[city], status=Article.Status.DRAFT)
    related = client.get(story.get_absolute_url()).context["related_articles"]
    assert [article.title for article in related] == ["Same city", "Same programme", "Same tag"]


def test_previous_and_next_stay_in_the_same_kind(client, story):
    day = timedelta(days=1)
    kind = story.kind
    ArticleFactory(title="Earlier", kind=kind, published_at=story.published_at - day)
    ArticleFactory(title="Earliest", kind=kind, published_at=story.published_at - 2 * day)
    ArticleFactory(title="Later", kind=kind, published_at=story.published_at + day)
    ArticleFactory(title="Other kind", kind=Article.Kind.POLICY,
                   published_at=story.published_at - day / 2)  # fmt: skip
    ArticleFactory(title="Hidden later", kind=kind, status=Article.Status.DRAFT,
                   published_at=story.published_at + day / 2)  # fmt: skip
    response = client.get(story.get_absolute_url())
    assert response.context["previous_article"].title == "Earlier"
    assert response.context["next_article"].title == "Later"
    html = response.content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_article_page_query_count_is_bounded(client, story, django_assert_max_num_queries):
    city = story.cities.get()
    for index in range(12):
        ArticleFactory(cities=[city, CityFactory()], tags=["innovation", f"t{index}"],
                       kind=story.kind)  # fmt: skip
    with django_assert_max_num_queries(ARTICLE_MAX_QUERIES):
        response = client.get(story.get_absolute_url())
    assert len(response.context["related_articles"]) == 5


def test_editors_can_set_seo_title_and_description_in_the_admin(admin_client, story):
    response = admin_client.get(f"/admin/news/article/{story.pk}/change/")
    html = response.content.decode()
    assert 'name="seo_title"' in html and 'name="seo_description"' in html


def test_city_page_lists_its_news_and_announcements_newest_first(client, story):
    city = story.cities.get()
    ArticleFactory(title="Baotou announcement", kind=Article.Kind.ANNOUNCEMENT, cities=[city],
                   published_at=datetime(2024, 3, 1, tzinfo=SHANGHAI))  # fmt: skip
    ArticleFactory(title="Draft about Baotou", cities=[city], status=Article.Status.DRAFT)
    ArticleFactory(title="About somewhere else", cities=[CityFactory()])
    response = client.get("/cities/baotou/")
    assert [a.title for a in response.context["articles"]] == ["Baotou announcement", story.title]
    html = response.content.decode()
    assert 'href="/news/?city=baotou&amp;kind=announcement"' in html


def test_link_previews_use_the_share_crop_around_the_focal_point(client, story, editor):
    from news import services
    from tests.helpers import library_image

    story.hero = library_image(size=(2000, 1000), name="hero.jpg", focal_x=0.9, focal_y=0.5)
    services.edit_article(
        article=story, by=editor, opened_version=story.version, change_kind="minor"
    )
    parser = head(client, story.get_absolute_url())
    assert re.fullmatch(
        r"http://testserver/media/library/renditions/hero.*-share\.jpg", parser.meta["og:image"]
    )
    crop = story.hero.share_crop
    assert (crop["width"], crop["height"]) == (1200, 630)
    news = next(item for item in parser.json_ld if item["@type"] == "NewsArticle")
    assert news["image"] == [parser.meta["og:image"]]
