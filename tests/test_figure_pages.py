"""Figures on the site: city charts and metric comparisons with their tables, CSV and JSON, the
JSON-LD that carries them, provenance on every value, and bounded queries."""

import csv
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, CityFactory, MetricFactory, MetricValueFactory

pytestmark = pytest.mark.django_db

#: City page: city, articles + their cities and tags, designations, and all the city's figures in
#: one query (every chart is drawn from it). Guards against one query per chart or per point.
CITY_PAGE_MAX_QUERIES = 8
#: Metric page: metric, periods, the period's values (with city and source), articles reporting
#: it + their cities and tags. Guards against one query per city or per point.
METRIC_PAGE_MAX_QUERIES = 8


class TableReader(HTMLParser):
    """The text of each cell of each <table> on a page, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def jsonld(html: str) -> dict:
    """The figures' Dataset block (pages also carry other JSON-LD, such as their breadcrumb)."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    datasets = [data for data in map(json.loads, blocks) if "@graph" in data]
    assert len(datasets) == 1
    return datasets[0]


@pytest.fixture
def experts():
    baotou = CityFactory(name="Baotou", slug="baotou", province="Inner Mongolia")
    hefei = CityFactory(name="Hefei", slug="hefei", province="Anhui")
    ordos = CityFactory(name="Ordos", slug="ordos", province="Inner Mongolia")
    metric = MetricFactory(name="Experts on the platform", slug="experts", unit="experts",
                           description="Experts brought onto the platform.")  # fmt: skip
    story = ArticleFactory(title="Baotou among demonstration cities", slug="baotou-story")
    draft = ArticleFactory(title="Secret draft", status=Article.Status.DRAFT)
    MetricValueFactory(metric=metric, city=baotou, period="2021", value=Decimal("1650"),
                       source_note="City yearbook 2021")  # fmt: skip
    MetricValueFactory(metric=metric, city=baotou, period="2023", value=Decimal("2333"),
                       source_article=story, source_note="")  # fmt: skip
    MetricValueFactory(metric=metric, city=hefei, period="2023", value=Decimal("3520.5"),
                       source_note="Hefei statistics bureau")  # fmt: skip
    MetricValueFactory(metric=metric, city=ordos, period="2023", value=Decimal("999"),
                       source_article=draft, source_note="")  # fmt: skip
    return metric


def test_city_page_draws_an_accessible_svg_chart_with_its_table(client, experts):
    html = client.get("/cities/baotou/").content.decode()
    svg = re.search(r"<svg [^>]*>", html).group()
    assert 'role="img"' in svg and 'aria-label="Chart of Experts on the platform in Baotou' in svg
    assert "2021: 1,650; 2023: 2,333" in svg
    table = next(t for t in tables(html) if t[0][0] == "Period")
    assert table[1:] == [
        ["2021", "1,650", "City yearbook 2021"],
        ["2023", "2,333", "Baotou among demonstration cities"],
    ]
    assert 'href="/news/' in html and 'href="/metrics/experts/"' in html


def test_charts_load_nothing_from_elsewhere(client, experts):
    html = client.get("/cities/baotou/").content.decode()
    assert "<script" not in re.sub(
        r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.DOTALL
    )
    for match in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
        # Canonical and language links name this site's own absolute addresses.
        if not match.startswith("http://testserver/"):
            pytest.fail(f"outside asset referenced: {match}")


