"""HTTP caching of the public site, seen through HTTP: validators, 304s, Cache-Control, and every
change readers could see (a service write, the admin, a scheduled time arriving) moving the ETag.

An anonymous reader (`reader`, a client with no cookies) gets `public` responses with a strong
ETag and Last-Modified; a conditional GET is answered 304 after one query, before the view runs.
Staff, previews, the admin, bad input and anything that sets a cookie are `private, no-store`.
The clock is moved with time-machine; nothing runs in between.
"""

import re
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from cityinno.urls import urlpatterns as site_urlpatterns
from news import services
from news.caching import public_cache
from news.models import Article, PublicationState
from news.views.articles import ArticleListView
from tests.factories import (
    ArticleFactory,
    CityFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))
#: settings.HTTP_CACHE_MAX_AGE and HTTP_CACHE_STALE_WHILE_REVALIDATE by default.
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 300
#: A scheduled article this far ahead shortens every public response's max-age to it.
SCHEDULED_IN = timedelta(seconds=30)
#: The one query a 304 costs: reading the publication state row.
QUERIES_FOR_A_304 = 1
STRONG_ETAG = re.compile(r'"[!#-~]+"')  # quoted, no W/ prefix, no inner quote

CITY_SLUG, METRIC_SLUG = "baotou", "experts"
#: One of each kind of public answer: HTML pages, a feed, a sitemap, CSV and JSON.
PUBLIC_ANSWERS = {
    "home page": lambda newsroom: "/",
    "news list": lambda newsroom: "/news/",
    "article": lambda newsroom: newsroom["article"].get_absolute_url(),
    "feed": lambda newsroom: "/news/feed/",
    "sitemap": lambda newsroom: "/sitemap.xml",
    "figures CSV": lambda newsroom: f"/cities/{CITY_SLUG}/figures/{METRIC_SLUG}.csv",
    "metric metadata": lambda newsroom: f"/metrics/{METRIC_SLUG}/metadata.json",
}
LIST_URL, FEED_URL = "/news/", "/news/feed/"
COOKIE_SETTING_URL = "/test-only/sets-a-cookie/"


@public_cache
def _public_view_that_sets_a_cookie(request):
    response = HttpResponse("A public page that sets a cookie.")
    response.set_cookie("visited", "yes")
    return response


#: The site's URLs plus one public view that sets a cookie (used with pytest.mark.urls).
urlpatterns = [path(COOKIE_SETTING_URL.strip("/") + "/", _public_view_that_sets_a_cookie)]
urlpatterns += site_urlpatterns


@pytest.fixture
def reader():
    """An anonymous reader: no session, no messages cookie, nothing logged in."""
    return Client()


@pytest.fixture
def newsroom():
    """One public article, a city with a figure (for the CSV and JSON), a programme."""
    city = CityFactory(name="Baotou", slug=CITY_SLUG)
    metric = MetricFactory(name="Experts on the platform", slug=METRIC_SLUG)
    MetricValueFactory(city=city, metric=metric, period="2023")
    programme = ProgrammeFactory(name="Demonstration cities", slug="demo-cities")
    article = ArticleFactory(
        title="Baotou approved as a demonstration city",
        cities=[city],
        programmes=[programme],
        tags=["innovation-driven"],
    )
    return {"city": city, "metric": metric, "programme": programme, "article": article}


def cache_control(response) -> dict[str, str | bool]:
    """The Cache-Control directives as a dict: `max-age` → "60", `public` → True."""
    directives = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value or True
    return directives


def assert_publicly_cacheable(response, *, max_age: int = MAX_AGE) -> None:
    directives = cache_control(response)
    assert directives.get("public") is True, response.get("Cache-Control")
    assert "private" not in directives and "no-store" not in directives
    assert int(directives["max-age"]) == max_age
    assert int(directives["stale-while-revalidate"]) == STALE_WHILE_REVALIDATE
    assert STRONG_ETAG.fullmatch(response["ETag"]), response["ETag"]


def assert_never_stored(response) -> None:
    directives = cache_control(response)
    assert directives.get("private") is True, response.get("Cache-Control")
    assert directives.get("no-store") is True, response.get("Cache-Control")
    assert "public" not in directives
    assert not response.has_header("ETag")


