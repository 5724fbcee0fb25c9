"""The media library: uploads checked once through the service, words and focal point edited,
deletes refused while an article shows the image (naming it), the admin's list and search, the
picker (search, pages, upload with clear errors), the article form's hero choice and the
editor's Image button configuration, with bounded queries."""

import io
import json
import os
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PillowImage

from news.models import Article
from news.models import Image as LibraryImage
from news.services import media
from tests.factories import ArticleFactory
from tests.helpers import article_post_data, library_image
from tests.test_images import jpeg_bytes, png_bomb, stored_files, upload

pytestmark = pytest.mark.django_db

#: The library's list page (one page of thumbnails, their tags and uploaders): session, user,
#: count, rows, tags, plus the admin's own (sidebar, permissions) — the same at any size.
LIBRARY_LIST_MAX_QUERIES = 12
#: The picker panel: session, user, count, one page of images, their tags.
PICKER_MAX_QUERIES = 8


def in_text(image) -> str:
    return f'<p>See.</p><img src="{image.file.url}" alt="" data-image-id="{image.pk}">'


# --- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a picture at all", "not a JPEG, PNG or WebP"),
        (png_bomb(), "not a JPEG, PNG or WebP"),
        (png_bomb(3000, 2000), "megapixels"),
    ],
)
def test_the_service_refuses_files_that_are_not_usable_images_and_stores_nothing(
    writer, settings, content, message
):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(media.MediaError, match=message) as refused:
        media.upload_image(upload=upload("x.png", content), by=writer, title="x", alt_text="x")
    assert refused.value.field == "file"
    assert not LibraryImage.objects.exists()
    assert not default_storage.exists("library")


def test_an_upload_has_its_tags_size_renditions_and_a_share_crop_at_the_focal_point(writer):
    image = library_image(by=writer, size=(2400, 900), tags=["aerial", "Baotou"], focal_x=0.1,
                          focal_y=0.5)  # fmt: skip
    assert sorted(image.tags.names()) == ["Baotou", "aerial"]
    assert (image.width, image.height, image.uploaded_by) == (2400, 900, writer)
    crop = image.share_crop
    assert (crop["width"], crop["height"]) == (1200, 630)
    assert default_storage.exists(crop["name"])


def test_moving_the_focal_point_makes_a_new_crop_and_removes_the_old_one(
    writer, django_capture_on_commit_callbacks
):
    image = library_image(by=writer, size=(2400, 900))
    old_crop = image.share_crop["name"]
    with django_capture_on_commit_callbacks(execute=True):
        image = media.edit_image(image=image, by=writer, focal_x=0.9, focal_y=0.2,
                                 alt_text="Changed words", tags=["night"])  # fmt: skip
    assert image.alt_text == "Changed words" and list(image.tags.names()) == ["night"]
    assert image.share_crop["name"] != old_crop
    assert default_storage.exists(image.share_crop["name"])
    assert not default_storage.exists(old_crop)


def test_a_writer_changes_only_their_own_uploads_and_deletes_none(writer, other_writer, editor):
    theirs = library_image(by=other_writer)
    with pytest.raises(media.MediaError, match="images you uploaded"):
        media.edit_image(image=theirs, by=writer, alt_text="Mine now")
    with pytest.raises(media.MediaError, match="Only editors"):
        media.delete_image(image=library_image(by=writer), by=writer)
    media.edit_image(image=theirs, by=editor, alt_text="An editor's fix")
    assert LibraryImage.objects.get(pk=theirs.pk).alt_text == "An editor's fix"


def test_deleting_an_image_in_use_is_refused_naming_the_articles(editor):
    image = library_image()
    ArticleFactory(title="Baotou's hero story", hero=image)
    ArticleFactory(title="Inside the forum", body=in_text(image))
    ArticleFactory(title="Another image", body=in_text(library_image(name="other.jpg")))
    with pytest.raises(media.MediaError) as refused:
        media.delete_image(image=image, by=editor)
    assert "used by 2 articles" in refused.value.message
    assert "“Baotou's hero story”" in refused.value.message
    assert "“Inside the forum”" in refused.value.message
    assert "Another image" not in refused.value.message
    assert all(default_storage.exists(name) for name in stored_files(image))


def test_deleting_an_unused_image_removes_every_file_after_commit(
    editor, django_capture_on_commit_callbacks
):
    image = library_image()
    files = stored_files(image)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        media.delete_image(image=image, by=editor)
    assert all(default_storage.exists(name) for name in files)  # kept until the commit
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in files)


# --- the admin: the library ----------------------------------------------------------------


def test_the_library_is_in_the_newsroom_section_for_writers(client, writer):
    client.force_login(writer)
    html = client.get("/admin/section/newsroom/").content.decode()
    assert 'href="/admin/news/image/"' in html and "Media library" in html