def test_city_chart_csv_is_exactly_the_table(client, experts):
    html = client.get("/cities/baotou/").content.decode()
    csv_url = re.search(r'href="(/cities/baotou/figures/experts\.csv)"', html).group(1)
    response = client.get(csv_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    table = next(t for t in tables(html) if t[0][0] == "Period")[1:]
    assert [[row["period"], f"{Decimal(row['value']):,}", row["source"]] for row in rows] == table
    assert rows[1]["source_url"].endswith("/baotou-story/")


def test_metric_page_ranks_cities_for_the_latest_period(client, experts):
    response = client.get("/metrics/experts/")
    html = response.content.decode()
    assert response.status_code == 200
    table = next(t for t in tables(html) if t[0][0] == "Rank")
    today = timezone.localdate().isoformat()  # each figure's "last changed" date
    assert table[1:] == [
        ["1", "Hefei", "Anhui", "3,520.5", "Hefei statistics bureau", today],
        ["2", "Baotou", "Inner Mongolia", "2,333", "Baotou among demonstration cities", today],
    ]
    assert "Secret draft" not in html and "999" not in html
    assert "Bar chart ranking cities on Experts on the platform in 2023" in html
    assert "Articles that reported these figures" in html and "Baotou among demonstration" in html


def test_metric_page_period_choice_and_csv_parse_back_to_the_table(client, experts):
    html = client.get("/metrics/experts/", {"period": "2021"}).content.decode()
    table = next(t for t in tables(html) if t[0][0] == "Rank")[1:]
    assert [row[:5] for row in table] == [
        ["1", "Baotou", "Inner Mongolia", "1,650", "City yearbook 2021"]
    ]
    assert 'href="/metrics/experts/?period=2021&amp;format=csv"' in html
    response = client.get("/metrics/experts/", {"period": "2023", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    page = next(
        t for t in tables(client.get("/metrics/experts/").content.decode()) if t[0][0] == "Rank"
    )
    assert [
        [row["rank"], row["city"], row["province"], f"{Decimal(row['value']):,}", row["source"]]
        for row in rows
    ] == [row[:5] for row in page[1:]]
    assert {row["period"] for row in rows} == {"2023"} and rows[0]["unit"] == "experts"


@pytest.mark.parametrize("query", [{"period": "1999"}, {"format": "pdf"}, {"period": "<b>"}])
def test_metric_page_bad_query_is_400(client, experts, query):
    response = client.get("/metrics/experts/", query)
    assert response.status_code == 400
    assert "That period could not be used" in response.content.decode()


def test_unknown_metric_or_city_csv_is_404(client, experts):
    assert client.get("/metrics/nope/").status_code == 404
    assert client.get("/metrics/nope/metadata.json").status_code == 404
    assert client.get("/cities/baotou/figures/nope.csv").status_code == 404
    assert client.get("/cities/ordos/figures/experts.csv").status_code == 404


def test_metric_metadata_json_gives_definition_unit_and_sources(client, experts):
    data = client.get("/metrics/experts/metadata.json").json()
    assert (data["name"], data["unit"], data["periods"]) == (
        "Experts on the platform", "experts", ["2021", "2023"],
    )  # fmt: skip
    assert {"type": "note", "note": "Hefei statistics bureau"} in data["sources"]
    assert [s["title"] for s in data["sources"] if s["type"] == "article"] == [
        "Baotou among demonstration cities"
    ]
    assert data["downloads"]["2021"].endswith("/metrics/experts/?period=2021&format=csv")
    assert "Secret draft" not in json.dumps(data)


def test_metric_list_counts_cities_and_values(client, experts):
    table = tables(client.get("/metrics/").content.decode())[0]
    assert table[1] == ["Experts on the platform", "experts", "2", "3"]


def test_city_page_carries_its_figures_as_jsonld(client, experts):
    data = jsonld(client.get("/cities/baotou/").content.decode())
    dataset, *observations = data["@graph"]
    assert dataset["@type"] == "Dataset"
    assert [o["value"] for o in observations] == [1650, 2333]
    assert observations[1]["subjectOf"]["url"].endswith("/baotou-story/")
    assert observations[0]["description"] == "Source: City yearbook 2021"
    assert observations[0]["variableMeasured"]["url"].endswith("/metrics/experts/")


def test_article_figures_link_to_metric_page_and_are_jsonld(client, experts):
    article = Article.objects.get(slug="baotou-story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="/metrics/experts/">Experts on the platform</a>' in html
    observations = jsonld(html)["@graph"][1:]
    assert [(o["observationAbout"]["name"], o["value"], o["unitText"]) for o in observations] == [
        ("Baotou", 2333, "experts")
    ]


def test_jsonld_cannot_be_broken_out_of(client):
    city = CityFactory(slug="x", summary="</script><script>alert(1)</script>")
    MetricValueFactory(city=city, source_note="</script>")
    html = client.get("/cities/x/").content.decode()
    assert "<script>alert(1)" not in html
    jsonld(html)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_values(metric, cities, periods):
    story = ArticleFactory(cities=cities[:1])
    for index, city in enumerate(cities):
        for period in periods:
            MetricValueFactory(metric=metric, city=city, period=period, value=index + 1,
                               source_article=story if index % 2 else None)  # fmt: skip


def test_city_and_metric_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    metric, other = MetricFactory(slug="experts"), MetricFactory(slug="bases")
    cities = [CityFactory(slug=f"c{i}") for i in range(3)]
    add_values(metric, cities, ["2022", "2023"])
    few = count(client, "/cities/c0/"), count(client, "/metrics/experts/")
    cities += [CityFactory(slug=f"more{i}") for i in range(25)]
    add_values(metric, cities, ["2019", "2020", "2021"])
    add_values(other, cities[:1], [str(year) for year in range(2000, 2020)])
    many = count(client, "/cities/c0/"), count(client, "/metrics/experts/")
    assert few == many
    with django_assert_max_num_queries(CITY_PAGE_MAX_QUERIES):
        client.get("/cities/c0/")
    with django_assert_max_num_queries(METRIC_PAGE_MAX_QUERIES):
        client.get("/metrics/experts/", {"period": "2020"})


@pytest.mark.parametrize(
    "url",
    ["/cities/baotou/", "/metrics/", "/metrics/experts/", "/metrics/experts/?period=1999",
     "/announcements/?province=Anhui", "/news/2000/01/01/baotou-story/"],
)  # fmt: skip
def test_figure_pages_are_well_formed_html(client, experts, url):
    import html5lib

    response = client.get(url, follow=True)
    html5lib.HTMLParser(strict=True).parse(response.content.decode())
    assert b'<main id="main"' in response.content


def test_metric_chart_draws_the_top_cities_and_the_table_lists_all(client):
    from news.views.figures import CHART_MAX_BARS

    metric = MetricFactory(slug="experts")
    for index in range(CHART_MAX_BARS + 3):
        MetricValueFactory(metric=metric, city=CityFactory(name=f"City {index:02d}"), value=index)
    html = client.get("/metrics/experts/").content.decode()
    label = re.search(r'<svg [^>]*aria-label="([^"]*)"', html).group(1)
    assert "City 32: 32" in label and "City 02: 2" not in label
    assert f"the top {CHART_MAX_BARS} of {CHART_MAX_BARS + 3} cities" in html
    ranking = next(t for t in tables(html) if t[0][0] == "Rank")
    assert len(ranking) == CHART_MAX_BARS + 4
