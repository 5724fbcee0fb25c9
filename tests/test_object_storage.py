"""Media and pending CSV imports in S3-compatible object storage, against a real S3 API server
(moto's standalone server, started on a free port by `tests.services.s3_server`).

The storages come from cityinno/settings.py itself, read with the AWS_* variables an operator
sets, and the bucket has the policy the README gives: anyone may read `media/*`, nothing else.
Every test also checks that nothing was written to the local MEDIA_ROOT or private folder.
"""

import io
import json
import re
import runpy
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.conf import global_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from PIL import Image

from news import services
from news.models import Article, City
from news.models import Image as LibraryImage
from news.sanitise import sanitise_html
from tests import services as running
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import article_post_data
from tests.test_city_images import city_form
from tests.test_images import jpeg_bytes, png_bytes, post_with_image, stored_files, upload

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "cityinno" / "settings.py"
REGION = "us-east-1"
CITIES_CSV = (
    "slug,name,name_zh,province,level,division_code,summary\n"
    "baotou,Baotou,包头市,Inner Mongolia,prefecture,150200,Steel city\n"
    "hefei,Hefei,合肥市,Anhui,prefecture,340100,\n"
)
SRCSET = re.compile(r'srcset="([^"]+)"')


def public_media_policy(bucket: str) -> str:
    """The bucket policy from the README: the public may read media/*, and nothing else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicMedia",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/media/*",
                }
            ],
        }
    )


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object
    env: dict

    @property
    def public_base(self) -> str:
        """Where public media is read from, without a CDN: the bucket's media/ prefix."""
        return f"{self.endpoint}/{self.name}/media/"

    def object_keys(self, prefix: str = "") -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def anonymous_get(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for `url` fetched as a visitor: unsigned, no cookies."""
    response = running.Browser().get(url)
    return response.status, response.header("Content-Type") or "", response.body.encode()


def anonymous_status(url: str) -> int:
    return anonymous_get(url)[0]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    with running.s3_server(tmp_path_factory.mktemp("s3")) as url:
        yield url


def use_bucket(settings, monkeypatch, endpoint: str, **extra_env) -> Bucket:
    """A new bucket with the README's policy, and this process's storages set from the
    environment an operator would give, through cityinno/settings.py."""
    name = f"cityinno-{uuid.uuid4().hex[:12]}"
    env = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "cityinno-test-key",
        "AWS_SECRET_ACCESS_KEY": "cityinno-test-secret",
        **extra_env,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    client.create_bucket(Bucket=name)
    client.put_bucket_policy(Bucket=name, Policy=public_media_policy(name))
    configured = runpy.run_path(str(SETTINGS_FILE))
    assert configured["SERVE_MEDIA"] is False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": configured["STORAGES"]["default"],
        "imports": configured["STORAGES"]["imports"],
    }
    return Bucket(name=name, endpoint=endpoint, client=client, env=env)


@pytest.fixture
def nothing_local(settings):
    """After the test: nothing was written to the local media or private folder."""
    yield
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_FILES_ROOT)):
        written = [str(path) for path in folder.rglob("*")] if folder.exists() else []
        assert written == [], f"files were written locally: {written}"


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, nothing_local):
    return use_bucket(settings, monkeypatch, s3_endpoint)


def srcset_urls(html: str) -> list[str]:
    return [
        candidate.strip().rsplit(" ", 1)[0]
        for srcset in SRCSET.findall(html)
        for candidate in srcset.split(",")
    ]


# --- media ------------------------------------------------------------------------------------


def publish_with_hero(client, writer, editor, image):
    """An article with `image` as its hero, written in the admin and published."""
    client.force_login(writer)
    response = client.post("/admin/news/article/add/", article_post_data(hero=image.pk))
    assert response.status_code == 302
    return services.publish_article(article=Article.objects.get(), by=editor)


def test_a_library_upload_stores_the_cleaned_original_and_every_rendition_in_the_bucket(
    client, writer, editor, bucket
):
    response = post_with_image(client, writer, upload("skyline.jpg", jpeg_bytes()))
    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert bucket.object_keys() == {f"media/{name}" for name in stored_files(image)}
    assert len(image.renditions) == 6 + 1  # three widths, WebP and JPEG, and the share crop
    original = bucket.read("media/library/skyline.jpg")
    assert b"SpyCam" not in original
    assert Image.open(io.BytesIO(original)).size == (1700, 900)
    for item in image.renditions:
        stored = Image.open(io.BytesIO(bucket.read(f"media/{item['name']}")))
        assert (stored.width, stored.height) == (item["width"], item["height"])

    article = publish_with_hero(client, writer, editor, image)
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'<source type="image/webp" srcset="{bucket.public_base}library/renditions/'
        "skyline-480.webp 480w" in html
    )
    assert f'src="{bucket.public_base}library/renditions/skyline-960.jpg"' in html
    assert '"/media/' not in html
    urls = srcset_urls(html)
    assert len(urls) == 6
    for url in urls:
        status, content_type, body = anonymous_get(url)
        assert status == 200, url
        assert content_type == ("image/webp" if url.endswith(".webp") else "image/jpeg")
        assert body
    # The original is public too (it is media), but pages link the renditions.
    assert anonymous_status(f"{bucket.public_base}library/skyline.jpg") == 200


def test_a_new_upload_never_overwrites_another_images_file(client, writer, bucket):
    post_with_image(client, writer, upload("skyline.jpg", jpeg_bytes((1000, 600))))
    first = LibraryImage.objects.get()
    first_original = bucket.read(f"media/{first.file.name}")
    post_with_image(client, writer, upload("skyline.jpg", jpeg_bytes((800, 500))))
    second = LibraryImage.objects.exclude(pk=first.pk).get()
    assert second.file.name != first.file.name
    assert not set(stored_files(first)) & set(stored_files(second))
    assert bucket.read(f"media/{first.file.name}") == first_original
    assert bucket.object_keys() == {
        f"media/{name}" for name in stored_files(first) + stored_files(second)
    }


def test_deleting_an_unused_image_deletes_its_files_from_the_bucket_and_a_used_one_stays(
    client, writer, editor, bucket, django_capture_on_commit_callbacks
):
    post_with_image(client, writer, upload("first.jpg", jpeg_bytes((1000, 600))))
    post_with_image(client, writer, upload("second.png", png_bytes(), "image/png"))
    used, unused = LibraryImage.objects.order_by("pk")
    ArticleFactory(hero=used)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(f"/admin/news/image/{used.pk}/delete/", {"post": "yes"}).status_code == 409
        )
        response = client.post(f"/admin/news/image/{unused.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert bucket.object_keys() == {f"media/{name}" for name in stored_files(used)}


def test_library_images_in_the_text_are_served_from_the_bucket(client, writer, editor, bucket):
    post_with_image(client, writer, upload("forum.jpg", jpeg_bytes((1200, 600))), alt="Forum")
    image = LibraryImage.objects.get()
    # The editor's Image button inserts the bucket's address and the library's id.
    url = default_storage.url(image.rendition(kind="image/jpeg")["name"])
    assert url == f"{bucket.public_base}library/renditions/forum-960.jpg"
    tag = f'<img src="{url}" alt="Forum" data-image-id="{image.pk}">'
    assert sanitise_html(f"<p>x</p>{tag}") == f"<p>x</p>{tag}"
    response = client.post(
        "/admin/news/article/add/", article_post_data(body=f"<p>The forum.</p>{tag}")
    )
    assert response.status_code == 302
    article = services.publish_article(article=Article.objects.get(), by=editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{url}"' in html and 'alt="Forum" width="960" height="480"' in html
    assert f"{bucket.public_base}library/renditions/forum-480.webp 480w" in html


def test_city_image_and_renditions_live_in_the_bucket_and_go_with_the_city(
    admin_client, bucket, django_capture_on_commit_callbacks
):
    data = city_form(image=upload("skyline.jpg", jpeg_bytes((1000, 600))))
    assert admin_client.post("/admin/news/city/add/", data).status_code == 302
    city = City.objects.get()
    names = [city.image.name, *(item["name"] for item in city.image_renditions)]
    assert bucket.object_keys() == {f"media/{name}" for name in names}
    html = admin_client.get(city.get_absolute_url()).content.decode()
    assert f"{bucket.public_base}cities/renditions/skyline-480.webp 480w" in html
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/news/city/{city.pk}/delete/", {"post": "yes"})
    assert bucket.object_keys() == set()


def test_a_custom_domain_serves_media_urls_while_files_stay_in_the_bucket(
    client, writer, editor, s3_endpoint, settings, monkeypatch, nothing_local
):
    bucket = use_bucket(
        settings, monkeypatch, s3_endpoint, AWS_S3_CUSTOM_DOMAIN="media.news.example"
    )
    post_with_image(client, writer, upload("skyline.jpg", jpeg_bytes()))
    article = publish_with_hero(client, writer, editor, LibraryImage.objects.get())
    assert "media/library/skyline.jpg" in bucket.object_keys()
    html = client.get(article.get_absolute_url()).content.decode()
    urls = srcset_urls(html)
    assert urls and all(
        url.startswith("https://media.news.example/media/library/renditions/") for url in urls
    )
    og_image = "https://media.news.example/media/library/renditions/skyline-share.jpg"
    assert f'<meta property="og:image" content="{og_image}">' in html


def test_demo_images_go_to_the_bucket(client, bucket):
    call_command("load_demo", stdout=io.StringIO())
    heroes = LibraryImage.objects.filter(hero_of__isnull=False).distinct()
    assert heroes.exists()
    keys = bucket.object_keys()
    assert keys == {f"media/{name}" for image in LibraryImage.objects.all()
                    for name in stored_files(image)}  # fmt: skip
    html = client.get("/news/").content.decode()
    assert srcset_urls(html) and all(
        url.startswith(bucket.public_base) for url in srcset_urls(html)
    )


def test_a_second_benchmark_seed_leaves_one_image_pool_in_the_bucket(bucket):
    from news import bench_data

    options = {"articles": 30, "stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("seed_bench", **options)
    pool_prefix = f"media/{bench_data.POOL_FOLDER}/"
    first_pool = bucket.object_keys(pool_prefix)
    assert len([key for key in first_pool if "/renditions/" not in key]) == bench_data.IMAGE_POOL
    call_command("seed_bench", **options)
    assert bucket.object_keys(pool_prefix) == first_pool
    for article in Article.objects.filter(slug__startswith=bench_data.PREFIX).exclude(hero=None)[
        :20
    ]:
        assert f"media/{article.hero.file.name}" in first_pool


# --- pending CSV imports ----------------------------------------------------------------------


def test_a_pending_import_is_kept_in_the_private_prefix_and_no_public_url_reaches_it(
    admin_client, bucket
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("cities.csv", CITIES_CSV.encode(), "text/csv")
    response = admin_client.post("/admin/news/city/import/", {"file": file})
    token = response.context["token"]
    key = f"private/imports/city-{token}.csv"
    assert bucket.object_keys() == {key}
    assert bucket.read(key) == CITIES_CSV.encode()
    assert_not_public(bucket, token)
    assert not default_storage.exists(f"imports/city-{token}.csv")

    response = admin_client.post("/admin/news/city/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert sorted(City.objects.values_list("slug", flat=True)) == ["baotou", "hefei"]
    assert bucket.object_keys() == set()


def assert_not_public(bucket: Bucket, token: str) -> None:
    """No address a visitor could try serves the pending file: the object itself (no policy
    covers it), nor any path under the public media prefix."""
    name = f"city-{token}.csv"
    for url in (
        f"{bucket.endpoint}/{bucket.name}/private/imports/{name}",
        f"{bucket.public_base}imports/{name}",
        f"{bucket.public_base}private/imports/{name}",
        f"{bucket.public_base}{name}",
    ):
        status = anonymous_status(url)
        assert status in {403, 404}, (url, status)


ADMIN_USERNAME, ADMIN_PASSWORD = "storage-boss", "correct-horse-battery"
TOKEN_INPUT = re.compile(r'<input type="hidden" name="token" value="([0-9a-f]{32})">')


def post_file(browser, url: str, *, fields: dict, file_field: str, filename: str, data: bytes):
    """A multipart/form-data POST, as a browser sends a form with a file."""
    boundary = f"----cityinno{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url},
    )
    try:
        with browser.opener.open(request, timeout=running.REQUEST_TIMEOUT) as response:
            status, headers, content = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, headers, content = error.code, error.headers, error.read()
    return running.Response(
        status=status,
        headers={name.lower(): value for name, value in headers.items()},
        body=content.decode("utf-8", errors="replace"),
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the app servers are other processes, and SQLite's test "
    "database is in this process's memory (runs in CI's PostgreSQL pass)",
)
@pytest.mark.django_db(transaction=True)
def test_an_import_previewed_on_one_app_server_is_confirmed_on_another(
    s3_endpoint, settings, monkeypatch, tmp_path, nothing_local
):
    bucket = use_bucket(settings, monkeypatch, s3_endpoint)
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    UserFactory(username=ADMIN_USERNAME, password=ADMIN_PASSWORD, is_staff=True, is_superuser=True)
    env = {
        **bucket.env,
        "DEBUG": "true",
        "DATABASE_URL": running.database_url(connection.settings_dict),
        "CONN_MAX_AGE": "0",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_FILES_ROOT": str(settings.PRIVATE_FILES_ROOT),
    }
    with running.app_servers(2, env=env, log_dir=tmp_path) as (server_a, server_b):
        staff = running.Browser()
        staff.log_in_to_admin(server_a.url, username=ADMIN_USERNAME, password=ADMIN_PASSWORD)
        import_url = "/admin/news/city/import/"
        assert staff.get(f"{server_a.url}{import_url}").status == 200
        preview = post_file(
            staff, f"{server_a.url}{import_url}",
            fields={"csrfmiddlewaretoken": staff.cookie("csrftoken")},
            file_field="file", filename="cities.csv", data=CITIES_CSV.encode(),
        )  # fmt: skip
        assert preview.status == 200, preview.body[:2000]
        assert "2 to create, 0 to change, 0 unchanged" in preview.body
        token = TOKEN_INPUT.search(preview.body)[1]
        assert bucket.object_keys() == {f"private/imports/city-{token}.csv"}
        assert not City.objects.exists()
        assert_not_public(bucket, token)
        for server in (server_a, server_b):
            assert staff.get(f"{server.url}/media/imports/city-{token}.csv").status == 404

        confirm_url = f"{server_b.url}{import_url}"
        done = staff.post(
            confirm_url,
            {"csrfmiddlewaretoken": staff.cookie("csrftoken"), "token": token, "confirm": "1"},
            {"Referer": confirm_url},
        )
        assert done.status == 200 and "Import finished" in done.body, done.body[:2000]
    assert sorted(City.objects.values_list("slug", flat=True)) == ["baotou", "hefei"]
    assert bucket.object_keys() == set()


@pytest.mark.parametrize(
    ("extra_env", "origin"),
    [
        ({}, "{endpoint}"),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.news.example"}, "https://media.news.example"),
    ],
)
def test_the_content_security_policy_lets_pages_show_images_from_the_bucket(
    settings, monkeypatch, s3_endpoint, extra_env, origin
):
    """Without the bucket's (or its CDN's) origin in img-src, browsers would refuse every
    image; it may serve images only, never scripts or styles."""
    use_bucket(settings, monkeypatch, s3_endpoint, **extra_env)
    directives = runpy.run_path(str(SETTINGS_FILE))["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    expected = origin.format(endpoint=s3_endpoint)
    assert expected in directives["img-src"]
    assert expected not in directives["script-src"] + directives["style-src"]
