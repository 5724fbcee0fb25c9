"""Admin CSV import through HTTP: upload → preview of what will change → confirm; and export."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from news.models import City, MetricValue
from tests.factories import CityFactory, MetricFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "slug,name,name_zh,province,level,division_code,summary\n"
    "baotou,Baotou,包头市,Inner Mongolia,prefecture,150200,New summary\n"
    "hefei,Hefei,合肥市,Anhui,prefecture,340100,\n"
)


def upload(client, url, text, name="cities.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_preview_lists_creates_and_changes_and_writes_nothing(admin_client):
    CityFactory(slug="baotou", name="Baotou", name_zh="包头市", division_code="150200")
    response = upload(admin_client, "/admin/news/city/import/", GOOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 to create, 1 to change, 0 unchanged" in html
    assert "New summary" in html and "Confirm import" in html
    assert City.objects.count() == 1


def test_confirm_writes_the_previewed_file(admin_client):
    response = upload(admin_client, "/admin/news/city/import/", GOOD)
    token = response.context["token"]
    response = admin_client.post("/admin/news/city/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/news/city/"
    assert sorted(City.objects.values_list("slug", flat=True)) == ["baotou", "hefei"]
    # The stored upload is used once.
    again = admin_client.post("/admin/news/city/import/", {"token": token, "confirm": "1"})
    assert again.status_code == 302 and City.objects.count() == 2


def test_bad_file_preview_lists_every_error_and_offers_no_confirm(admin_client):
    bad = GOOD + "x,X,,Anhui,capital,12345,\n"
    response = upload(admin_client, "/admin/news/city/import/", bad)
    html = response.content.decode()
    assert "Nothing will be written" in html
    assert "unknown level" in html and "six digits" in html
    assert "Confirm import" not in html
    assert City.objects.count() == 0


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "0" * 32])
def test_unknown_or_forged_token_is_refused_politely(admin_client, token):
    response = admin_client.post("/admin/news/city/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert City.objects.count() == 0


def test_metric_values_import_through_the_admin(admin_client):
    CityFactory(slug="baotou")
    MetricFactory(slug="experts")
    text = "metric,city,period,value,source_article,source_note\nexperts,baotou,2023,2333,,Note\n"
    response = upload(admin_client, "/admin/news/metricvalue/import/", text)
    assert "1 to create" in response.content.decode()
    admin_client.post(
        "/admin/news/metricvalue/import/", {"token": response.context["token"], "confirm": "1"}
    )
    assert MetricValue.objects.get().value == 2333


def test_staff_without_rights_cannot_import(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/news/city/import/").status_code == 403


def test_change_list_links_to_import_and_export_and_export_parses(admin_client):
    CityFactory(slug="baotou", name="Baotou")
    html = admin_client.get("/admin/news/city/").content.decode()
    assert 'href="/admin/news/city/import/"' in html and 'href="/admin/news/city/export/"' in html
    response = admin_client.get("/admin/news/city/export/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["baotou"]


def test_export_selected_action_writes_only_the_chosen_rows(admin_client):
    chosen = CityFactory(slug="baotou")
    CityFactory(slug="hefei")
    response = admin_client.post(
        "/admin/news/city/", {"action": "export_selected_csv", "_selected_action": [chosen.pk]}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["baotou"]


def test_a_pending_import_is_kept_outside_the_media_folder(admin_client, settings):
    response = upload(admin_client, "/admin/news/city/import/", GOOD)
    token = response.context["token"]
    pending = settings.PRIVATE_FILES_ROOT / "imports" / f"city-{token}.csv"
    assert pending.read_text() == GOOD
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(media.rglob("*.csv"))
    admin_client.post("/admin/news/city/import/", {"token": token, "confirm": "1"})
    assert not pending.exists()
