"""The admin: every model's change list and add form work for an editor with full rights."""

import pytest
from taggit.models import Tag

from news.models import Article, City
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricValueFactory,
)
from tests.helpers import MANAGEMENT_FORM

pytestmark = pytest.mark.django_db

MODELS = ["city", "programme", "designation", "article", "metric", "metricvalue"]


@pytest.fixture
def some_rows():
    article = ArticleFactory(tags=["innovation"])
    MetricValueFactory(source_article=article)
    DesignationFactory(source_article=article)
    return article


@pytest.mark.parametrize("model", MODELS)
def test_change_list_and_add_form_render(admin_client, some_rows, model):
    changelist = admin_client.get(f"/admin/news/{model}/")
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert admin_client.get(f"/admin/news/{model}/add/").status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_form_renders(admin_client, some_rows, model):
    changelist = admin_client.get(f"/admin/news/{model}/")
    first = changelist.context["cl"].result_list[0]
    assert admin_client.get(f"/admin/news/{model}/{first.pk}/change/").status_code == 200


def test_change_list_search_and_filters(admin_client):
    CityFactory(name="Baotou", name_zh="包头市", province="Inner Mongolia")
    CityFactory(name="Hefei", province="Anhui")
    response = admin_client.get("/admin/news/city/", {"q": "包头"})
    assert [city.name for city in response.context["cl"].result_list] == ["Baotou"]
    response = admin_client.get("/admin/news/city/", {"province": "Anhui"})
    assert [city.name for city in response.context["cl"].result_list] == ["Hefei"]


def article_form_data(**overrides):
    data = {
        "title": "Wuhu joins the list",
        "slug": "wuhu-joins-the-list",
        "kind": "news",
        "summary": "Short.",
        "body": '<p onclick="steal()">Text<script>alert(1)</script></p>',
        "status": "draft",
        "byline": "Staff",
        "new_tags": "innovation, talent",
        **MANAGEMENT_FORM,
    }
    data.update(overrides)
    return data


def test_adding_an_article_sanitises_body_sets_author_and_tags(admin_client, superuser):
    Tag.objects.create(name="existing", slug="existing")
    existing = Tag.objects.get(slug="existing")
    response = admin_client.post("/admin/news/article/add/", article_form_data(tags=[existing.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="wuhu-joins-the-list")
    assert article.body == "<p>Text</p>"
    assert article.author == superuser
    assert sorted(article.tags.names()) == ["existing", "innovation", "talent"]


def test_article_figures_are_editable_inline(admin_client):
    city = CityFactory()
    from tests.factories import MetricFactory

    metric = MetricFactory()
    data = article_form_data(**{
        "figures-TOTAL_FORMS": "1",
        "figures-0-metric": metric.pk,
        "figures-0-city": city.pk,
        "figures-0-period": "2023",
        "figures-0-value": "514",
    })  # fmt: skip
    response = admin_client.post("/admin/news/article/add/", data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    figure = Article.objects.get().figures.get()
    assert (figure.metric, figure.city, figure.value) == (metric, city, 514)


def test_tag_autocomplete_finds_existing_tags(admin_client):
    ArticleFactory(tags=["innovation", "talent"])
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "news", "model_name": "article", "field_name": "tags", "term": "inno"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["innovation"]


def test_city_autocomplete_finds_by_chinese_name(admin_client):
    CityFactory(name="Baotou", name_zh="包头市")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "news", "model_name": "article", "field_name": "cities", "term": "包头"},
    )
    assert [row["text"] for row in response.json()["results"]] == ["Baotou (包头市)"]


def test_invalid_division_code_is_a_form_error(admin_client):
    response = admin_client.post(
        "/admin/news/city/add/",
        {"name": "Baotou", "slug": "baotou", "province": "Inner Mongolia", "level": "prefecture",
         "division_code": "15020", "figures-TOTAL_FORMS": "0", "figures-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "exactly six digits" in response.content.decode()
    assert not City.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/news/city/?province=%00",
        "/admin/news/article/?status=a%00b",
        "/admin/news/city/?%00=1",
    ],
)
def test_nul_characters_in_admin_filters_are_a_bad_request(admin_client, url):
    CityFactory(province="Anhui")
    assert admin_client.get(url).status_code == 400
    assert admin_client.get("/admin/news/city/?province=Anhui").status_code == 200
