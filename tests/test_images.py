"""Uploads to the media library: only real JPEG/PNG/WebP within size and pixel limits, metadata
stripped, renditions made once at upload, files removed with the image, responsive markup on
the pages that show it as a hero."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news import services
from news.models import Article
from news.models import Image as LibraryImage
from tests.factories import ArticleFactory
from tests.helpers import article_post_data, library_image

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


def post_with_image(client, user, image, alt="Baotou skyline at dusk", **extra):
    """Upload `image` through the media library's add form."""
    client.force_login(user)
    data = {"file": image, "title": extra.pop("title", "Skyline"), "alt_text": alt, **extra}
    return client.post("/admin/news/image/add/", data)


def form_errors(response) -> str:
    return str(response.context["adminform"].form.errors)


def stored_files(image) -> list[str]:
    return [image.file.name, *[item["name"] for item in image.renditions]]


def test_real_jpeg_is_stored_without_metadata_with_renditions(client, writer):
    original = jpeg_bytes()
    assert b"SpyCam" in original
    response = post_with_image(client, writer, upload("skyline.jpg", original))
    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert image.uploaded_by == writer and image.file.name.startswith("library/skyline")
    with default_storage.open(image.file.name) as stored:
        data = stored.read()
    assert b"SpyCam" not in data
    reopened = Image.open(io.BytesIO(data))
    assert reopened.format == "JPEG" and not reopened.getexif()
    assert (image.width, image.height) == (1700, 900)
    made = {(item["width"], item["type"]) for item in image.renditions if not item.get("crop")}
    assert made == {(w, t) for w in (480, 960, 1600) for t in ("image/webp", "image/jpeg")}
    for item in image.renditions:
        with default_storage.open(item["name"]) as stored:
            opened = Image.open(stored)
            assert opened.width == item["width"] and opened.height == item["height"]
            assert opened.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[item["type"]]


def test_png_is_accepted_and_small_images_are_not_enlarged(client, writer):
    response = post_with_image(client, writer, upload("chart.png", png_bytes(), "image/png"))
    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert image.file.name.endswith(".png")
    assert sorted({item["width"] for item in image.renditions if not item.get("crop")}) == [
        480,
        640,
    ]


def test_text_file_renamed_to_jpg_is_refused(client, writer):
    fake = upload("holiday.jpg", b"This is not an image at all, just text pretending.")
    response = post_with_image(client, writer, fake)
    assert response.status_code == 200
    assert "image" in form_errors(response).lower()
    assert not LibraryImage.objects.exists()


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
    assert not LibraryImage.objects.exists()


def test_decompression_bomb_is_refused_without_a_crash(client, writer):
    bomb = png_bomb()
    assert len(bomb) < 1000
    response = post_with_image(client, writer, upload("bomb.png", bomb, "image/png"))
    assert response.status_code == 200
    assert "image" in form_errors(response).lower()
    assert not LibraryImage.objects.exists()


def test_image_over_the_pixel_limit_is_refused(client, writer, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = post_with_image(client, writer, upload("wide.png", png_bomb(2000, 1000)))
    assert response.status_code == 200
    assert "megapixels" in form_errors(response)


def test_alt_text_is_required_with_an_image(client, writer):
    response = post_with_image(client, writer, upload("a.jpg", jpeg_bytes((600, 400))), alt="")
    assert response.status_code == 200
    assert "alt_text" in response.context["adminform"].form.errors
    assert not LibraryImage.objects.exists()


def test_deleting_an_unused_image_removes_its_files(
    client, editor, django_capture_on_commit_callbacks
):
    image = library_image(size=(600, 400))
    files = stored_files(image)
    assert all(default_storage.exists(name) for name in files)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not LibraryImage.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_deleting_an_article_keeps_its_library_image(editor, django_capture_on_commit_callbacks):
    image = library_image(size=(600, 400))
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None, hero=image)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_article(article=article, by=editor)
    assert all(default_storage.exists(name) for name in stored_files(image))


def test_public_pages_serve_srcset_sizes_dimensions_and_lazy_cards(client, writer, editor):
    post_with_image(client, writer, upload("skyline.jpg", jpeg_bytes()))
    image = LibraryImage.objects.get()
    response = client.post("/admin/news/article/add/", article_post_data(hero=image.pk))
    assert response.status_code == 302
    article = services.publish_article(article=Article.objects.get(), by=editor)
    client.logout()
    detail = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<source type="image/webp" srcset="/media/library/renditions/skyline-480.webp 480w'
        in detail
    )
    assert 'sizes="(min-width: 60em) 50em, 100vw"' in detail
    assert 'width="960" height="508"' in detail
    assert 'alt="Baotou skyline at dusk"' in detail
    assert 'loading="lazy"' not in detail  # the hero is at the top of the page
    listing = client.get("/news/").content.decode()
    assert 'loading="lazy"' in listing and "skyline-480.jpg 480w" in listing


def test_image_without_renditions_still_renders(client):
    # A library row whose renditions were never made (a legacy row moved into the library).
    image = LibraryImage.objects.create(title="Old", alt_text="Old photo", file="articles/old.jpg")
    article = ArticleFactory(hero=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<img src="/media/articles/old.jpg"' in html and 'alt="Old photo"' in html
