"""Property-based: whatever a client sends (query string, headers, path), no public page, feed,
sitemap, CSV, JSON or search answer is a server error.

Hypothesis generates the requests: any text in parameter names and values (NUL, controls,
surrogate-free Unicode, percent signs), raw query strings that are not even well encoded, every
header a browser, proxy or crawler sends with arbitrary values, and paths made of arbitrary
segments under every public address. A failing example is printed and replayed first next time.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

#: Examples per test: every address several times over, in a few seconds per test.
EXAMPLES = 100
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The content is made once per test and only read by the requests.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def addresses(db):
    """Every kind of public address, with real content behind it, in both languages."""
    city = CityFactory(slug="baotou", name="Baotou")
    programme = ProgrammeFactory(slug="demonstration-cities")
    article = ArticleFactory(
        slug="baotou-approved", cities=[city], programmes=[programme], tags=["innovation"]
    )
    metric = MetricFactory(slug="experts")
    MetricValueFactory(metric=metric, city=city, source_article=article)
    DesignationFactory(city=city, programme=programme, source_article=article)
    english = [
        "/", "/news/", article.get_absolute_url(), "/announcements/", "/programmes/",
        f"/programmes/{programme.slug}/", "/cities/", f"/cities/{city.slug}/", "/metrics/",
        f"/metrics/{metric.slug}/", f"/metrics/{metric.slug}/metadata.json",
        f"/cities/{city.slug}/figures/{metric.slug}.csv", "/tags/innovation/", "/search/",
        "/news/feed/", "/news/feed/atom/", f"/cities/{city.slug}/feed/",
        f"/programmes/{programme.slug}/feed/atom/", "/tags/innovation/feed/",
        "/announcements/feed/", "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-cities.xml",
        "/robots.txt",
    ]  # fmt: skip
    chinese = [
        f"/zh-hans{path}" for path in english if not path.startswith(("/sitemap", "/robots"))
    ]
    return english + chinese


#: Text a client can put anywhere: every character but surrogates, which no UTF-8 request holds.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
#: Text that is valid in a WSGI header (a latin-1 string), control characters included.
HEADER_TEXT = st.text(st.characters(max_codepoint=255), max_size=80)
PARAMETER_NAMES = st.one_of(
    st.sampled_from(["q", "page", "kind", "city", "programme", "tag", "year", "period",
                     "format", "status", "province", "metric", "p", "sort", "lang"]),
    ANY_TEXT,
)  # fmt: skip
HEADERS = [
    "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING", "HTTP_COOKIE", "HTTP_RANGE",
    "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST", "HTTP_X_REQUEST_ID", "HTTP_ORIGIN", "CONTENT_TYPE",
]  # fmt: skip


def assert_no_server_error(response, request_description):
    assert response.status_code < 500, request_description


@HYPOTHESIS
@given(
    data=st.data(),
    parameters=st.lists(st.tuples(PARAMETER_NAMES, ANY_TEXT), max_size=6),
)
def test_any_query_parameters(addresses, data, parameters):
    address = data.draw(st.sampled_from(addresses))
    query = {}
    for name, value in parameters:
        query.setdefault(name, []).append(value)
    response = Client().get(address, query)
    assert_no_server_error(response, (address, query))


@HYPOTHESIS
@given(data=st.data(), raw=st.text(st.characters(max_codepoint=255), max_size=120))
def test_any_raw_query_string(addresses, data, raw):
    """Bytes a browser would never send: bad percent-escapes, lone `=` and `&`, controls."""
    address = data.draw(st.sampled_from(addresses))
    response = Client().get(address, QUERY_STRING=raw)
    assert_no_server_error(response, (address, raw))


@HYPOTHESIS
@given(data=st.data(), headers=st.dictionaries(st.sampled_from(HEADERS), HEADER_TEXT, max_size=5))
def test_any_headers(addresses, data, headers):
    address = data.draw(st.sampled_from(addresses))
    response = Client().get(address, **headers)
    assert_no_server_error(response, (address, headers))


@HYPOTHESIS
@given(data=st.data(), host=HEADER_TEXT)
def test_any_host(addresses, data, host):
    address = data.draw(st.sampled_from(addresses))
    response = Client().get(address, HTTP_HOST=host)
    assert_no_server_error(response, (address, host))


@HYPOTHESIS
@given(
    data=st.data(),
    segments=st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=20), max_size=4),
)
def test_any_path_under_a_public_address(addresses, data, segments):
    base = data.draw(st.sampled_from(addresses)).rstrip("/")
    path = "/".join([base, *segments]) + data.draw(st.sampled_from(["", "/"]))
    # As a browser sends it: percent-encoded UTF-8; a `%` stays, so bad escapes reach us too.
    response = Client().get(quote(path or "/", safe="/%"))
    assert_no_server_error(response, path)


@HYPOTHESIS
@given(data=st.data(), query=st.text(st.characters(exclude_categories=["Cs"]), max_size=60))
def test_any_search(addresses, data, query):
    """Search syntax (quotes, minus, `or`), Chinese, punctuation, NUL: ranked or refused."""
    prefix = data.draw(st.sampled_from(["", "/zh-hans"]))
    response = Client().get(f"{prefix}/search/", {"q": query})
    assert_no_server_error(response, query)
