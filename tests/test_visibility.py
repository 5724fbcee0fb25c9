"""The one rule of what the public sees: published, and its publish time has come."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, CityFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.ARCHIVED]


def test_published_article_with_past_time_is_public():
    article = ArticleFactory()
    assert list(Article.objects.public()) == [article]
    assert article.is_public


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_unpublished_statuses_are_hidden(status):
    article = ArticleFactory(status=status)
    assert not Article.objects.public().exists()
    assert not article.is_public


def test_future_article_is_hidden_until_its_time():
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert not Article.objects.public().exists()
    assert not article.is_public
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.public().get() == article


def hidden_articles(city, programme):
    articles = [
        ArticleFactory(status=status, title=f"Hidden {status}", cities=[city], programmes=[programme],
                       tags=["secret"])
        for status in HIDDEN_STATUSES
    ]  # fmt: skip
    articles.append(
        ArticleFactory(title="Hidden future", published_at=timezone.now() + timedelta(days=2),
                       cities=[city], programmes=[programme], tags=["secret"])
    )  # fmt: skip
    return articles


def test_hidden_articles_give_404_and_stay_out_of_every_page(client):
    city, programme = CityFactory(slug="baotou"), ProgrammeFactory()
    hidden = hidden_articles(city, programme)
    ArticleFactory(title="Visible story", cities=[city])
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404
    pages = [
        "/", "/news/", f"/news/?city={city.slug}", f"/cities/{city.slug}/", "/cities/",
        f"/programmes/{programme.slug}/", "/tags/secret/",
    ]  # fmt: skip
    for url in pages:
        html = client.get(url).content.decode()
        assert "Hidden" not in html, url
    assert "Visible story" in client.get("/news/").content.decode()


def test_city_list_counts_only_public_articles(client):
    city = CityFactory(name="Baotou")
    hidden_articles(city, ProgrammeFactory())
    ArticleFactory(cities=[city])
    response = client.get("/cities/")
    assert response.context["cities"].get(pk=city.pk).public_article_count == 1
    assert "1 article<" in response.content.decode()
