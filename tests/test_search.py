"""Site search: relevance, snippets, web-search syntax, Chinese, odd input and hidden articles."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from news import services
from news.models import Article
from news.search.index import uses_full_text
from news.search.query import parse_query, python_snippet
from tests.factories import ArticleFactory, CityFactory

pytestmark = pytest.mark.django_db
requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full text search (runs in CI's PostgreSQL pass)",
)


def postgres_only(test):
    return pytest.mark.postgres(requires_postgres(test))


SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Search page: session-free page, count + page of articles + their cities + tags, headlines
#: (PostgreSQL), matching cities, and the filter form's city choices. Guards against one query
#: per result.
SEARCH_MAX_QUERIES = 9


def search(client, query="", **params):
    response = client.get("/search/", {"q": query, **params})
    return response


def titles(response):
    return [article.title for article, _snippet in response.context["results"]]


def test_title_match_outranks_body_match(client):
    ArticleFactory(
        title="Training for engineers",
        body="<p>Talks about aquaculture nearby.</p>",
        published_at=timezone.now() - timedelta(days=1),
    )
    ArticleFactory(
        title="Aquaculture summit",
        body="<p>Fish farming.</p>",
        published_at=timezone.now() - timedelta(days=30),
    )
    response = search(client, "aquaculture")
    assert response.status_code == 200
    assert titles(response) == ["Aquaculture summit", "Training for engineers"]


def test_summary_match_outranks_body_match(client):
    ArticleFactory(title="One", summary="Plain.", body="<p>Hydrogen buses arrive.</p>")
    ArticleFactory(title="Two", summary="Hydrogen buses arrive.", body="<p>Plain.</p>",
                   published_at=timezone.now() - timedelta(days=9))  # fmt: skip
    assert titles(search(client, "hydrogen")) == ["Two", "One"]


def test_snippet_highlights_the_matching_passage_and_escapes_the_rest(client):
    ArticleFactory(
        title="Baotou report",
        summary="",
        body="<p>Intro words. The platform now lists 2,333 experts &amp; <b>1,135</b> achievements "
        "released to local firms.</p>",
    )
    response = search(client, "experts")
    html = response.content.decode()
    snippet = response.context["results"][0][1]
    assert "<mark>experts</mark>" in snippet
    assert "<b>" not in snippet and "&amp;amp;" not in snippet
    assert '<p class="snippet">' in html and "<mark>experts</mark>" in html


def test_phrase_and_exclusion(client):
    ArticleFactory(title="Demonstration cities named", body="<p>Innovation demonstration.</p>")
    ArticleFactory(title="Cities demonstration", body="<p>Other order, no phrase.</p>")
    ArticleFactory(title="Demonstration cities in Hefei", body="<p>Anhui.</p>")
    assert set(titles(search(client, '"demonstration cities"'))) == {
        "Demonstration cities named",
        "Demonstration cities in Hefei",
    }
    assert titles(search(client, '"demonstration cities" -hefei')) == ["Demonstration cities named"]


def test_or_finds_either_word(client):
    ArticleFactory(title="Hydrogen trucks")
    ArticleFactory(title="Graphene plant")
    ArticleFactory(title="Unrelated")
    assert set(titles(search(client, "hydrogen or graphene"))) == {
        "Hydrogen trucks",
        "Graphene plant",
    }


@postgres_only
def test_full_text_uses_stemming_and_ranks_with_the_stored_vector(client):
    ArticleFactory(title="A city innovates", body="<p>Nothing else.</p>")
    response = search(client, "innovating cities")
    assert titles(response) == ["A city innovates"]
    assert response.context["results"][0][0].rank > 0


@postgres_only
def test_search_vector_is_stored_indexed_and_kept_current_on_save(editor):
    article = ArticleFactory(title="Original headline", cities=[CityFactory(name="Ordos")])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'"
        )
        assert "gin" in cursor.fetchone()[0].lower()
    vector = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
    assert "'origin':1A" in vector and "'ordo':" in vector  # title weight A; city added
    article = Article.objects.get(pk=article.pk)  # with its stored vector loaded
    article.title = "Rewritten headline"
    services.edit_article(
        article=article, by=editor, opened_version=article.version, change_kind="minor"
    )
    vector = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
    assert "'rewritten':1A" in vector and "origin" not in vector


@postgres_only
def test_postgres_snippet_comes_from_ts_headline(client):
    ArticleFactory(summary="", body="<p>" + "filler " * 80 + "the wetland restoration plan</p>")
    snippet = search(client, "wetland").context["results"][0][1]
    assert "<mark>wetland</mark>" in snippet
    assert snippet.count("filler") < 40  # a passage around the match, not the whole body


@postgres_only
def test_no_results_suggests_a_close_spelling(client):
    ArticleFactory(title="Baotou engineers certified", summary="Engineers and managers.")
    response = search(client, "engneers")
    assert titles(response) == []
    assert response.context["suggestion"] == "engineers"
    assert "?q=engineers" in response.content.decode()


def test_suggestion_is_empty_without_full_text(client):
    if uses_full_text():
        pytest.skip("SQLite behaviour")
    ArticleFactory(title="Baotou engineers certified")
    assert search(client, "engneers").context["suggestion"] == ""


@pytest.mark.parametrize("query", ["包头", "创新", "示范城市"])
def test_chinese_text_is_found_by_substring(client, query):
    ArticleFactory(title="包头入选创新型示范城市名单", body="<p>科技专家二千余人。</p>")
    ArticleFactory(title="English only")
    assert titles(search(client, query)) == ["包头入选创新型示范城市名单"]


def test_chinese_body_and_city_names_are_searchable(client):
    city = CityFactory(name="Baotou", name_zh="包头市")
    ArticleFactory(title="About Baotou", cities=[city])
    ArticleFactory(title="Body only", body="<p>呼和浩特举办学术活动十七场。</p>")
    assert titles(search(client, "包头市")) == ["About Baotou"]
    assert titles(search(client, "学术活动")) == ["Body only"]
    assert [c.name for c in search(client, "包头").context["cities"]] == ["Baotou"]


def test_tags_and_city_names_are_searchable(client):
    ArticleFactory(title="Tagged", tags=["talent"])
    ArticleFactory(title="About Ordos", cities=[CityFactory(name="Ordos")])
    ArticleFactory(title="Neither")
    assert titles(search(client, "talent")) == ["Tagged"]
    assert titles(search(client, "ordos")) == ["About Ordos"]


def test_matching_cities_are_listed(client):
    CityFactory(name="Hohhot", name_zh="呼和浩特市", province="Inner Mongolia")
    html = search(client, "hohhot").content.decode()
    assert 'href="/cities/' in html and "Hohhot" in html


ODD_QUERIES = [
    "",
    "a",
    "x" * 2000,
    "weird " * 400,
    "!!!",
    "?*&^%$#@!~`()[]{}",
    "'; DROP TABLE news_article; --",
    "' OR '1'='1",
    "%_%",
    '"unclosed phrase',
    '""',
    "-",
    "--x",
    "or",
    "a or or b",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "&lt;b&gt;",
    "\x00\x01 nul",
    "\\",
    ":* & | !",
    "😀 emoji",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_give_a_normal_page_and_nothing_unescaped(client, query):
    ArticleFactory(title="Something findable")
    response = search(client, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>" not in html.split("<main", 1)[1]


def test_query_is_echoed_escaped_in_title_heading_and_box(client):
    ArticleFactory(title="<i>x</i>")
    html = search(client, "<i>x</i>").content.decode()
    assert "&lt;i&gt;x&lt;/i&gt;" in html
    assert "<i>x</i>" not in html


def test_hidden_articles_never_appear_in_results_or_counts(client):
    ArticleFactory(title="Visible wetland story")
    ArticleFactory(title="Draft wetland story", status=Article.Status.DRAFT)
    ArticleFactory(title="Review wetland story", status=Article.Status.IN_REVIEW)
    ArticleFactory(title="Archived wetland story", status=Article.Status.ARCHIVED)
    ArticleFactory(title="Future wetland story", published_at=timezone.now() + timedelta(hours=2))
    response = search(client, "wetland")
    assert titles(response) == ["Visible wetland story"]
    assert response.context["page_obj"].paginator.count == 1
    html = response.content.decode()
    assert "1 article matches" in html
    assert "Draft wetland" not in html and "Future wetland" not in html


def test_filters_combine_with_the_query(client):
    hohhot = CityFactory(slug="hohhot")
    old = datetime(2023, 7, 4, 9, tzinfo=SHANGHAI)
    ArticleFactory(title="Hohhot policy on robots", kind=Article.Kind.POLICY, cities=[hohhot],
                   published_at=old)  # fmt: skip
    ArticleFactory(title="Hohhot news on robots", kind=Article.Kind.NEWS, cities=[hohhot],
                   published_at=old)  # fmt: skip
    ArticleFactory(title="Policy on robots elsewhere", kind=Article.Kind.POLICY)
    assert titles(search(client, "robots", kind="policy", city="hohhot")) == [
        "Hohhot policy on robots"
    ]
    assert len(titles(search(client, "robots", year="2023"))) == 2
    assert titles(search(client, "robots", year="2024")) == []


def test_bad_filter_is_a_form_error_not_a_crash(client):
    response = search(client, "robots", kind="gossip", city="atlantis", year="soon")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_results_paginate(client):
    for index in range(25):
        ArticleFactory(title=f"Robotics story {index}")
    first = search(client, "robotics")
    assert len(first.context["results"]) == 20
    assert first.context["page_obj"].paginator.count == 25
    second = search(client, "robotics", page=2)
    assert len(second.context["results"]) == 5
    assert 'rel="prev"' in second.content.decode()
    assert search(client, "robotics", page="nonsense").status_code == 200


def test_search_query_count_is_bounded(client, django_assert_max_num_queries):
    city = CityFactory(name="Robotown")
    for index in range(30):
        ArticleFactory(title=f"Robotics {index}", cities=[city, CityFactory()],
                       tags=[f"tag{index}", "robotics"])  # fmt: skip
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        response = search(client, "robotics")
    assert len(response.context["results"]) == 20


def test_parse_query_understands_web_search_syntax():
    parsed = parse_query('"innovation china" pilot -revoked OR baotou')
    assert parsed.groups == [["innovation china", "pilot"], ["baotou"]]
    assert parsed.excluded == ["revoked"]
    assert parse_query("!!! ... ,,,").is_empty
    assert len(parse_query("word " * 500).terms) <= 12


def test_python_snippet_escapes_and_marks():
    snippet = python_snippet("Before <tag> 2,333 Experts & more", ["experts"])
    assert snippet == "Before &lt;tag&gt; 2,333 <mark>Experts</mark> &amp; more"


def test_rebuild_search_index_picks_up_a_renamed_city(client):
    city = CityFactory(name="Oldname")
    ArticleFactory(title="About a city", cities=[city])
    city.name = "Newname"
    city.save()
    call_command("rebuild_search_index", stdout=StringIO())
    assert titles(search(client, "newname")) == ["About a city"]


@postgres_only
def test_chinese_is_indexed_as_bigrams_and_searched_through_the_index(client):
    article = ArticleFactory(title="包头入选示范城市", body="<p>Innovation platform.</p>")
    vector = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
    assert "'示范':" in vector and "'范城':" in vector
    assert titles(search(client, "范城")) == ["包头入选示范城市"]  # a substring inside the run
    assert titles(search(client, "城示")) == []  # characters present, but not in this order
    assert titles(search(client, "包头 innovation")) == ["包头入选示范城市"]
    assert titles(search(client, "包头 -innovation")) == []
    assert titles(search(client, "包")) == ["包头入选示范城市"]  # one character: substring


@postgres_only
def test_articles_saved_in_the_admin_are_found_by_their_city(client, superuser):
    from tests.helpers import article_post_data

    city = CityFactory(name="Wuhai", slug="wuhai")
    client.force_login(superuser)
    data = article_post_data(title="Solar park opens", cities=[city.pk])
    assert client.post("/admin/news/article/add/", data).status_code == 302
    client.logout()
    # Publish without saving the model again, so only the admin's indexing is tested.
    Article.objects.filter(title="Solar park opens").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    assert titles(search(client, "Wuhai")) == ["Solar park opens"]


@postgres_only
def test_renaming_a_city_reindexes_its_articles(client, superuser):
    city = CityFactory(name="Baotou", slug="baotou", province="Inner Mongolia")
    ArticleFactory(title="Rare earth forum", cities=[city])
    client.force_login(superuser)
    data = {"name": "Paotow", "name_zh": city.name_zh, "slug": "baotou",
            "province": "Inner Mongolia", "level": "prefecture",
            "figures-TOTAL_FORMS": "0", "figures-INITIAL_FORMS": "0",
            "metric_values-TOTAL_FORMS": "0", "metric_values-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(f"/admin/news/city/{city.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert titles(search(client, "Paotow")) == ["Rare earth forum"]


@postgres_only
def test_importing_city_names_reindexes_their_articles(client, tmp_path):
    city = CityFactory(name="Baotou", name_zh="包头市", slug="baotou", province="Inner Mongolia")
    ArticleFactory(title="Rare earth forum", cities=[city])
    path = tmp_path / "cities.csv"
    path.write_text(
        "slug,name,name_zh,province,level,division_code,summary\n"
        "baotou,Paotow,包头市,Inner Mongolia,prefecture,,\n",
        encoding="utf-8",
    )
    call_command("import_cities", str(path), stdout=StringIO())
    assert titles(search(client, "Paotow")) == ["Rare earth forum"]
