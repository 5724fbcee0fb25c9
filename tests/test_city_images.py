"""City images: checked like article images (real JPEG/PNG/WebP only, size and pixel limits,
metadata stripped, re-encoded), renditions made once, old files removed, and a responsive
<picture> on the city page."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from news.models import City
from tests.factories import ArticleFactory, CityFactory
from tests.test_images import jpeg_bytes, png_bomb, png_bytes, upload

pytestmark = pytest.mark.django_db

#: What the other fields of the city form say in every refusal test: all must come back typed.
TYPED = {
    "name": "Baotou",
    "name_zh": "包头市",
    "province": "Inner Mongolia",
    "division_code": "150200",
    "summary": "Steel city on the Yellow River, now a demonstration city.",
}
APPENDED = b"<script>alert('stored as an image')</script>"


def city_form(**overrides) -> dict:
    data = {
        **TYPED, "slug": "", "level": "prefecture", "image_alt": "Baotou's skyline at dusk",
        "metric_values-TOTAL_FORMS": "0", "metric_values-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(overrides)
    return data


def post_city(client, user, image, city=None, **overrides):
    client.force_login(user)
    url = f"/admin/news/city/{city.pk}/change/" if city else "/admin/news/city/add/"
    data = city_form(**overrides)
    if image is not None:
        data["image"] = image
    return client.post(url, data)


def tiff_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 60)).save(buffer, "TIFF")
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (60, 40)).save(buffer, "GIF")
    return buffer.getvalue()


def stored(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


def city_files(city: City) -> list[str]:
    return [city.image.name, *[item["name"] for item in city.image_renditions]]


def assert_refused_and_fields_kept(response, message: str) -> None:
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert message in str(form.errors["image"])
    html = response.content.decode()
    for value in TYPED.values():
        assert f'value="{value}"' in html or f">\n{value}</textarea>" in html, value
    assert not City.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("flag.gif", gif_bytes(), "GIF images are not accepted"),
        ("scan.tif", tiff_bytes(), "TIFF images are not accepted"),
        ("notes.jpg", b"just some words, not a picture", "Upload a valid image"),
    ],
)
def test_a_city_image_that_is_not_jpeg_png_or_webp_is_refused(
    client, records_admin, name, content, message
):
    response = post_city(client, records_admin, upload(name, content))
    assert_refused_and_fields_kept(response, message)


def test_a_city_image_over_the_pixel_limit_is_refused(client, records_admin, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = post_city(client, records_admin, upload("wide.png", png_bomb(2000, 1000)))
    assert_refused_and_fields_kept(response, "2000 × 1000 pixels; the limit is 1 megapixels")


def test_a_city_image_over_the_size_limit_is_refused(client, records_admin, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 20_000
    response = post_city(client, records_admin, upload("big.jpg", jpeg_bytes()))
    assert_refused_and_fields_kept(response, "the limit is")


def test_a_jpeg_with_bytes_appended_is_stored_re_encoded_without_them(client, records_admin):
    original = jpeg_bytes((900, 600)) + APPENDED
    assert Image.open(io.BytesIO(original)).format == "JPEG"  # Pillow reads it as a photo
    response = post_city(client, records_admin, upload("skyline.jpg", original))
    assert response.status_code == 302
    data = stored(City.objects.get().image.name)
    assert APPENDED not in data and b"<script" not in data
    assert data != original[: -len(APPENDED)]  # re-encoded, not just trimmed
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_city_image_loses_exif_and_gps_and_gets_renditions(client, records_admin):
    original = jpeg_bytes((1700, 900))
    assert b"SpyCam" in original
    response = post_city(client, records_admin, upload("skyline.jpg", original))
    assert response.status_code == 302
    city = City.objects.get()
    data = stored(city.image.name)
    assert b"SpyCam" not in data
    reopened = Image.open(io.BytesIO(data))
    assert not reopened.getexif() and reopened.getexif().get_ifd(0x8825) == {}
    assert (city.image_width, city.image_height) == (1700, 900)
    made = {(item["width"], item["type"]) for item in city.image_renditions}
    assert made == {(w, t) for w in (480, 960, 1600) for t in ("image/webp", "image/jpeg")}
    for item in city.image_renditions:
        assert item["name"].startswith("cities/renditions/skyline-")
        image = Image.open(io.BytesIO(stored(item["name"])))
        assert (image.width, image.height) == (item["width"], item["height"])
        assert not image.getexif()


def test_alt_text_is_required_with_a_city_image(client, records_admin):
    response = post_city(client, records_admin, upload("a.jpg", jpeg_bytes((600, 400))),
                         image_alt="  ")  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "alt text is required" in str(errors["image_alt"])
    assert not City.objects.exists()


def test_replacing_and_clearing_a_city_image_removes_the_old_files(
    client, records_admin, django_capture_on_commit_callbacks
):
    post_city(client, records_admin, upload("first.jpg", jpeg_bytes((1000, 600))))
    city = City.objects.get()
    first = city_files(city)
    assert len(first) == 7 and all(default_storage.exists(name) for name in first)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_city(
            client, records_admin, upload("second.png", png_bytes(), "image/png"), city=city
        )
    assert response.status_code == 302
    city.refresh_from_db()
    assert not any(default_storage.exists(name) for name in first)
    second = city_files(city)
    assert city.image.name.endswith(".png") and (city.image_width, city.image_height) == (640, 400)
    assert all(default_storage.exists(name) for name in second)

    # Saving other fields keeps the image and its renditions as they are.
    with django_capture_on_commit_callbacks(execute=True):
        post_city(client, records_admin, None, city=city, summary="Changed summary.")
    city.refresh_from_db()
    assert city_files(city) == second and all(default_storage.exists(name) for name in second)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_city(client, records_admin, None, city=city, **{"image-clear": "on"})
    assert response.status_code == 302
    city.refresh_from_db()
    assert not city.image and city.image_renditions == [] and city.image_width is None
    assert not any(default_storage.exists(name) for name in second)


def test_deleting_or_merging_a_city_removes_its_image_files(
    client, records_admin, admin_client, django_capture_on_commit_callbacks
):
    post_city(client, records_admin, upload("gone.jpg", jpeg_bytes((600, 400))))
    city = City.objects.get()
    files = city_files(city)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/news/city/{city.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not any(default_storage.exists(name) for name in files)

    post_city(client, records_admin, upload("merged.jpg", jpeg_bytes((600, 400))),
              division_code="150201")  # fmt: skip
    source = City.objects.get()
    files = city_files(source)
    into = CityFactory(name="Baotou proper")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/news/city/",
            {"action": "merge_into_another_city", "_selected_action": [source.pk],
             "apply": "1", "into": into.pk},
        )  # fmt: skip
    assert response.status_code == 302
    assert not City.objects.filter(pk=source.pk).exists()
    assert not any(default_storage.exists(name) for name in files)


def test_city_page_shows_the_image_as_a_responsive_picture(client, records_admin):
    post_city(client, records_admin, upload("skyline.jpg", jpeg_bytes((1700, 900))))
    city = City.objects.get()
    ArticleFactory(cities=[city])
    client.logout()
    html = client.get(city.get_absolute_url()).content.decode()
    picture = re.search(r'<div class="city-image"><picture>.*?</picture>', html, re.S)
    assert picture, html
    assert (
        '<source type="image/webp" srcset="/media/cities/renditions/skyline-480.webp 480w, '
        "/media/cities/renditions/skyline-960.webp 960w, "
        '/media/cities/renditions/skyline-1600.webp 1600w"' in picture[0]
    )
    assert 'src="/media/cities/renditions/skyline-960.jpg"' in picture[0]
    assert 'width="960" height="508"' in picture[0]
    assert 'alt="Baotou&#x27;s skyline at dusk"' in picture[0]
    # Link previews take the largest JPEG rendition, as absolute addresses.
    assert (
        '<meta property="og:image" content="http://testserver/media/cities/renditions/'
        'skyline-1600.jpg">' in html
    )


def test_a_city_image_stored_before_renditions_still_renders(client):
    city = CityFactory(name="Ordos")
    City.objects.filter(pk=city.pk).update(image="cities/old.jpg", image_alt="Old photo")
    html = client.get(city.get_absolute_url()).content.decode()
    assert '<img src="/media/cities/old.jpg"' in html and 'alt="Old photo"' in html