def test_the_library_list_shows_thumbnails_and_searches_by_title_and_tag(client, writer):
    library_image(title="Steel works at night", tags=["industry"], name="steel.jpg")
    library_image(title="Grassland", tags=["Xilingol", "aerial"], name="grass.jpg")
    client.force_login(writer)
    html = client.get("/admin/news/image/").content.decode()
    assert '<img class="library-thumbnail" src="/media/library/renditions/steel-480.webp"' in html
    by_tag = client.get("/admin/news/image/", {"q": "aerial"})
    assert [image.title for image in by_tag.context["cl"].result_list] == ["Grassland"]
    by_title = client.get("/admin/news/image/", {"q": "steel night"})
    assert [image.title for image in by_title.context["cl"].result_list] == ["Steel works at night"]


def test_the_delete_page_refuses_an_image_in_use_with_the_articles_linked(client, editor):
    image = library_image()
    article = ArticleFactory(title="Baotou's hero story", hero=image)
    client.force_login(editor)
    for response in (
        client.get(f"/admin/news/image/{image.pk}/delete/"),
        client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"}),
    ):
        assert response.status_code == 409
        html = response.content.decode()
        assert "cannot be deleted" in html
        assert (
            f'<a href="/admin/news/article/{article.pk}/change/">Baotou&#x27;s hero story</a>'
            in html
        )
    assert LibraryImage.objects.filter(pk=image.pk).exists()


def test_the_change_page_lists_the_articles_that_show_the_image(client, editor):
    image = library_image()
    article = ArticleFactory(title="Inside the forum", body=in_text(image))
    client.force_login(editor)
    html = client.get(f"/admin/news/image/{image.pk}/change/").content.decode()
    assert f'href="/admin/news/article/{article.pk}/change/">Inside the forum</a>' in html


def test_editing_the_words_in_the_admin_goes_through_the_service(client, writer):
    image = library_image(by=writer)
    client.force_login(writer)
    data = {"title": "Renamed", "alt_text": "Better words", "caption": "At dusk", "credit": "",
            "tags": "dusk, Baotou", "focal_x": "0.25", "focal_y": "0.75"}  # fmt: skip
    response = client.post(f"/admin/news/image/{image.pk}/change/", data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.title, image.alt_text, image.focal_point) == ("Renamed", "Better words",
                                                                (0.25, 0.75))  # fmt: skip
    assert sorted(image.tags.names()) == ["Baotou", "dusk"]


@pytest.mark.parametrize("count", [30, 60])
def test_the_library_list_runs_a_bounded_number_of_queries(
    client, editor, django_assert_max_num_queries, count
):
    rows = [
        LibraryImage(
            title=f"Image {n}",
            alt_text="x",
            file=f"library/{n}.jpg",
            width=10,
            height=10,
            renditions=[
                {"width": 10, "height": 10, "type": "image/jpeg", "name": f"library/{n}.jpg"}
            ],
        )  # fmt: skip
        for n in range(count)
    ]
    for image in LibraryImage.objects.bulk_create(rows):
        image.tags.add(f"tag {image.pk % 5}")
    client.force_login(editor)
    with django_assert_max_num_queries(LIBRARY_LIST_MAX_QUERIES):
        response = client.get("/admin/news/image/")
    assert response.status_code == 200 and response.context["cl"].result_count == count
    with django_assert_max_num_queries(PICKER_MAX_QUERIES):
        response = client.get("/admin/news/image/picker/", {"panel": "1"})
    assert response.status_code == 200 and len(response.context["choices"]) == 24


# --- the picker ----------------------------------------------------------------------------


def test_the_picker_searches_by_title_and_tag_and_pages(client, writer):
    for number in range(30):
        library_image(title=f"Photo {number}", name=f"p{number}.jpg", size=(200, 100),
                      tags=["forum"] if number == 7 else [])  # fmt: skip
    client.force_login(writer)
    first = client.get("/admin/news/image/picker/", {"panel": "1"})
    assert len(first.context["choices"]) == 24
    html = first.content.decode()
    assert "30 images in the library" in html and "Page 1 of 2" in html
    assert 'href="/admin/news/image/picker/?page=2"' in html
    second = client.get("/admin/news/image/picker/", {"panel": "1", "page": "2"})
    assert len(second.context["choices"]) == 6
    tagged = client.get("/admin/news/image/picker/", {"panel": "1", "q": "forum"})
    assert [c["image"].title for c in tagged.context["choices"]] == ["Photo 7"]
    button = re.search(
        r'<button type="button" class="button picker-choose"[^>]*>', tagged.content.decode()
    )
    image = LibraryImage.objects.get(title="Photo 7")
    assert f'data-image-id="{image.pk}"' in button.group(0)
    assert 'data-alt="Baotou skyline at dusk"' in button.group(0)
    assert f'data-src="/media/{image.rendition(kind="image/jpeg")["name"]}"' in button.group(0)
    # A bad page number is the last page, not an error; the whole page works without a script.
    assert client.get("/admin/news/image/picker/", {"page": "99"}).status_code == 200


