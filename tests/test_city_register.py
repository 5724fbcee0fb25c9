"""The city register: division codes, pinyin slugs, and deletes and merges that never lose articles."""

import pytest

from news.models import City, Designation, MetricValue
from news.services import CityRecordError, delete_city, merge_cities
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricValueFactory,
)

pytestmark = pytest.mark.django_db


def city_form(**overrides):
    data = {
        "name": "Baotou", "name_zh": "包头市", "slug": "", "province": "Inner Mongolia",
        "level": "prefecture", "division_code": "150200",
        "metric_values-TOTAL_FORMS": "0", "metric_values-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_admin_refuses_a_division_code_another_city_has(admin_client):
    CityFactory(name="Baotou", division_code="150200")
    response = admin_client.post("/admin/news/city/add/", city_form(name="Copy"))
    assert response.status_code == 200
    assert "Division code 150200 already belongs to Baotou" in response.content.decode()
    assert City.objects.count() == 1


def test_admin_slug_from_chinese_name_is_pinyin(admin_client):
    response = admin_client.post(
        "/admin/news/city/add/", city_form(name="", name_zh="鄂尔多斯市", division_code="150600")
    )
    assert response.status_code == 302
    assert City.objects.get().slug == "eerduosi"


def test_admin_search_by_english_or_chinese_and_filter_by_level(admin_client):
    CityFactory(name="Baotou", name_zh="包头市", level=City.Level.PREFECTURE)
    CityFactory(name="Beijing", name_zh="北京市", level=City.Level.MUNICIPALITY)
    names = lambda response: [city.name for city in response.context["cl"].result_list]  # noqa: E731
    assert names(admin_client.get("/admin/news/city/", {"q": "Baotou"})) == ["Baotou"]
    assert names(admin_client.get("/admin/news/city/", {"q": "北京"})) == ["Beijing"]
    assert names(admin_client.get("/admin/news/city/", {"level": "municipality"})) == ["Beijing"]


def test_deleting_a_city_articles_are_about_is_refused_with_the_titles():
    city = CityFactory(name="Baotou")
    ArticleFactory(title="Baotou joins the list", cities=[city])
    with pytest.raises(CityRecordError, match="1 article.*Baotou joins the list"):
        delete_city(city=city)
    assert City.objects.filter(pk=city.pk).exists()
    assert city.articles.count() == 1


def test_deleting_an_unreferenced_city_works():
    city = CityFactory()
    delete_city(city=city)
    assert not City.objects.filter(pk=city.pk).exists()


def test_admin_delete_of_a_city_with_articles_is_refused_and_explained(admin_client):
    city = CityFactory(name="Baotou")
    article = ArticleFactory(title="Baotou joins the list", cities=[city])
    url = f"/admin/news/city/{city.pk}/delete/"
    page = admin_client.get(url).content.decode()
    assert "Baotou joins the list" in page and "protected" in page
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert City.objects.filter(pk=city.pk).exists()
    assert list(article.cities.all()) == [city]


def test_admin_bulk_delete_action_also_refuses(admin_client):
    city = CityFactory()
    ArticleFactory(cities=[city])
    free = CityFactory()
    response = admin_client.post(
        "/admin/news/city/",
        {"action": "delete_selected", "_selected_action": [city.pk, free.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert City.objects.filter(pk__in=[city.pk, free.pk]).count() == 2


def test_merge_moves_articles_designations_and_figures_to_the_target():
    source, target = CityFactory(name="Baotou old"), CityFactory(name="Baotou")
    article = ArticleFactory(cities=[source])
    DesignationFactory(city=source)
    MetricValueFactory(city=source, period="2021")
    merge_cities(source=source, into=target)
    assert not City.objects.filter(pk=source.pk).exists()
    assert list(article.cities.all()) == [target]
    assert Designation.objects.get().city == target
    assert MetricValue.objects.get().city == target


def test_merge_with_clashing_figures_is_refused_and_changes_nothing():
    source, target = CityFactory(), CityFactory()
    article = ArticleFactory(cities=[source])
    value = MetricValueFactory(city=source, period="2023")
    MetricValueFactory(city=target, metric=value.metric, period="2023")
    with pytest.raises(CityRecordError, match="both have a value"):
        merge_cities(source=source, into=target)
    assert list(article.cities.all()) == [source]
    assert City.objects.filter(pk=source.pk).exists()


def test_admin_merge_action_moves_articles_then_deletes(admin_client):
    old, new = CityFactory(name="Baotou (old record)"), CityFactory(name="Baotou")
    article = ArticleFactory(cities=[old])
    action = {"action": "merge_into_another_city", "_selected_action": [old.pk]}
    page = admin_client.post("/admin/news/city/", action)
    assert page.status_code == 200 and "Merge into" in page.content.decode()
    assert City.objects.filter(pk=old.pk).exists()
    response = admin_client.post("/admin/news/city/", {**action, "into": new.pk, "apply": "Merge"})
    assert response.status_code == 302
    assert not City.objects.filter(pk=old.pk).exists()
    assert list(article.cities.all()) == [new]


def test_admin_merge_with_a_clash_merges_nothing_and_says_why(admin_client):
    first, second, target = CityFactory(), CityFactory(), CityFactory()
    ArticleFactory(cities=[first])
    clash = MetricValueFactory(city=second, period="2023")
    MetricValueFactory(city=target, metric=clash.metric, period="2023")
    action = {"action": "merge_into_another_city", "_selected_action": [first.pk, second.pk],
              "into": target.pk, "apply": "Merge"}  # fmt: skip
    response = admin_client.post("/admin/news/city/", action, follow=True)
    assert "Nothing was merged" in response.content.decode()
    assert City.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
