"""RSS and Atom feeds parse cleanly, hold only public articles and mirror the filtered lists."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, CityFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A feed: its scope object, the articles, their cities and tags. Guards against per-item queries.
FEED_MAX_QUERIES = 6


@pytest.fixture
def newsroom():
    baotou = CityFactory(name="Baotou", name_zh="包头市", slug="baotou")
    hohhot = CityFactory(name="Hohhot", slug="hohhot")
    programme = ProgrammeFactory(name="Demonstration cities", slug="demo-cities")
    ArticleFactory(
        title="Baotou approved as a demonstration city",
        slug="baotou-approved",
        summary="One of 39 regions approved for 2023-2025.",
        body="<p>Baotou has <strong>2,333 experts</strong> on the platform.</p>",
        kind=Article.Kind.ANNOUNCEMENT,
        published_at=datetime(2023, 7, 4, 9, tzinfo=SHANGHAI),
        updated_on=date(2023, 7, 6),
        cities=[baotou],
        programmes=[programme],
        tags=["innovation-driven"],
    )
    ArticleFactory(title="Hohhot policy for engineers", kind=Article.Kind.POLICY, cities=[hohhot])
    ArticleFactory(title="Baotou academic events", kind=Article.Kind.NEWS, cities=[baotou],
                   tags=["academic"])  # fmt: skip
    ArticleFactory(title="Draft about Baotou", status=Article.Status.DRAFT, cities=[baotou])
    ArticleFactory(title="Scheduled about Baotou", cities=[baotou], tags=["innovation-driven"],
                   published_at=timezone.now() + timedelta(days=1))  # fmt: skip


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    for entry in feed.entries:
        assert entry.title and entry.link and entry.published_parsed
        if feed.version == "atom10":
            assert dict.get(entry, "updated_parsed")
    return response, feed


FEED_URLS = [
    "/news/feed/",
    "/news/feed/?kind=announcement",
    "/news/feed/?kind=policy&city=hohhot",
    "/news/feed/?city=baotou&tag=innovation-driven&programme=demo-cities&year=2023",
    "/cities/baotou/feed/",
    "/programmes/demo-cities/feed/",
    "/tags/innovation-driven/feed/",
    "/zh-hans/news/feed/",
]


@pytest.mark.parametrize("url", FEED_URLS)
@pytest.mark.parametrize("flavour", ["rss", "atom"])
def test_every_feed_parses_cleanly_with_only_public_articles(client, newsroom, url, flavour):
    if flavour == "atom":
        path, _, query = url.partition("?")
        url = f"{path}atom/" + (f"?{query}" if query else "")
    response, feed = parse(client, url)
    expected = "application/atom+xml" if flavour == "atom" else "application/rss+xml"
    assert response["Content-Type"].startswith(expected)
    assert feed.version == ("atom10" if flavour == "atom" else "rss20")
    titles = [entry.title for entry in feed.entries]
    assert titles, url
    assert not any("Draft" in title or "Scheduled" in title for title in titles)


def test_feed_items_have_links_dates_summaries_full_content_and_categories(client, newsroom):
    for url in ["/news/feed/?kind=announcement", "/news/feed/atom/?kind=announcement"]:
        _response, feed = parse(client, url)
        (entry,) = feed.entries
        assert entry.title == "Baotou approved as a demonstration city"
        assert entry.link == "http://testserver/news/2023/07/04/baotou-approved/"
        assert entry.summary == "One of 39 regions approved for 2023-2025."
        assert "<strong>2,333 experts</strong>" in entry.content[0].value
        assert entry.published_parsed[:3] == (2023, 7, 4)
        if "atom" in url:  # RSS 2.0 has no item update date
            assert dict.get(entry, "updated_parsed")[:4] == (2023, 7, 5, 16)  # 6 July, Shanghai
        terms = {tag.term for tag in entry.tags}
        assert {"Announcement", "Baotou", "innovation-driven"} <= terms


def test_filtered_feed_matches_its_list_page(client, newsroom):
    query = "kind=news&city=baotou"
    list_titles = [a.title for a in client.get(f"/news/?{query}").context["articles"]]
    _response, feed = parse(client, f"/news/feed/?{query}")
    assert [entry.title for entry in feed.entries] == list_titles == ["Baotou academic events"]
    assert feed.feed.link == f"http://testserver/news/?{query}"
    assert "News" in feed.feed.title and "Baotou" in feed.feed.title


@pytest.mark.parametrize(
    ("page", "rss"),
    [
        ("/news/?kind=policy&city=hohhot&page=1", "/news/feed/?kind=policy&amp;city=hohhot"),
        ("/news/", "/news/feed/"),
        ("/cities/baotou/", "/cities/baotou/feed/"),
        ("/programmes/demo-cities/", "/programmes/demo-cities/feed/"),
        ("/tags/innovation-driven/", "/tags/innovation-driven/feed/"),
        ("/announcements/", "/announcements/feed/"),
        ("/announcements/?status=approved&page=1", "/announcements/feed/?status=approved"),
        ("/", "/news/feed/"),
        ("/zh-hans/cities/baotou/", "/zh-hans/cities/baotou/feed/"),
    ],
)
def test_pages_link_their_feed_twins_for_autodiscovery(client, newsroom, page, rss):
    html = client.get(page).content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="RSS' in html or (
        "zh-hans" in page and 'type="application/rss+xml"' in html
    )
    assert f'href="{rss}"' in html
    atom = rss.replace("feed/", "feed/atom/")
    assert '<link rel="alternate" type="application/atom+xml"' in html and f'href="{atom}"' in html


def test_article_feed_link_and_chinese_city_names_in_chinese_feed(client, newsroom):
    _response, feed = parse(client, "/zh-hans/cities/baotou/feed/")
    assert "包头市" in feed.feed.title
    assert all(entry.link.startswith("http://testserver/zh-hans/news/") for entry in feed.entries)


@pytest.mark.parametrize(
    "url",
    ["/news/feed/?kind=gossip", "/news/feed/?city=atlantis", "/news/feed/?year=abc",
     "/cities/atlantis/feed/", "/tags/nothing/feed/atom/", "/programmes/none/feed/"],
)  # fmt: skip
def test_unknown_feed_scopes_are_404(client, newsroom, url):
    assert client.get(url).status_code == 404


def test_feed_length_and_query_count_are_bounded(client, django_assert_max_num_queries):
    city = CityFactory(slug="baotou")
    for index in range(40):
        ArticleFactory(cities=[city, CityFactory()], tags=[f"tag{index}", "shared"])
    for url in ["/news/feed/", "/cities/baotou/feed/atom/", "/tags/shared/feed/"]:
        with django_assert_max_num_queries(FEED_MAX_QUERIES):
            response = client.get(url)
        assert len(feedparser.parse(response.content).entries) == 30


def test_filtered_announcements_have_a_designation_feed_twin(client, newsroom):
    from news.models import City, Designation, Programme

    programme = Programme.objects.get(slug="demo-cities")
    article = Article.objects.get(slug="baotou-approved")
    for city, status in [("baotou", "approved"), ("hohhot", "pilot")]:
        Designation.objects.create(programme=programme, city=City.objects.get(slug=city),
                                   status=status, announced_on=date(2023, 7, 4),
                                   source_article=article if city == "baotou" else None)  # fmt: skip
    query = "programme=demo-cities&status=approved&year=2023"
    page = client.get(f"/announcements/?{query}")
    assert f'href="/announcements/feed/?{query.replace("&", "&amp;")}"' in page.content.decode()
    listed = [designation.city.name for designation in page.context["designations"]]
    for url in [f"/announcements/feed/?{query}", f"/announcements/feed/atom/?{query}"]:
        _response, feed = parse(client, url)
        assert [entry.title.split(":")[0] for entry in feed.entries] == listed == ["Baotou"]
        assert feed.entries[0].link == f"http://testserver{article.get_absolute_url()}"
        assert "Approved" in feed.feed.title
    _response, everything = parse(client, "/announcements/feed/")
    assert {entry.title.split(":")[0] for entry in everything.entries} == {"Baotou", "Hohhot"}
    assert client.get("/announcements/feed/?status=gossip").status_code == 404
