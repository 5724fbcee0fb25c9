"""Every public page answers 200 with the content that matters."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from news.models import Article, Designation
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def baotou_story():
    city = CityFactory(name="Baotou", name_zh="包头市", slug="baotou", is_featured=True)
    programme = ProgrammeFactory(name="Innovation-driven demonstration cities 2023-2025")
    article = ArticleFactory(
        title="Baotou among demonstration cities",
        slug="baotou-demo",
        published_at=datetime(2023, 7, 4, 9, tzinfo=SHANGHAI),
        updated_on=date(2023, 7, 4),
        body="<p>Baotou brought <strong>2,333 experts</strong> onto the platform.</p>",
        cities=[city],
        programmes=[programme],
        tags=["innovation"],
        is_featured=True,
    )
    metric = MetricFactory(name="Experts on the platform", unit="experts")
    MetricValueFactory(metric=metric, city=city, value=Decimal("2333"), source_article=article)
    DesignationFactory(programme=programme, city=city, source_article=article)
    return article


def test_article_page_shows_breadcrumb_dates_body_links_and_figures(client, baotou_story):
    response = client.get("/news/2023/07/04/baotou-demo/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Breadcrumb"' in html and ">News</a>" in html
    assert "<h1>Baotou among demonstration cities</h1>" in html
    assert "Updated: <time" in html and "2023-07-04" in html
    assert (
        '<strong><a class="figure-link" href="/metrics/experts-on-the-platform/" '
        'title="Experts on the platform">2,333</a> experts</strong>'
    ) in html
    assert 'href="/cities/baotou/"' in html
    assert 'href="/programmes/innovation-driven-demonstration-cities-2023-2025/"' in html
    assert 'href="/tags/innovation/"' in html
    assert "Experts on the platform" in html and ">2,333<" in html and "experts" in html


def test_article_breadcrumb_names_the_kind(client):
    article = ArticleFactory(kind=Article.Kind.ANNOUNCEMENT)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/news/?kind=announcement">Announcement</a>' in html


def test_article_at_a_wrong_date_redirects_permanently(client, baotou_story):
    response = client.get("/news/2023/07/05/baotou-demo/")
    assert response.status_code == 301
    assert response["Location"] == "/news/2023/07/04/baotou-demo/"


def test_home_shows_news_announcements_cities_and_figures(client, baotou_story):
    ArticleFactory(title="Hefei named", kind=Article.Kind.ANNOUNCEMENT)
    html = client.get("/").content.decode()
    assert "Baotou among demonstration cities" in html
    assert "Hefei named" in html
    assert 'href="/cities/baotou/"' in html
    assert ">2,333<" in html


def test_news_list_filters_combine(client, baotou_story):
    other_city = CityFactory(slug="hohhot")
    ArticleFactory(title="Hohhot policy", kind=Article.Kind.POLICY, cities=[other_city])
    ArticleFactory(title="Hohhot news", kind=Article.Kind.NEWS, cities=[other_city])
    response = client.get("/news/?kind=policy&city=hohhot")
    titles = [article.title for article in response.context["articles"]]
    assert titles == ["Hohhot policy"]
    response = client.get("/news/?year=2023&tag=innovation&programme="
                          + baotou_story.programmes.get().slug)  # fmt: skip
    assert [article.title for article in response.context["articles"]] == [baotou_story.title]


def test_news_list_paginates_20_newest_first(client):
    ArticleFactory.create_batch(25)
    response = client.get("/news/")
    articles = list(response.context["articles"])
    assert len(articles) == 20
    assert articles == sorted(articles, key=lambda article: article.published_at, reverse=True)
    assert len(client.get("/news/?page=2").context["articles"]) == 5


def test_news_list_shows_a_no_results_state(client):
    ArticleFactory(kind=Article.Kind.NEWS)
    html = client.get("/news/?kind=policy").content.decode()
    assert 'class="no-results"' in html


def test_announcements_list_designations_with_programme_and_article(client, baotou_story):
    html = client.get("/announcements/").content.decode()
    assert "Innovation-driven demonstration cities 2023-2025" in html
    assert baotou_story.get_absolute_url() in html
    assert "Approved" in html


def test_programme_page_counts_cities_by_status(client, baotou_story):
    programme = baotou_story.programmes.get()
    for name in ["Hohhot", "Hefei"]:
        DesignationFactory(programme=programme, city=CityFactory(name=name))
    DesignationFactory(programme=programme, status=Designation.Status.REVOKED)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "3 cities — approved" in html
    assert "1 city — revoked" in html
    assert "Hohhot" in html and "Hefei" in html


def test_programme_list(client, baotou_story):
    html = client.get("/programmes/").content.decode()
    assert "Innovation-driven demonstration cities 2023-2025" in html
    assert "1 city designated" in html


def test_city_list_groups_by_province(client, baotou_story):
    CityFactory(name="Hefei", province="Anhui")
    html = client.get("/cities/").content.decode()
    assert html.index("Anhui") < html.index("Inner Mongolia")
    assert "包头市" in html


def test_city_page_shows_timeline_designations_and_figures(client, baotou_story):
    response = client.get("/cities/baotou/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Baotou" in html and "包头市" in html
    assert baotou_story.title in html
    assert "Innovation-driven demonstration cities 2023-2025" in html
    assert "Experts on the platform" in html and ">2,333<" in html


def test_tag_page_lists_tagged_articles(client, baotou_story):
    ArticleFactory(title="Untagged")
    html = client.get("/tags/innovation/").content.decode()
    assert baotou_story.title in html
    assert "Untagged" not in html
