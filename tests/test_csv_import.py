"""CSV import and export of cities and metric values: good files, every kind of bad file, dry runs
and the export → import round trip, through the services and the management commands."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from news import csv_io
from news.models import City, MetricValue
from tests.factories import ArticleFactory, CityFactory, MetricFactory, MetricValueFactory

pytestmark = pytest.mark.django_db

CITIES_CSV = """slug,name,name_zh,province,level,division_code,summary
baotou,Baotou,包头市,Inner Mongolia,prefecture,150200,Steel and rare earths.
,,鄂尔多斯市,Inner Mongolia,Prefecture-level city,150600,
beijing,Beijing,北京市,Beijing,municipality,110000,"The capital, a municipality."
"""


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def metrics_world():
    baotou = CityFactory(slug="baotou", name="Baotou", division_code="150200")
    hefei = CityFactory(slug="hefei", name="Hefei", division_code="340100")
    experts = MetricFactory(slug="experts", name="Experts on the platform", unit="experts")
    article = ArticleFactory(slug="baotou-story")
    return {"baotou": baotou, "hefei": hefei, "experts": experts, "article": article}


METRICS_CSV = """metric,city,period,value,source_article,source_note
experts,baotou,2023,2333,baotou-story,
experts,baotou,2022,2010,,City yearbook 2022
experts,340100,2023,3520.5,,Demo note
"""


def test_good_cities_file_creates_cities_with_pinyin_slugs():
    result = csv_io.import_cities(data=CITIES_CSV.encode())
    assert result.ok and result.written
    assert len(result.created) == 3
    ordos = City.objects.get(name_zh="鄂尔多斯市")
    assert (ordos.slug, ordos.level, ordos.division_code) == ("eerduosi", "prefecture", "150600")
    assert City.objects.get(slug="beijing").summary == "The capital, a municipality."


def test_second_import_changes_only_what_differs():
    csv_io.import_cities(data=CITIES_CSV.encode())
    changed = CITIES_CSV.replace("Steel and rare earths.", "Steel city.")
    result = csv_io.import_cities(data=changed.encode())
    assert [row["slug"] for row in result.changed] == ["baotou"]
    assert (len(result.created), result.unchanged) == (0, 2)
    assert City.objects.get(slug="baotou").summary == "Steel city."


def test_utf8_with_byte_order_mark_is_accepted():
    result = csv_io.import_cities(data=b"\xef\xbb\xbf" + CITIES_CSV.encode())
    assert result.ok and City.objects.count() == 3


def test_good_metrics_file_creates_sourced_values(metrics_world):
    result = csv_io.import_metric_values(data=METRICS_CSV.encode())
    assert result.ok and len(result.created) == 3
    value = MetricValue.objects.get(city=metrics_world["baotou"], period="2023")
    assert (value.value, value.source_article) == (2333, metrics_world["article"])
    assert MetricValue.objects.get(city=metrics_world["hefei"]).value == Decimal("3520.5")


BAD_METRIC_FILES = [
    # (file text, expected (line, column, words in reason))
    ("metric,city,period,value,source_article,source_note\nexperts,atlantis,2023,5,,n\n",
     [(2, "city", "unknown city")]),
    ("metric,city,period,value,source_article,source_note\nexperts,baotou,2023,2.333.0,,n\n",
     [(2, "value", "bad number")]),
    ("metric,city,period,value,source_article,source_note\nexperts,baotou,2023,\"2,333\",,n\n",
     [(2, "value", "bad number")]),
    ("metric,city,period,value,source_article,source_note\nexperts,baotou,2023,NaN,,n\n",
     [(2, "value", "bad number")]),
    ("metric,city,period,value,source_article,source_note\n"
     "experts,baotou,2023,5,,n\nexperts,baotou,2023,6,,n\n",
     [(3, "period", "duplicate key")]),
    ("metric,city,value,source_article,source_note\nexperts,baotou,5,,n\n",
     [(1, "period", "missing column")]),
    ("metric,city,period,value,source_article,source_note\nnope,baotou,2023,5,,n\n",
     [(2, "metric", "unknown metric")]),
    ("metric,city,period,value,source_article,source_note\nexperts,baotou,2023,5,no-such-story,\n",
     [(2, "source_article", "unknown article")]),
    ("metric,city,period,value,source_article,source_note\nexperts,baotou,2023,5,,\n",
     [(2, "source_note", "no source")]),
    ("metric,city,period,value,source_article,source_note\nexperts,baotou,2023,5\n",
     [(2, "", "field(s) but the header has 6")]),
    ("", [(1, "", "empty")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BAD_METRIC_FILES)
def test_bad_metric_files_write_nothing_and_say_where(metrics_world, text, expected):
    good_row = "experts,hefei,2020,1,,good row\n"
    data = (text + good_row) if text else b""
    data = data.encode() if isinstance(data, str) else data
    result = csv_io.import_metric_values(data=data)
    assert not result.written
    assert MetricValue.objects.count() == 0
    found = [(error.line, error.column) for error in result.errors]
    for line, column, words in expected:
        assert (line, column) in found, result.errors
        assert any(words in error.reason for error in result.errors)


def test_wrong_encoding_is_reported_with_its_line(metrics_world):
    text = "metric,city,period,value,source_article,source_note\nexperts,baotou,2023,5,,包头年鉴\n"
    result = csv_io.import_metric_values(data=text.encode("gb18030"))
    assert [(error.line, "wrong encoding" in error.reason) for error in result.errors] == [
        (2, True)
    ]
    assert MetricValue.objects.count() == 0


def test_every_bad_row_is_reported_not_just_the_first(metrics_world):
    text = (
        "metric,city,period,value,source_article,source_note\n"
        "experts,baotou,2023,5,,ok\n"
        "experts,atlantis,2023,5,,n\n"
        "experts,baotou,2022,lots,,n\n"
        "nope,nowhere,2021,x,,\n"
    )
    result = csv_io.import_metric_values(data=text.encode())
    assert sorted({error.line for error in result.errors}) == [3, 4, 5]
    assert {(error.line, error.column) for error in result.errors} >= {
        (5, "metric"), (5, "city"), (5, "value"), (5, "source_note"),
    }  # fmt: skip
    assert MetricValue.objects.count() == 0


BAD_CITY_FILES = [
    ("slug,name,name_zh,province,level,division_code,summary\nx,X,,Anhui,prefecture,15020,\n",
     (2, "division_code", "six digits")),
    ("slug,name,name_zh,province,level,division_code,summary\n"
     "x,X,,Anhui,prefecture,340100,\ny,Y,,Anhui,prefecture,340100,\n",
     (3, "division_code", "duplicate key")),
    ("slug,name,name_zh,province,level,division_code,summary\n"
     "x,X,,Anhui,prefecture,,\nx,X2,,Anhui,prefecture,,\n",
     (3, "slug", "duplicate key")),
    ("slug,name,name_zh,province,level,division_code,summary\nx,X,,Anhui,capital,,\n",
     (2, "level", "unknown level")),
    ("slug,name,name_zh,province,level,division_code,summary\nx,,,Anhui,prefecture,,\n",
     (2, "name", "needs an English or a Chinese name")),
    ("slug,name,province,level,division_code,summary\nx,X,Anhui,prefecture,,\n",
     (1, "name_zh", "missing column")),
    ("slug,name,name_zh,province,level,division_code,summary\nBad Slug,X,,Anhui,prefecture,,\n",
     (2, "slug", "lower-case")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BAD_CITY_FILES)
def test_bad_city_files_write_nothing_and_say_where(text, expected):
    result = csv_io.import_cities(data=(text + "ok,Ok,,Anhui,prefecture,,\n").encode())
    line, column, words = expected
    assert any(
        (error.line, error.column) == (line, column) and words in error.reason
        for error in result.errors
    ), result.errors
    assert City.objects.count() == 0


def test_a_division_code_owned_by_another_existing_city_is_refused():
    CityFactory(slug="baotou", division_code="150200")
    text = "slug,name,name_zh,province,level,division_code,summary\nx,X,,A,prefecture,150200,\n"
    result = csv_io.import_cities(data=text.encode())
    assert "already belongs to the city “baotou”" in result.errors[0].reason


def test_dry_run_writes_nothing_but_counts(metrics_world):
    result = csv_io.import_metric_values(data=METRICS_CSV.encode(), dry_run=True)
    assert result.ok and not result.written and len(result.created) == 3
    assert MetricValue.objects.count() == 0


def test_export_then_import_is_an_exact_round_trip(metrics_world):
    csv_io.import_cities(data=CITIES_CSV.encode())
    csv_io.import_metric_values(data=METRICS_CSV.encode())
    MetricValueFactory(metric=metrics_world["experts"], city=metrics_world["hefei"],
                       period="2019-2023", value=Decimal("0.0001"), source_note='A "quoted", note')  # fmt: skip
    cities_text, values_text = csv_io.export_cities(), csv_io.export_metric_values()
    # Import the exports into an emptied register: the next export is the same, byte for byte.
    MetricValue.objects.all().delete()
    City.objects.exclude(pk__in=[metrics_world["baotou"].pk, metrics_world["hefei"].pk]).delete()
    City.objects.update(summary="changed")
    cities_result = csv_io.import_cities(data=cities_text.encode())
    values_result = csv_io.import_metric_values(data=values_text.encode())
    assert cities_result.ok and values_result.ok
    assert csv_io.export_cities() == cities_text
    assert csv_io.export_metric_values() == values_text
    # And importing an unchanged export changes nothing.
    again = csv_io.import_metric_values(data=values_text.encode())
    assert (len(again.created), len(again.changed), again.unchanged) == (0, 0, 4)
    rows = list(csv.DictReader(io.StringIO(values_text)))
    assert {row["value"] for row in rows} == {"2333", "2010", "3520.5", "0.0001"}


def test_import_commands_write_report_and_dry_run(tmp_path, metrics_world, capsys):
    path = write(tmp_path, CITIES_CSV)
    call_command("import_cities", str(path), "--dry-run")
    assert "2 to create, 1 to change" in capsys.readouterr().out
    assert City.objects.count() == 2
    call_command("import_cities", str(path))
    assert City.objects.count() == 4
    assert City.objects.get(slug="baotou").name_zh == "包头市"
    call_command("import_metrics", str(write(tmp_path, METRICS_CSV, "m.csv")))
    assert MetricValue.objects.count() == 3


def test_import_command_with_bad_rows_fails_and_lists_each(tmp_path, metrics_world):
    text = "metric,city,period,value,source_article,source_note\nexperts,atlantis,2023,x,,n\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_metrics", str(write(tmp_path, text)), stderr=err)
    assert "line 2, column city: unknown city" in err.getvalue()
    assert "line 2, column value: bad number" in err.getvalue()


def test_import_command_draws_a_progress_bar_on_large_files(tmp_path, metrics_world):
    rows = "".join(f"experts,baotou,{year},{year},,n\n" for year in range(1, 5001))
    path = write(tmp_path, "metric,city,period,value,source_article,source_note\n" + rows)
    err = io.StringIO()
    call_command("import_metrics", str(path), "--progress", stderr=err)
    assert "100% 5000/5000 rows" in err.getvalue()
    assert MetricValue.objects.count() == 5000


def test_export_commands_write_the_import_format(tmp_path, metrics_world):
    csv_io.import_metric_values(data=METRICS_CSV.encode())
    target = tmp_path / "out.csv"
    call_command("export_metrics", str(target), "--metric", "experts")
    assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(
        csv_io.METRIC_VALUE_COLUMNS
    )
    out = io.StringIO()
    call_command("export_cities", stdout=out)
    assert "baotou,Baotou" in out.getvalue()
