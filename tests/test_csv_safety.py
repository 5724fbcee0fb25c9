"""CSV safety: every CSV the site writes is harmless in a spreadsheet (no cell runs as a formula),
import → export stays exact, public CSVs are downloads, and control characters are refused."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from news.models import City, MetricValue
from tests.factories import CityFactory, MetricFactory, MetricValueFactory

pytestmark = pytest.mark.django_db

#: Would-be formulas, as OWASP lists their first characters, and what a safe CSV holds instead.
FORMULAS = {
    '=HYPERLINK("http://evil.example","Open")': '\'=HYPERLINK("http://evil.example","Open")',
    "+1+cmd|' /C calc'!A0": "'+1+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(A1:A2)": "'@SUM(A1:A2)",
    "'=already quoted": "''=already quoted",
}
HEADER = "slug,name,name_zh,province,level,division_code,summary\n"


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def upload(client, url, text, name="cities.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def import_through_admin(client, url, text):
    preview = upload(client, url, text)
    assert preview.context["result"].ok, preview.context["result"].errors
    done = client.post(url, {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302


@pytest.fixture
def figures_with_formulas():
    """A city, a metric and values whose texts start like formulas, one negative value."""
    city = CityFactory(slug="baotou", name="@Baotou", province="=Inner Mongolia")
    metric = MetricFactory(slug="balance", name="Balance", unit="+people")
    MetricValueFactory(
        metric=metric,
        city=city,
        period="2022",
        value=Decimal("-12.5"),
        source_note='=HYPERLINK("http://evil.example")',
    )
    MetricValueFactory(
        metric=metric, city=city, period="2023", value=Decimal("7"), source_note="-1+1"
    )
    return city, metric


def test_public_city_figures_csv_neutralises_formulas_and_keeps_numbers(
    client, figures_with_formulas
):
    response = client.get("/cities/baotou/figures/balance.csv")
    assert response.status_code == 200
    rows = rows_of(response)
    assert [row["value"] for row in rows] == ["-12.5", "7"]
    assert [row["source"] for row in rows] == ['\'=HYPERLINK("http://evil.example")', "'-1+1"]
    assert {row["unit"] for row in rows} == {"'+people"}


def test_public_metric_csv_neutralises_formulas_and_keeps_numbers(client, figures_with_formulas):
    response = client.get("/metrics/balance/", {"period": "2022", "format": "csv"})
    [row] = rows_of(response)
    assert row["city"] == "'@Baotou" and row["province"] == "'=Inner Mongolia"
    assert row["value"] == "-12.5" and row["rank"] == "1"


@pytest.mark.parametrize(
    ("url", "params", "filename"),
    [
        ("/cities/baotou/figures/balance.csv", {}, "baotou-balance.csv"),
        ("/metrics/balance/", {"period": "2023", "format": "csv"}, "balance-2023.csv"),
    ],
)
def test_public_csvs_are_downloads_and_stay_cacheable(
    client, figures_with_formulas, url, params, filename
):
    response = client.get(url, params)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "public" in response["Cache-Control"] and response["ETag"]
    again = client.get(url, params, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_admin_export_neutralises_every_formula(admin_client):
    for number, (text, _) in enumerate(FORMULAS.items()):
        CityFactory(slug=f"city-{number}", summary=text)
    response = admin_client.get("/admin/news/city/export/")
    assert response["Content-Disposition"] == 'attachment; filename="cities.csv"'
    assert [row["summary"] for row in rows_of(response)] == list(FORMULAS.values())


def test_formulas_and_negative_numbers_survive_export_import_export(admin_client):
    """A summary that really starts with "=" or "'=" and a value of -12.5 come back exactly."""
    for number, text in enumerate(FORMULAS):
        CityFactory(slug=f"city-{number}", name=f"City {number}", summary=text)
    metric = MetricFactory(slug="balance")
    MetricValueFactory(
        metric=metric,
        city=City.objects.get(slug="city-0"),
        value=Decimal("-12.5"),
        source_note="=note",
    )
    cities_csv = admin_client.get("/admin/news/city/export/").content.decode()
    values_csv = admin_client.get("/admin/news/metricvalue/export/").content.decode()
    assert "\nbalance,city-0,2023,-12.5,,'=note\n" in values_csv

    City.objects.update(summary="overwritten")
    MetricValue.objects.update(value=Decimal("1"), source_note="overwritten")
    import_through_admin(admin_client, "/admin/news/city/import/", cities_csv)
    import_through_admin(admin_client, "/admin/news/metricvalue/import/", values_csv)

    assert dict(City.objects.values_list("slug", "summary")) == {
        f"city-{number}": text for number, text in enumerate(FORMULAS)
    }
    value = MetricValue.objects.get()
    assert (value.value, value.source_note) == (Decimal("-12.5"), "=note")
    assert admin_client.get("/admin/news/city/export/").content.decode() == cities_csv
    assert admin_client.get("/admin/news/metricvalue/export/").content.decode() == values_csv


def test_export_command_writes_the_same_neutralised_csv(admin_client):
    CityFactory(slug="zibo", summary="=1+1")
    out = io.StringIO()
    call_command("export_cities", stdout=out)
    assert out.getvalue() == admin_client.get("/admin/news/city/export/").content.decode()
    assert "'=1+1" in out.getvalue()


# --- control characters ------------------------------------------------------------------------


def test_admin_import_refuses_a_nul_character_with_its_line_and_column(admin_client):
    text = (
        HEADER
        + "baotou,Baotou,,Inner Mongolia,prefecture,,fine\n"
        + "zibo,Zibo,,Shandong,prefecture,,bad\x00text\n"
    )
    response = upload(admin_client, "/admin/news/city/import/", text)
    html = response.content.decode()
    [error] = response.context["result"].errors
    assert (error.line, error.column) == (3, "summary")
    assert "NUL character (U+0000) at character 4" in error.reason
    assert "Nothing will be written" in html and "Confirm import" not in html
    assert "\x00" not in html
    assert City.objects.count() == 0


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("Bao\x1btou", "escape character (U+001B)"),
        ("Bao\ttou", "tab (U+0009) at character 4: remove it (this column holds one line"),
        ('"Bao\ntou"', "line break (U+000A)"),
        ("Bao\x7ftou", "delete character (U+007F)"),
        ("Bao\x85tou", "control character (U+0085)"),
    ],
)
def test_single_line_columns_refuse_every_control_character(admin_client, cell, reason):
    text = HEADER + f"baotou,{cell},,Inner Mongolia,prefecture,,\n"
    response = upload(admin_client, "/admin/news/city/import/", text)
    [error] = response.context["result"].errors
    assert error.column == "name" and reason in error.reason
    assert City.objects.count() == 0


def test_a_summary_may_span_lines_and_hold_tabs(admin_client):
    summary = "First paragraph.\r\n\r\nSecond\tparagraph."
    text = HEADER + f'baotou,Baotou,,Inner Mongolia,prefecture,,"{summary}"\n'
    import_through_admin(admin_client, "/admin/news/city/import/", text)
    assert City.objects.get().summary == summary
    exported = admin_client.get("/admin/news/city/export/").content.decode()
    City.objects.update(summary="")
    import_through_admin(admin_client, "/admin/news/city/import/", exported)
    assert City.objects.get().summary == summary


def test_metric_values_import_refuses_control_characters(admin_client):
    CityFactory(slug="baotou")
    MetricFactory(slug="experts")
    text = (
        "metric,city,period,value,source_article,source_note\n"
        "experts,baotou,2023,2333,,Yearbook\x00\n"
    )
    response = upload(admin_client, "/admin/news/metricvalue/import/", text)
    [error] = response.context["result"].errors
    assert (error.line, error.column) == (2, "source_note")
    assert MetricValue.objects.count() == 0


def test_import_command_refuses_control_characters(tmp_path):
    path = tmp_path / "cities.csv"
    path.write_bytes((HEADER + "zibo,Zi\x00bo,,Shandong,prefecture,,\n").encode())
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_cities", str(path), stderr=err)
    assert "cities.csv: line 2, column name: a NUL character (U+0000) at character 3" in (
        err.getvalue()
    )
    assert City.objects.count() == 0
