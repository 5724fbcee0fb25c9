"""The announcements list filters by programme, status, province and year, in bookmarkable URLs."""

from datetime import date

import pytest

from news.models import Designation
from tests.factories import ArticleFactory, CityFactory, DesignationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def designations():
    demo = ProgrammeFactory(name="Demonstration cities", slug="demonstration")
    pilot = ProgrammeFactory(name="Pilot cities", slug="pilot")
    baotou = CityFactory(name="Baotou", province="Inner Mongolia")
    hefei = CityFactory(name="Hefei", province="Anhui")
    wuhu = CityFactory(name="Wuhu", province="Anhui")
    story = ArticleFactory(title="Baotou named a demonstration city")
    DesignationFactory(
        programme=demo, city=baotou, announced_on=date(2023, 7, 4), source_article=story
    )
    DesignationFactory(programme=demo, city=hefei, announced_on=date(2023, 7, 7))
    DesignationFactory(programme=pilot, city=wuhu, status=Designation.Status.PILOT,
                       announced_on=date(2021, 5, 1))  # fmt: skip
    DesignationFactory(programme=pilot, city=baotou, status=Designation.Status.REVOKED,
                       announced_on=date(2022, 1, 1))  # fmt: skip


def shown(client, **query):
    response = client.get("/announcements/", query)
    assert response.status_code == 200
    return [(d.city.name, d.programme.slug) for d in response.context["designations"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [("Hefei", "demonstration"), ("Baotou", "demonstration"), ("Baotou", "pilot"),
              ("Wuhu", "pilot")]),
        ({"programme": "pilot"}, [("Baotou", "pilot"), ("Wuhu", "pilot")]),
        ({"status": "revoked"}, [("Baotou", "pilot")]),
        ({"province": "Anhui"}, [("Hefei", "demonstration"), ("Wuhu", "pilot")]),
        ({"year": "2023"}, [("Hefei", "demonstration"), ("Baotou", "demonstration")]),
        ({"province": "Anhui", "programme": "pilot", "status": "pilot", "year": "2021"},
         [("Wuhu", "pilot")]),
        ({"province": "Anhui", "year": "2022"}, []),
    ],
)  # fmt: skip
def test_filters_combine(client, designations, query, expected):
    assert shown(client, **query) == expected


def test_filter_form_keeps_the_choice_and_links_the_announcing_article(client, designations):
    html = client.get("/announcements/?province=Inner+Mongolia&programme=demonstration").content
    html = html.decode()
    assert '<option value="Inner Mongolia" selected>' in html
    assert "Baotou named a demonstration city</a>" in html
    assert "Clear filters" in html


@pytest.mark.parametrize(
    "query",
    [{"programme": "atlantis"}, {"status": "famous"}, {"province": "Atlantis"}, {"year": "1066"},
     {"year": "soon"}],
)  # fmt: skip
def test_bad_filter_values_are_400_with_an_explanation(client, designations, query):
    response = client.get("/announcements/", query)
    assert response.status_code == 400
    assert "Some filters could not be used" in response.content.decode()


def test_programme_page_lists_cities_by_status_with_counts(client, designations):
    html = client.get("/programmes/pilot/").content.decode()
    assert "1 city — pilot" in html and "1 city — revoked" in html
    assert "/announcements/?programme=pilot&amp;status=revoked" in html
    demonstration = client.get("/programmes/demonstration/").content.decode()
    assert "2 cities — approved" in demonstration
    story = ArticleFactory._meta.model.objects.get(title="Baotou named a demonstration city")
    assert f'<a href="{story.get_absolute_url()}">announcement</a>' in demonstration


#: Announcements: count, one page of designations with programme, city and article, plus the
#: filter form's programmes and provinces. Guards against one query per row.
ANNOUNCEMENTS_MAX_QUERIES = 6


def test_filtered_announcements_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    from news.views.register import DESIGNATIONS_PAGE_SIZE

    programme = ProgrammeFactory(slug="big")
    for _ in range(DESIGNATIONS_PAGE_SIZE + 5):
        DesignationFactory(programme=programme, city=CityFactory(province="Anhui"),
                           source_article=ArticleFactory())  # fmt: skip
    with django_assert_max_num_queries(ANNOUNCEMENTS_MAX_QUERIES):
        response = client.get("/announcements/", {"programme": "big", "province": "Anhui"})
    assert len(response.context["designations"]) == DESIGNATIONS_PAGE_SIZE