def etag_of(client, url: str = LIST_URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response["ETag"]


def revalidate(client, url: str, etag: str):
    return client.get(url, headers={"if-none-match": etag})


def revalidate_head(client, url: str, etag: str):
    return client.head(url, headers={"if-none-match": etag})


def draft(author, **fields):
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, author=author, **fields)


# --- what a public response carries ---------------------------------------------------------


def test_settings_give_the_documented_lifetimes(settings):
    assert settings.HTTP_CACHE_MAX_AGE == MAX_AGE
    assert settings.HTTP_CACHE_STALE_WHILE_REVALIDATE == STALE_WHILE_REVALIDATE


@pytest.mark.parametrize("answer", PUBLIC_ANSWERS)
def test_anonymous_public_responses_are_cacheable_with_strong_validators(reader, newsroom, answer):
    url = PUBLIC_ANSWERS[answer](newsroom)
    response = reader.get(url)
    assert response.status_code == 200, url
    assert_publicly_cacheable(response)
    state = PublicationState.objects.get()
    assert response["Last-Modified"] == http_date(state.changed_at.timestamp())


def test_every_address_has_its_own_etag_and_the_query_string_counts(reader, newsroom):
    urls = ["/", LIST_URL, f"{LIST_URL}?kind=news", f"{LIST_URL}?kind=policy", FEED_URL]
    etags = [etag_of(reader, url) for url in urls]
    assert len(set(etags)) == len(urls)
    assert etag_of(reader, f"{LIST_URL}?kind=news") == etags[2]


# --- conditional GETs -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST_URL, FEED_URL])
def test_repeated_get_with_the_etag_is_not_modified_with_an_empty_body(reader, newsroom, url):
    etag = etag_of(reader, url)
    response = revalidate(reader, url, etag)
    assert response.status_code == 304
    assert response.content == b""
    assert int(cache_control(response)["max-age"]) == MAX_AGE


@pytest.mark.parametrize("url", [LIST_URL, FEED_URL])
def test_not_modified_answer_repeats_the_validators_it_confirms(reader, newsroom, url):
    """RFC 9110 §15.4.5: a 304 MUST carry the ETag a 200 would have carried, so caches that
    store it (and clients that compare it) keep the validator they revalidated with."""
    full = reader.get(url)
    response = revalidate(reader, url, full["ETag"])
    assert response.status_code == 304
    assert response.get("ETag") == full["ETag"]
    assert response.get("Last-Modified") == full["Last-Modified"]
    assert cache_control(response) == cache_control(full)


def test_feed_is_not_modified_since_its_last_modified_but_is_since_earlier(reader, newsroom):
    last_modified = reader.get(FEED_URL)["Last-Modified"]
    response = reader.get(FEED_URL, headers={"if-modified-since": last_modified})
    assert response.status_code == 304
    assert response.content == b""

    earlier = http_date(parse_http_date(last_modified) - 3600)
    response = reader.get(FEED_URL, headers={"if-modified-since": earlier})
    assert response.status_code == 200
    assert b"Baotou approved as a demonstration city" in response.content


def test_an_unknown_etag_gets_the_full_page(reader, newsroom):
    response = revalidate(reader, LIST_URL, '"1.0-not-this-page"')
    assert response.status_code == 200
    assert newsroom["article"].title in response.content.decode()


def test_not_modified_costs_one_query_and_runs_no_view(reader, newsroom, django_assert_num_queries):
    with (
        patch.object(
            ArticleListView, "get", autospec=True, side_effect=ArticleListView.get
        ) as view,
        CaptureQueriesContext(connection) as first_visit,
    ):
        etag = etag_of(reader, LIST_URL)
    assert view.call_count == 1
    assert len(first_visit.captured_queries) > QUERIES_FOR_A_304

    with (
        patch.object(ArticleListView, "get", autospec=True) as view,
        django_assert_num_queries(QUERIES_FOR_A_304) as answered,
    ):
        response = revalidate(reader, LIST_URL, etag)
    assert response.status_code == 304
    assert not view.called
    assert "news_publicationstate" in answered.captured_queries[0]["sql"]


def test_head_answers_like_get(reader, newsroom):
    got = reader.get(LIST_URL)
    head = reader.head(LIST_URL)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Last-Modified"] == got["Last-Modified"]
    assert cache_control(head) == cache_control(got)
    assert revalidate_head(reader, LIST_URL, got["ETag"]).status_code == 304