def noisy_jpeg() -> bytes:
    """A photo-sized JPEG of random pixels: over a megabyte, however it is compressed."""
    buffer = io.BytesIO()
    PillowImage.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3)).save(
        buffer, "JPEG", quality=95
    )
    assert buffer.tell() > 1_048_576
    return buffer.getvalue()


def picker_upload(client, file, **fields):
    data = {"upload-title": "Forum hall", "upload-alt_text": "The forum hall, full",
            "upload-caption": "Opening day", "upload-tags": "forum, Baotou", **fields}  # fmt: skip
    if file is not None:
        data["upload-file"] = file
    return client.post("/admin/news/image/picker/?panel=1", data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, not a picture", "Upload a valid image"),
        (noisy_jpeg(), "the limit is 1 MB"),
        (png_bomb(3000, 2000), "megapixels"),
    ],
    ids=["broken", "oversized", "too-many-pixels"],
)
def test_picker_upload_errors_are_clear_and_keep_what_was_typed(
    client, writer, settings, content, message
):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    settings.IMAGE_MAX_UPLOAD_BYTES = 1_048_576
    client.force_login(writer)
    response = picker_upload(client, upload("hall.jpg", content))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "The image was not uploaded" in html
    for typed in ("Forum hall", "The forum hall, full", "Opening day", "forum, Baotou"):
        assert f'value="{typed}"' in html
    assert not LibraryImage.objects.exists()
    assert not default_storage.exists("library")


def test_picker_upload_without_alt_text_is_refused(client, writer):
    client.force_login(writer)
    response = picker_upload(client, upload("hall.jpg", jpeg_bytes((600, 400))),
                             **{"upload-alt_text": ""})  # fmt: skip
    assert response.status_code == 400
    assert not LibraryImage.objects.exists()


def test_picker_upload_adds_the_image_and_offers_it_first(client, writer):
    client.force_login(writer)
    response = picker_upload(client, upload("hall.jpg", jpeg_bytes((1200, 600))))
    assert response.status_code == 200
    image = LibraryImage.objects.get()
    assert (image.title, image.caption, image.uploaded_by) == ("Forum hall", "Opening day", writer)
    assert sorted(image.tags.names()) == ["Baotou", "forum"]
    html = response.content.decode()
    assert "Just uploaded" in html and f'data-image-id="{image.pk}"' in html
    # Without a script, the same form redirects to the picker's page showing the new image.
    page = client.post(
        "/admin/news/image/picker/",
        {"upload-title": "Second", "upload-alt_text": "Second photo",
         "upload-file": upload("two.jpg", jpeg_bytes((600, 400)))},
    )  # fmt: skip
    assert page.status_code == 302 and "uploaded=" in page["Location"]
    assert "Just uploaded" in client.get(page["Location"]).content.decode()


def test_records_admins_cannot_open_the_picker_or_upload(client, records_admin):
    client.force_login(records_admin)
    assert client.get("/admin/news/image/picker/").status_code == 403
    assert picker_upload(client, upload("x.jpg", jpeg_bytes((600, 400)))).status_code == 403
    assert not LibraryImage.objects.exists()


# --- the article screen --------------------------------------------------------------------


def test_a_writer_chooses_the_hero_from_the_plain_list_without_javascript(client, writer):
    image = library_image(title="Skyline", by=writer)
    client.force_login(writer)
    page = client.get("/admin/news/article/add/").content.decode()
    option = re.search(rf'<option value="{image.pk}"[^>]*>', page).group(0)
    assert "data-thumbnail=" in option
    assert 'class="button media-picker-open" hidden' in page  # offered once the script runs
    response = client.post("/admin/news/article/add/", article_post_data(hero=image.pk))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.hero == image
    change = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert '<div class="hero-image-preview"><img src="/media/library/renditions/' in change


def test_the_article_screen_has_the_picker_dialog_and_the_editors_image_button(client, writer):
    client.force_login(writer)
    html = client.get("/admin/news/article/add/").content.decode()
    assert '<dialog id="media-picker"' in html and 'data-url="/admin/news/image/picker/"' in html
    assert "/static/js/media-picker.js" in html
    # The dialog is outside the article's form (its upload form must not be nested).
    assert html.index('<dialog id="media-picker"') > html.index("</form>")
    config = json.loads(
        re.search(r"data-django-prose-editor-configurable=\"([^\"]+)\"", html)
        .group(1)
        .replace("&quot;", '"')
    )
    assert "LibraryImage" in config["extensions"] and "Image" not in config["extensions"]
    assert any(module.endswith("js/article-editor.js") for module in config["js_modules"])
    for kept in ("Heading", "BulletList", "OrderedList", "Blockquote", "Link", "Table"):
        assert kept in config["extensions"]
