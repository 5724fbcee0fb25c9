"""Hero images: only real JPEG/PNG/WebP within size and pixel limits, metadata stripped,
renditions made once at upload, old files removed, responsive markup on the pages."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db


def jpeg_bytes(size=(1700, 900), with_gps=True) -> bytes:
    image = Image.new("RGB", size, (40, 90, 160))
    exif = Image.Exif()
    if with_gps:
        exif[0x010F] = "SpyCam Corp"  # Make
        exif[0x8825] = {1: "N", 2: (40.0, 39.0, 30.0), 3: "E", 4: (109.0, 50.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=70)
    return buffer.getvalue()


def png_bytes(size=(640, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A valid PNG header claiming 10 gigapixels, with almost no data: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))  # fmt: skip


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_with_image(client, user, image, alt="Baotou skyline at dusk", article=None, **extra):
    client.force_login(user)
    data = article_post_data(article, hero_image=image, hero_alt=alt, **extra)
    url = f"/admin/news/article/{article.pk}/change/" if article else "/admin/news/article/add/"
    return client.post(url, data)


def form_errors(response) -> str:
    return str(response.context["adminform"].form.errors)


def test_real_jpeg_is_stored_without_metadata_with_renditions(client, writer):
    original = jpeg_bytes()
    assert b"SpyCam" in original
    response = post_with_image(client, writer, upload("skyline.jpg", original))
    assert response.status_code == 302
    article = Article.objects.get()
    with default_storage.open(article.hero_image.name) as stored:
        data = stored.read()
    assert b"SpyCam" not in data
    reopened = Image.open(io.BytesIO(data))
    assert reopened.format == "JPEG" and not reopened.getexif()
    assert (article.hero_width, article.hero_height) == (1700, 900)
    made = {(item["width"], item["type"]) for item in article.hero_renditions}
    assert made == {(w, t) for w in (480, 960, 1600) for t in ("image/webp", "image/jpeg")}
    for item in article.hero_renditions:
        with default_storage.open(item["name"]) as stored:
            image = Image.open(stored)
            assert image.width == item["width"] and image.height == item["height"]
            assert image.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[item["type"]]


def test_png_is_accepted_and_small_images_are_not_enlarged(client, writer):
    response = post_with_image(client, writer, upload("chart.png", png_bytes(), "image/png"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.hero_image.name.endswith(".png")
    assert sorted({item["width"] for item in article.hero_renditions}) == [480, 640]


def test_text_file_renamed_to_jpg_is_refused(client, writer):
    fake = upload("holiday.jpg", b"This is not an image at all, just text pretending.")
    response = post_with_image(client, writer, fake)
    assert response.status_code == 200
    assert "image" in form_errors(response).lower()
    assert not Article.objects.exists()


def test_gif_is_refused_even_though_pillow_reads_it(client, writer):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    response = post_with_image(client, writer, upload("anim.jpg", buffer.getvalue()))
    assert response.status_code == 200
    assert "GIF images are not accepted" in form_errors(response)


def test_oversized_file_is_refused(client, writer, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 20_000
    response = post_with_image(client, writer, upload("big.jpg", jpeg_bytes()))
    assert response.status_code == 200
    assert "the limit is" in form_errors(response)
    assert not Article.objects.exists()


def test_decompression_bomb_is_refused_without_a_crash(client, writer):
    bomb = png_bomb()
    assert len(bomb) < 1000
    response = post_with_image(client, writer, upload("bomb.png", bomb, "image/png"))
    assert response.status_code == 200
    assert "image" in form_errors(response).lower()
    assert not Article.objects.exists()


def test_image_over_the_pixel_limit_is_refused(client, writer, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = post_with_image(client, writer, upload("wide.png", png_bomb(2000, 1000)))
    assert response.status_code == 200
    assert "megapixels" in form_errors(response)


def test_alt_text_is_required_with_an_image(client, writer):
    response = post_with_image(client, writer, upload("a.jpg", jpeg_bytes((600, 400))), alt="")
    assert response.status_code == 200
    assert "alt text is required" in form_errors(response)


def stored_files(article) -> list[str]:
    return [article.hero_image.name, *[item["name"] for item in article.hero_renditions]]


def test_replacing_and_clearing_an_image_removes_old_files(
    client, writer, django_capture_on_commit_callbacks
):
    post_with_image(client, writer, upload("first.jpg", jpeg_bytes((1000, 600))))
    article = Article.objects.get()
    first_files = stored_files(article)
    assert all(default_storage.exists(name) for name in first_files)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_with_image(
            client, writer, upload("second.png", png_bytes(), "image/png"), article=article
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not any(default_storage.exists(name) for name in first_files)
    second_files = stored_files(article)
    assert all(default_storage.exists(name) for name in second_files)

    data = article_post_data(article, **{"hero_image-clear": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/news/article/{article.pk}/change/", data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.hero_image and article.hero_renditions == []
    assert not any(default_storage.exists(name) for name in second_files)


def test_deleting_an_article_removes_its_image_files(
    client, writer, editor, django_capture_on_commit_callbacks
):
    post_with_image(client, writer, upload("first.jpg", jpeg_bytes((600, 400))))
    article = Article.objects.get()
    files = stored_files(article)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    assert not any(default_storage.exists(name) for name in files)


def test_public_pages_serve_srcset_sizes_dimensions_and_lazy_cards(client, writer, editor):
    from news import services

    post_with_image(client, writer, upload("skyline.jpg", jpeg_bytes()))
    article = services.publish_article(article=Article.objects.get(), by=editor)
    client.logout()
    detail = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<source type="image/webp" srcset="/media/articles/renditions/skyline-480.webp 480w'
        in detail
    )
    assert 'sizes="(min-width: 60em) 50em, 100vw"' in detail
    assert 'width="960" height="508"' in detail
    assert 'alt="Baotou skyline at dusk"' in detail
    assert 'loading="lazy"' not in detail  # the hero is at the top of the page
    listing = client.get("/news/").content.decode()
    assert 'loading="lazy"' in listing and "skyline-480.jpg 480w" in listing


def test_article_without_renditions_still_renders(client):
    article = ArticleFactory()
    # A hero stored before renditions were made (no file processing: a legacy row).
    Article.objects.filter(pk=article.pk).update(
        hero_image="articles/old.jpg", hero_alt="Old photo"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<img src="/media/articles/old.jpg"' in html and 'alt="Old photo"' in html