# --- changes move the ETag ----------------------------------------------------------------------


def test_publishing_an_article_changes_the_list_etag_and_shows_it(reader, editor, newsroom):
    article = draft(editor, title="Hohhot opens an innovation centre")
    before = etag_of(reader)
    services.publish_article(article=article, by=editor)
    response = revalidate(reader, LIST_URL, before)
    assert response.status_code == 200
    assert response["ETag"] != before
    assert article.title in response.content.decode()


def test_unpublishing_an_article_changes_the_list_etag_and_hides_it(reader, editor, newsroom):
    article = ArticleFactory(title="Hohhot opens an innovation centre", author=editor)
    before = etag_of(reader)
    services.unpublish_article(article=article, by=editor)
    response = revalidate(reader, LIST_URL, before)
    assert response.status_code == 200
    assert response["ETag"] != before
    assert article.title not in response.content.decode()


def test_editing_a_published_article_changes_the_list_etag(reader, editor, newsroom):
    article = ArticleFactory(title="Hohhot opens an innovation centre", author=editor)
    before = etag_of(reader)
    article.title = "Hohhot opens its innovation centre"
    services.edit_article(
        article=article, by=editor, opened_version=article.version, change_kind="minor"
    )
    response = revalidate(reader, LIST_URL, before)
    assert response.status_code == 200
    assert response["ETag"] != before
    assert "Hohhot opens its innovation centre" in response.content.decode()


