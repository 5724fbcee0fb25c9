"""Images inside the article text: uploaded beside the article, checked like the hero image,
inserted by address, and served with renditions; no other image survives the sanitiser."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from news.models import Article, BodyImage
from news.sanitise import sanitise_html
from tests.factories import ArticleFactory
from tests.helpers import article_post_data
from tests.test_images import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://tracker.example/pixel.gif" alt="">',
        '<img src="javascript:alert(1)">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<img src="/media/articles/body/../../settings.py">',
        '<img src="/media/articles/x.jpg">',
        '<img src=x onerror="alert(1)">',
        '<img alt="no source">',
    ],
)
def test_only_images_uploaded_for_the_text_survive_sanitising(html):
    assert "<img" not in sanitise_html(f"<p>{html}</p>")


def test_an_uploaded_image_keeps_its_address_alt_and_size_only():
    html = '<img src="/media/articles/body/a.jpg" alt="Forum" width="800" height="400" ' \
        'onerror="alert(1)" style="x" srcset="https://evil.example/x.jpg 1w">'  # fmt: skip
    assert sanitise_html(html) == (
        '<img src="/media/articles/body/a.jpg" alt="Forum" width="800" height="400">'
    )


def inline(prefix="body_images", **fields):
    data = {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data.update({f"{prefix}-0-{name}": value for name, value in fields.items()})
    return data


def post_article(client, user, article=None, **extra):
    client.force_login(user)
    url = f"/admin/news/article/{article.pk}/change/" if article else "/admin/news/article/add/"
    return client.post(url, article_post_data(article, **extra))


def test_writer_uploads_an_image_for_the_text_with_renditions(client, writer):
    data = inline(image=upload("forum.jpg", jpeg_bytes(size=(1200, 600))), alt_text="The forum")
    response = post_article(client, writer, **data)
    assert response.status_code == 302
    body_image = BodyImage.objects.get()
    assert body_image.article == Article.objects.get()
    assert (body_image.width, body_image.height) == (1200, 600)
    assert {item["width"] for item in body_image.renditions} == {480, 960, 1200}
    with default_storage.open(body_image.image.name) as stored:
        assert b"SpyCam" not in stored.read()  # metadata stripped, as for the hero
    change_page = client.get(f"/admin/news/article/{body_image.article.pk}/change/")
    assert body_image.image.url in change_page.content.decode()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (40, 40)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"just some text, not a picture", "Upload a valid image"),
        ("anim.gif", gif_bytes(), "GIF images are not accepted"),
        ("huge.jpg", jpeg_bytes(size=(9000, 5000)), "megapixels"),
    ],
)
def test_images_for_the_text_are_checked_like_the_hero(client, writer, settings, name, content,
                                                       message):  # fmt: skip
    settings.IMAGE_MAX_PIXELS = 40_000_000
    file = upload(name, content)
    response = post_article(client, writer, **inline(image=file, alt_text="x"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BodyImage.objects.exists() and not Article.objects.exists()


def test_alt_text_is_required(client, writer):
    response = post_article(client, writer, **inline(image=upload("a.jpg", jpeg_bytes())))
    assert response.status_code == 200
    assert not BodyImage.objects.exists()


def test_article_page_serves_body_images_with_renditions_and_lazy_loading(client, writer):
    post_article(client, writer, **inline(image=upload("f.jpg", jpeg_bytes()), alt_text="Forum"))
    body_image = BodyImage.objects.get()
    Article.objects.filter(pk=body_image.article.pk).update(
        body=sanitise_html(f'<p>Text</p><img src="{body_image.image.url}" alt="">'),
        status=Article.Status.PUBLISHED,
        published_at=body_image.uploaded_at,
    )
    html = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert f'<img src="{body_image.image.url}" alt="Forum" width="1700" height="900"' in html
    assert 'loading="lazy"' in html and "srcset=" in html and "-480.jpg 480w" in html


def test_an_image_the_article_no_longer_has_is_not_shown(client):
    article = ArticleFactory(body='<p>Text</p><img src="/media/articles/body/gone.jpg" alt="x">')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "gone.jpg" not in html


def test_deleting_an_image_for_the_text_removes_its_files(
    client, writer, django_capture_on_commit_callbacks
):
    post_article(client, writer, **inline(image=upload("f.jpg", jpeg_bytes()), alt_text="Forum"))
    body_image = BodyImage.objects.get()
    names = [body_image.image.name, *(item["name"] for item in body_image.renditions)]
    assert all(default_storage.exists(name) for name in names)
    data = {
        "body_images-TOTAL_FORMS": "1",
        "body_images-INITIAL_FORMS": "1",
        "body_images-0-id": body_image.pk,
        "body_images-0-article": body_image.article.pk,
        "body_images-0-alt_text": "Forum",
        "body_images-0-DELETE": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = post_article(client, writer, body_image.article, **data)
    assert response.status_code == 302
    assert not BodyImage.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_an_image_with_a_chinese_file_name_is_kept_and_served(client, writer):
    post_article(client, writer, **inline(image=upload("论坛.jpg", jpeg_bytes()), alt_text="Forum"))
    body_image = BodyImage.objects.get()
    assert body_image.image.name == "articles/body/论坛.jpg"
    url = body_image.image.url
    assert url == "/media/articles/body/%E8%AE%BA%E5%9D%9B.jpg"
    body = sanitise_html(f'<p>Text</p><img src="{url}" alt="">')
    assert f'<img src="{url}"' in body
    Article.objects.filter(pk=body_image.article.pk).update(
        body=body, status=Article.Status.PUBLISHED, published_at=body_image.uploaded_at
    )
    html = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert f'<img src="{url}" alt="Forum"' in html
