"""List pages run a fixed number of SQL queries, whatever the number of items they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import Article
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

#: News list: session-free page, count + page of articles + their cities + their tags, plus the
#: filter form's choice lists (cities, programmes, tags). Guards against one query per card.
NEWS_LIST_MAX_QUERIES = 8
#: City page: city, articles, cities + tags of the articles, designations, figures.
CITY_PAGE_MAX_QUERIES = 8
#: Home: lead story, latest news and announcements (each with cities and tags), cities, figures.
HOME_MAX_QUERIES = 14


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def populate(count: int, city):
    programme = ProgrammeFactory()
    for index in range(count):
        kind = Article.Kind.ANNOUNCEMENT if index % 2 else Article.Kind.NEWS
        article = ArticleFactory(cities=[city, CityFactory()], programmes=[programme],
                                 tags=[f"tag{index}", "shared"], kind=kind, is_featured=True)  # fmt: skip
        MetricValueFactory(city=city, source_article=article, period=str(2000 + index))
        DesignationFactory(city=CityFactory(), programme=ProgrammeFactory(), source_article=article)


@pytest.mark.parametrize(
    ("url", "bound"),
    [("/news/", NEWS_LIST_MAX_QUERIES), ("/cities/baotou/", CITY_PAGE_MAX_QUERIES),
     ("/", HOME_MAX_QUERIES), ("/announcements/", NEWS_LIST_MAX_QUERIES)],
)  # fmt: skip
def test_query_count_does_not_grow_with_items(client, url, bound):
    city = CityFactory(slug="baotou", is_featured=True)
    populate(5, city)
    few = count_queries(client, url)
    populate(20, city)
    many = count_queries(client, url)
    assert few == many, f"{url}: {few} queries for 5 items but {many} for 25"
    assert many <= bound


def test_query_count_bounded_with_assert_helper(client, django_assert_max_num_queries):
    city = CityFactory(slug="baotou")
    populate(22, city)
    client.get("/news/?city=baotou")  # filter lists and the count are cached per generation
    with django_assert_max_num_queries(NEWS_LIST_MAX_QUERIES):
        client.get("/news/?city=baotou")