def test_a_scheduled_time_arriving_changes_the_etag_with_no_write(
    reader, editor, newsroom, time_machine
):
    time_machine.move_to(START, tick=False)
    article = draft(editor, title="Scheduled for the morning")
    services.publish_article(article=article, by=editor, when=START + timedelta(hours=2))
    before = reader.get(LIST_URL)
    assert article.title not in before.content.decode()
    assert revalidate(reader, LIST_URL, before["ETag"]).status_code == 304

    time_machine.move_to(START + timedelta(hours=2, seconds=1), tick=False)
    response = revalidate(reader, LIST_URL, before["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert article.title in response.content.decode()


def test_an_expiry_passing_changes_the_etag_and_hides_the_article(
    reader, editor, newsroom, time_machine
):
    time_machine.move_to(START, tick=False)
    article = ArticleFactory(
        title="Offer ends tomorrow",
        published_at=START - timedelta(days=1),
        expires_at=START + timedelta(days=1),
    )
    before = reader.get(LIST_URL)
    assert article.title in before.content.decode()

    time_machine.move_to(START + timedelta(days=1, seconds=1), tick=False)
    response = revalidate(reader, LIST_URL, before["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert article.title not in response.content.decode()


def test_max_age_is_shortened_to_the_next_scheduled_time(reader, editor, newsroom, time_machine):
    time_machine.move_to(START, tick=False)
    article = draft(editor, title="Scheduled in half a minute")
    services.publish_article(article=article, by=editor, when=START + SCHEDULED_IN)
    for url in (LIST_URL, FEED_URL, "/sitemap.xml"):
        assert_publicly_cacheable(reader.get(url), max_age=int(SCHEDULED_IN.total_seconds()))

    later = timedelta(seconds=10)
    time_machine.move_to(START + later, tick=False)
    left = SCHEDULED_IN - later
    assert int(cache_control(reader.get(LIST_URL))["max-age"]) == left.total_seconds()

    time_machine.move_to(START + SCHEDULED_IN + timedelta(seconds=1), tick=False)
    response = reader.get(LIST_URL)
    assert_publicly_cacheable(response, max_age=MAX_AGE)
    assert article.title in response.content.decode()


# --- changes made in the admin ------------------------------------------------------------------


def admin_change_form_data(response, **changes) -> dict:
    """What the admin's change form sends back unchanged (main form and inlines), then `changes`."""
    assert response.status_code == 200
    forms, data = [response.context["adminform"].form], {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    data.update(changes)
    return data


def change_in_admin(admin_client, url: str, **changes):
    data = admin_change_form_data(admin_client.get(url), **changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_renaming_a_programme_in_the_admin_changes_the_etag(reader, admin_client, newsroom):
    programme = newsroom["programme"]
    before = reader.get(LIST_URL)
    assert "Demonstration cities" in before.content.decode()  # in the programme filter
    change_in_admin(
        admin_client,
        f"/admin/news/programme/{programme.pk}/change/",
        name="Innovation demonstration cities",
    )
    response = revalidate(reader, LIST_URL, before["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert "Innovation demonstration cities" in response.content.decode()


def test_changing_a_metric_value_in_the_admin_changes_the_etag(reader, admin_client, newsroom):
    csv_url = f"/cities/{CITY_SLUG}/figures/{METRIC_SLUG}.csv"
    value = newsroom["metric"].values.get()
    before = reader.get(csv_url)
    assert "2333" in before.content.decode()
    change_in_admin(admin_client, f"/admin/news/metricvalue/{value.pk}/change/", value="4096")
    response = revalidate(reader, csv_url, before["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert "4096" in response.content.decode()
    assert "2333" not in response.content.decode()


def test_renaming_a_tag_in_the_admin_changes_the_etag(reader, admin_client, newsroom):
    tag = newsroom["article"].tags.get()
    before = reader.get(LIST_URL)
    change_in_admin(admin_client, f"/admin/taggit/tag/{tag.pk}/change/", name="innovation-led")
    response = revalidate(reader, LIST_URL, before["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert "innovation-led" in response.content.decode()  # in the tag filter


# --- never stored -------------------------------------------------------------------------------


def test_logged_in_editor_gets_private_uncached_public_pages(client, editor, newsroom):
    client.force_login(editor)
    for url in ("/", LIST_URL, newsroom["article"].get_absolute_url(), FEED_URL):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response)


def test_editor_conditional_get_is_answered_in_full(client, reader, editor, newsroom):
    """A staff page may differ from the public one, so the public ETag never gets a 304."""
    etag = etag_of(reader)
    client.force_login(editor)
    response = revalidate(client, LIST_URL, etag)
    assert response.status_code == 200
    assert_never_stored(response)


def test_preview_and_admin_are_never_stored(client, editor, newsroom):
    article = draft(editor, title="Not yet public")
    client.force_login(editor)
    for url in (f"/news/preview/{article.pk}/", "/admin/", "/admin/news/article/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response)


def test_editor_preview_shows_an_edit_to_a_draft_at_once(client, editor, newsroom):
    article = draft(editor, title="First working title")
    client.force_login(editor)
    preview_url = f"/news/preview/{article.pk}/"
    assert "First working title" in client.get(preview_url).content.decode()
    article.title = "Second working title"
    services.edit_article(article=article, by=editor, opened_version=article.version)
    response = client.get(preview_url)
    assert "Second working title" in response.content.decode()
    assert_never_stored(response)


def test_preview_is_never_public_even_without_a_session(reader, newsroom):
    response = reader.get(f"/news/preview/{newsroom['article'].pk}/")
    assert response.status_code == 404
    assert_never_stored(response)


def test_admin_login_page_sets_a_cookie_and_is_never_stored(reader, db):
    response = reader.get("/admin/login/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert_never_stored(response)


def test_reader_with_a_messages_cookie_gets_a_private_page(reader, newsroom):
    reader.cookies["messages"] = "a message for this reader"
    response = reader.get(LIST_URL)
    assert response.status_code == 200
    assert_never_stored(response)


@pytest.mark.urls(__name__)
def test_public_view_that_sets_a_cookie_is_never_stored(reader, db):
    response = reader.get(COOKIE_SETTING_URL)
    assert response.status_code == 200
    assert "visited" in response.cookies
    assert_never_stored(response)
    assert not response.has_header("Last-Modified")


def test_bad_query_string_is_a_400_that_is_never_stored(reader, newsroom):
    response = reader.get(LIST_URL, {"year": "abc"})
    assert response.status_code == 400
    assert_never_stored(response)
    assert reader.head(f"{LIST_URL}?year=abc").status_code == 400


def test_a_page_in_the_language_its_address_names_does_not_vary_by_browser_language(client):
    """One cached copy per address: /news/ is English and /zh-hans/news/ Chinese whatever the
    browser prefers, so a shared cache must not keep a copy per Accept-Language."""
    for url in ["/news/", "/zh-hans/news/"]:
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert english.content == chinese.content
        assert "accept-language" not in english.get("Vary", "").lower(), url
