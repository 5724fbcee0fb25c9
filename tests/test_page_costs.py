"""Every page the load benchmark measures runs a fixed number of SQL queries, whatever the size
of the archive: the same count with 25 articles as with 65, on a cold cache (right after a
change, when fragments are drawn again) and on a warm one (every other request).

The bounds are named per page; bench/README.md gives the time each page takes at 100,000
articles. A page whose cost grows with the archive fails here long before it is slow.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import Article, City, Metric, Programme
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 25, 65
CITY, PROGRAMME, METRIC, TAG = "baotou", "demonstration-cities", "experts", "hydrogen"

#: page → (its address, the most queries on a cold cache, the most on a warm one). Warm: the
#: publication state row, plus what the page's head needs outside its cached fragment.
PAGES = {
    # Cold: state, lead story, latest news and announcements with their cities, cities, figures.
    "home": ("/", 9, 1),
    # Cold: state, filter lists (cities, programmes, tags), count, page, its cities. Warm: state.
    "news list": ("/news/", 7, 1),
    "deep news page": ("/news/?page=2", 7, 1),
    # Cold: state, article, tags, cities, programmes, figures, change notes, related (2),
    # previous, next. Warm: state (the article itself is cached with the generation).
    "article": (None, 11, 1),
    # Cold: state, tag, count, page, cities. Warm: state, tag.
    "tag": (f"/tags/{TAG}/", 5, 2),
    # Cold: state, city, designations, figures, articles and their cities. Warm: state, city.
    "city": (f"/cities/{CITY}/", 6, 2),
    # Cold: state, metric, periods, values, articles and their cities. Warm: also the periods.
    "metric": (f"/metrics/{METRIC}/", 6, 3),
    # Cold: state, programme, designations, articles and their cities. Warm: state, programme.
    "programme": (f"/programmes/{PROGRAMME}/", 5, 2),
    # Cold: state, filter lists (programmes, provinces), count, page. Warm: state.
    "designations": ("/announcements/", 5, 1),
    # Cold: state, filter lists (cities), ranking, page, its cities, snippets, cities matched.
    "search": ("/search/?q=hydrogen", 7, 1),
    "search for a rare word": ("/search/?q=wetland", 7, 1),
    "Chinese search": ("/search/?q=%E6%B0%A2%E8%83%BD", 7, 1),
    # State, articles, their cities, their tags: a feed is drawn on every request.
    "feed": ("/news/feed/", 4, 4),
    # State, the highest id (which pages exist), the page's articles.
    "sitemap page": ("/sitemap-articles.xml", 3, 3),
}


def grow(count: int) -> Article:
    """An archive of `count` public articles about one city, programme and tag, with figures
    and designations; returns an article in the middle of it."""
    city = City.objects.filter(slug=CITY).first() or CityFactory(slug=CITY)
    programme = Programme.objects.filter(slug=PROGRAMME).first() or ProgrammeFactory(slug=PROGRAMME)
    metric = Metric.objects.filter(slug=METRIC).first() or MetricFactory(slug=METRIC)
    for number in range(Article.objects.count(), count):
        words = "hydrogen 氢能" if number % 2 else "wetland"
        article = ArticleFactory(
            title=f"Story {number}: {words}",
            body=f"<p>{words} figures for the city.</p>",
            kind=Article.Kind.ANNOUNCEMENT if number % 3 == 0 else Article.Kind.NEWS,
            cities=[city, CityFactory()],
            programmes=[programme],
            tags=[TAG, f"topic-{number}"],
            is_featured=number == 0,
        )
        other = CityFactory()
        MetricValueFactory(metric=metric, city=other, source_article=article, source_note="")
        MetricValueFactory(metric=metric, city=city, period=str(1900 + number),
                           source_article=article, source_note="")  # fmt: skip
        DesignationFactory(city=other, programme=programme, source_article=article)
    return Article.objects.order_by("pk")[count // 2]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def costs(client, url) -> tuple[int, int]:
    """(queries on a cold cache, queries on the warm one that follows)."""
    cache.clear()
    return queries(client, url), queries(client, url)


@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_costs_the_same_number_of_queries_at_two_archive_sizes(client, page):
    address, cold_bound, warm_bound = PAGES[page]
    article = grow(SMALL)
    url = address or article.get_absolute_url()
    small = costs(client, url)
    article = grow(LARGE)
    url = address or article.get_absolute_url()
    large = costs(client, url)
    assert small == large, f"{page}: {small} queries with {SMALL} articles, {large} with {LARGE}"
    cold, warm = large
    assert cold <= cold_bound, f"{page}: {cold} queries on a cold cache"
    assert warm <= warm_bound, f"{page}: {warm} queries on a warm cache"
