"""The history of the register and the figures: every write path (admin edit, inline rows,
merge, delete, CSV import in the admin and by command, article deletion, putting back) leaves a
history row naming who did it and what changed; the admin shows it within a fixed number of
queries and puts a record back as it was through the service; the metric page says when each
figure last changed."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from news import services
from news.caching import current_state
from news.models import City, CsvImport, Designation, Metric, MetricValue
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
)
from tests.helpers import MANAGEMENT_FORM
from tests.test_csp import inline_code

pytestmark = pytest.mark.django_db

CITY_INLINE = {
    key.replace("figures", "metric_values"): value
    for key, value in MANAGEMENT_FORM.items()
    if key.startswith("figures")
}


def value_post(record, **overrides) -> dict:
    data = {
        "metric": record.metric_id,
        "city": record.city_id,
        "period": record.period,
        "value": str(record.value),
        "source_article": record.source_article_id or "",
        "source_note": record.source_note,
    }
    return {**data, **overrides}


def city_post(city, **overrides) -> dict:
    data = {
        "name": city.name, "name_zh": city.name_zh, "slug": city.slug,
        "province": city.province, "level": city.level, "division_code": city.division_code or "",
        "summary": city.summary, "image_alt": city.image_alt, **CITY_INLINE,
    }  # fmt: skip
    return {**data, **overrides}


def newest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


@pytest.fixture
def figure(db):
    baotou = CityFactory(name="Baotou", slug="baotou")
    experts = MetricFactory(name="Experts on the platform", slug="experts", unit="experts")
    return MetricValueFactory(metric=experts, city=baotou, value=Decimal(2333))


# --- every write path is on the history, with who and what ------------------------------------


def test_admin_edit_of_a_value_is_on_its_history_with_the_person_and_the_change(
    client, records_admin, figure
):
    client.force_login(records_admin)
    url = f"/admin/news/metricvalue/{figure.pk}/change/"
    response = client.post(url, value_post(figure, value="2400"))
    assert response.status_code == 302
    entry = newest(MetricValue, figure.pk)
    assert (entry.history_type, entry.history_user, entry.value) == ("~", records_admin, 2400)
    html = client.get(f"/admin/news/metricvalue/{figure.pk}/history/").content.decode()
    assert "rita-records" in html
    assert "Value: <del>2,333</del> → <ins>2,400</ins>" in html
    assert "Put back as it was then" in html


def test_city_edit_and_its_inline_figures_name_the_person(client, records_admin, figure):
    client.force_login(records_admin)
    city = figure.city
    data = city_post(
        city,
        name="Baotou City",
        **{
            "metric_values-TOTAL_FORMS": "1",
            "metric_values-INITIAL_FORMS": "1",
            "metric_values-0-id": figure.pk,
            "metric_values-0-city": city.pk,
            "metric_values-0-metric": figure.metric_id,
            "metric_values-0-period": "2023",
            "metric_values-0-value": "2500",
            "metric_values-0-source_note": figure.source_note,
        },
    )
    response = client.post(f"/admin/news/city/{city.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert newest(City, city.pk).history_user == records_admin
    assert newest(City, city.pk).name == "Baotou City"
    value_entry = newest(MetricValue, figure.pk)
    assert (value_entry.history_user, value_entry.value) == (records_admin, 2500)


def test_admin_delete_is_on_the_history_and_cascades_name_the_person(client, records_admin, figure):
    client.force_login(records_admin)
    metric = figure.metric
    response = client.post(f"/admin/news/metric/{metric.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not MetricValue.objects.filter(pk=figure.pk).exists()
    for model, pk in [(Metric, metric.pk), (MetricValue, figure.pk)]:
        entry = newest(model, pk)
        assert (entry.history_type, entry.history_user) == ("-", records_admin)


def test_merge_records_each_moved_record_and_the_deleted_city(client, records_admin, figure):
    old = CityFactory(name="Baotou (old record)")
    moved = MetricValueFactory(city=old, metric=figure.metric, period="2021")
    designation = DesignationFactory(city=old)
    client.force_login(records_admin)
    action = {"action": "merge_into_another_city", "_selected_action": [old.pk],
              "into": figure.city.pk, "apply": "Merge"}  # fmt: skip
    assert client.post("/admin/news/city/", action).status_code == 302
    reason = f"Merged {old} into {figure.city}"
    for model, pk in [(MetricValue, moved.pk), (Designation, designation.pk)]:
        entry = newest(model, pk)
        assert (entry.history_type, entry.city_id, entry.history_user) == (
            "~", figure.city.pk, records_admin,
        )  # fmt: skip
        assert entry.history_change_reason == reason
    gone = newest(City, old.pk)
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-", records_admin, reason,
    )  # fmt: skip


def test_an_admin_csv_import_is_one_record_and_each_row_points_at_it(client, records_admin, figure):
    MetricValueFactory(metric=figure.metric, city=CityFactory(slug="hefei"), period="2023")
    text = (
        "metric,city,period,value,source_article,source_note\n"
        "experts,baotou,2023,2400,,Yearbook\n"  # changed
        "experts,baotou,2022,2100,,Yearbook\n"  # created
        f"experts,hefei,2023,2333,,{figure.source_note}\n"  # unchanged
    )
    client.force_login(records_admin)
    upload = SimpleUploadedFile("baotou figures 2023.csv", text.encode(), "text/csv")
    preview = client.post("/admin/news/metricvalue/import/", {"file": upload})
    token = preview.context["token"]
    response = client.post(
        "/admin/news/metricvalue/import/", {"token": token, "confirm": "1"}, follow=True
    )
    record = CsvImport.objects.get()
    assert (record.kind, record.file_name, record.by) == (
        "metric values", "baotou figures 2023.csv", records_admin,
    )  # fmt: skip
    assert (record.rows, record.created, record.changed, record.unchanged) == (3, 1, 1, 1)
    assert f"/admin/news/csvimport/{record.pk}/change/" in response.content.decode()
    changed = newest(MetricValue, figure.pk)
    created = MetricValue.objects.get(period="2022")
    assert (changed.history_type, changed.csv_import, changed.history_user) == (
        "~", record, records_admin,
    )  # fmt: skip
    assert newest(MetricValue, created.pk).history_type == "+"
    assert MetricValue.history.filter(csv_import=record).count() == 2  # not the unchanged row
    assert abs(changed.history_date - timezone.now()) < timedelta(minutes=1)
    assert changed.history_change_reason == f"CSV import #{record.pk} of baotou figures 2023.csv"
    html = client.get(f"/admin/news/metricvalue/{figure.pk}/history/").content.decode()
    assert f'href="/admin/news/csvimport/{record.pk}/change/"' in html
    assert "3 row(s): 1 created, 1 changed, 1 unchanged" in html
    page = client.get(f"/admin/news/csvimport/{record.pk}/change/").content.decode()
    assert "baotou figures 2023.csv" in page


def test_a_city_import_by_command_keeps_the_file_name_and_no_person(tmp_path):
    CityFactory(slug="baotou", name="Baotou", name_zh="包头市", province="Inner Mongolia")
    path = Path(tmp_path, "register update.csv")
    path.write_text(
        "slug,name,name_zh,province,level,division_code,summary\n"
        "baotou,Baotou,包头市,Inner Mongolia,prefecture,150200,Steel and rare earths\n"
        "hefei,Hefei,合肥市,Anhui,prefecture,340100,\n",
        encoding="utf-8",
    )
    call_command("import_cities", str(path), stdout=io.StringIO())
    record = CsvImport.objects.get()
    assert (record.kind, record.file_name, record.by, record.created, record.changed) == (
        "cities", "register update.csv", None, 1, 1,
    )  # fmt: skip
    baotou, hefei = City.objects.get(slug="baotou"), City.objects.get(slug="hefei")
    assert newest(City, baotou.pk).summary == "Steel and rare earths"
    assert [newest(City, city.pk).csv_import for city in (baotou, hefei)] == [record, record]
    assert newest(City, hefei.pk).history_type == "+"


def test_deleting_an_article_is_on_the_history_of_the_figures_it_sourced(editor, figure):
    article = ArticleFactory(title="Baotou's experts")
    services.save_record(record=_with(figure, source_article=article), by=editor)
    services.delete_article(article=article, by=editor)
    entry = newest(MetricValue, figure.pk)
    assert (entry.source_article_id, entry.history_user) == (None, editor)
    assert entry.history_change_reason == "Source article “Baotou's experts” deleted"


def _with(record, **values):
    for name, value in values.items():
        setattr(record, name, value)
    return record


# --- putting back as it was ---------------------------------------------------------------------


def test_put_back_shows_what_changes_then_restores_as_a_new_change(client, records_admin, figure):
    services.save_record(record=_with(figure, value=Decimal(2400)), by=records_admin)
    first = MetricValue.history.filter(id=figure.pk).order_by("history_date").first()
    client.force_login(records_admin)
    url = f"/admin/news/metricvalue/{figure.pk}/history/{first.history_id}/put-back/"
    confirm = client.get(url).content.decode()
    assert "<del>2,400</del>" in confirm and "<ins>2,333</ins>" in confirm
    assert MetricValue.objects.get(pk=figure.pk).value == 2400  # nothing yet
    generation = current_state().token
    response = client.post(url, follow=True)
    assert "Put back as it was on" in response.content.decode()
    assert MetricValue.objects.get(pk=figure.pk).value == 2333
    entry = newest(MetricValue, figure.pk)
    assert (entry.history_user, entry.value) == (records_admin, 2333)
    assert entry.history_change_reason.startswith("Put back as it was on ")
    assert MetricValue.history.filter(id=figure.pk).count() == 3  # nothing lost
    assert current_state().token != generation


def test_put_back_of_a_deleted_record_is_refused_clearly_and_changes_nothing(
    client, records_admin, figure
):
    pk = figure.pk
    first = newest(MetricValue, pk)
    services.delete_records(records=[figure], by=records_admin)
    client.force_login(records_admin)
    url = f"/admin/news/metricvalue/{pk}/history/{first.history_id}/put-back/"
    assert "has been deleted since" in client.get(url).content.decode()
    rows = MetricValue.history.filter(id=pk).count()
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "was deleted by rita-records on" in html and "Nothing was changed" in html
    assert not MetricValue.objects.filter(pk=pk).exists()
    assert MetricValue.history.filter(id=pk).count() == rows
    page = client.get(f"/admin/news/metricvalue/{pk}/history/")
    assert page.status_code == 200 and "has been deleted" in page.content.decode()


def test_put_back_that_no_longer_fits_is_refused_with_the_reason(records_admin, figure):
    services.save_record(record=_with(figure, period="2022"), by=records_admin)
    MetricValueFactory(metric=figure.metric, city=figure.city, period="2023", value=1)
    first = MetricValue.history.filter(id=figure.pk).order_by("history_date").first()
    with pytest.raises(services.PutBackError, match="already exists.*Nothing was changed"):
        services.put_back_record(entry=first, by=records_admin)
    assert MetricValue.objects.get(pk=figure.pk).period == "2022"


def test_a_city_put_back_restores_its_names_and_reindexes_but_keeps_its_image(
    records_admin, figure
):
    city = figure.city
    services.save_city(
        city=_with(city, name="Baotou Shi"), by=records_admin, changed_fields=["name"]
    )
    first = City.history.filter(id=city.pk).order_by("history_date").first()
    services.put_back_record(entry=first, by=records_admin)
    assert City.objects.get(pk=city.pk).name == "Baotou"


def test_only_people_who_may_change_a_record_may_put_it_back(client, editor, figure):
    services.save_record(record=_with(figure, value=Decimal(2400)), by=None)
    first = MetricValue.history.filter(id=figure.pk).order_by("history_date").first()
    client.force_login(editor)  # editors see figures, records admins change them
    history = client.get(f"/admin/news/metricvalue/{figure.pk}/history/")
    assert history.status_code == 200 and "Put back as it was then" not in history.content.decode()
    url = f"/admin/news/metricvalue/{figure.pk}/history/{first.history_id}/put-back/"
    assert client.post(url).status_code == 403
    assert MetricValue.objects.get(pk=figure.pk).value == 2400
    with pytest.raises(services.PutBackError, match="permission"):
        services.put_back_record(entry=first, by=editor)


def test_writers_do_not_see_figure_history(client, writer, figure):
    client.force_login(writer)
    assert client.get(f"/admin/news/metricvalue/{figure.pk}/history/").status_code == 403


@pytest.mark.parametrize(
    "url", ["/admin/news/metricvalue/abc/history/", "/admin/news/city/999999/history/"]
)
def test_unknown_record_history_is_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


# --- cost and safety of the pages --------------------------------------------------------------

#: The history page: session, user, permissions, the record, its history rows (one query),
#: their count, the names of linked rows (one per link: metric, city, article), the CSV
#: imports come with the rows. Whatever the history's length.
HISTORY_PAGE_MAX_QUERIES = 12


@pytest.mark.parametrize("changes", [3, 70])
def test_history_page_runs_a_fixed_number_of_queries(
    client, records_admin, figure, changes, django_assert_max_num_queries
):
    for number in range(changes):
        services.save_record(record=_with(figure, value=Decimal(3000 + number)), by=records_admin)
    client.force_login(records_admin)
    with django_assert_max_num_queries(HISTORY_PAGE_MAX_QUERIES):
        response = client.get(f"/admin/news/metricvalue/{figure.pk}/history/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(changes + 1, 50)


def test_history_and_put_back_pages_need_no_inline_code(admin_client, figure):
    services.save_record(record=_with(figure, value=Decimal(2400)), by=None)
    first = MetricValue.history.filter(id=figure.pk).order_by("history_date").first()
    for url in [
        f"/admin/news/metricvalue/{figure.pk}/history/",
        f"/admin/news/metricvalue/{figure.pk}/history/{first.history_id}/put-back/",
        f"/admin/news/city/{figure.city_id}/history/",
        "/admin/news/csvimport/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()).found == [], url
        assert "Content-Security-Policy" in response


# --- the public metric page: when each figure last changed -------------------------------------


def test_metric_page_says_when_each_figure_last_changed(client, records_admin):
    with time_machine.travel(datetime(2024, 3, 1, 4, tzinfo=UTC), tick=False):
        figure = MetricValueFactory(
            metric=MetricFactory(slug="experts"), city=CityFactory(name="Baotou")
        )
    html = client.get("/metrics/experts/").content.decode()
    assert '<time datetime="2024-03-01T12:00:00+08:00">2024-03-01</time>' in html
    with time_machine.travel(datetime(2025, 5, 6, 4, tzinfo=UTC), tick=False):
        client.force_login(records_admin)
        url = f"/admin/news/metricvalue/{figure.pk}/change/"
        assert client.post(url, value_post(figure, value="2400")).status_code == 302
        client.logout()
        html = client.get("/metrics/experts/").content.decode()
    assert ">2025-05-06</time>" in html and "2024-03-01" not in html
    assert "最近更改" in client.get("/zh-hans/metrics/experts/").content.decode()
