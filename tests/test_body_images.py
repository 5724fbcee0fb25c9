"""Images inside the article text: library images inserted by the editor's Image button (an
<img> with the library's id), served with the library's renditions; no other image survives the
sanitiser, and the page prints the library's addresses and words, not the body's."""

import pytest

from news.models import Article
from news.sanitise import sanitise_html
from tests.factories import ArticleFactory
from tests.helpers import library_image

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://tracker.example/pixel.gif" alt="" data-image-id="1">',
        '<img src="javascript:alert(1)" data-image-id="1">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" data-image-id="1">',
        '<img src="/media/library/../../settings.py" data-image-id="1">',
        '<img src="/media/library/x.jpg">',
        '<img src="/media/library/x.jpg" data-image-id="one">',
        '<img src=x onerror="alert(1)">',
        '<img alt="no source" data-image-id="1">',
    ],
)
def test_only_library_images_survive_sanitising(html):
    assert "<img" not in sanitise_html(f"<p>{html}</p>")


def test_a_library_image_keeps_its_address_id_alt_and_size_only():
    html = '<img src="/media/library/a.jpg" alt="Forum" width="800" height="400" ' \
        'data-image-id="7" onerror="alert(1)" style="x" srcset="https://evil.example/x.jpg 1w">'  # fmt: skip
    assert sanitise_html(html) == (
        '<img src="/media/library/a.jpg" alt="Forum" width="800" height="400" data-image-id="7">'
    )


def body_showing(image, src=None) -> str:
    return sanitise_html(
        f'<p>Text</p><img src="{src or image.file.url}" alt="typed" data-image-id="{image.pk}">'
    )


def test_article_page_serves_body_images_as_pictures_with_renditions(client):
    image = library_image(title="Forum", alt_text="The forum hall", name="forum.jpg")
    article = ArticleFactory(body=body_showing(image))
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/media/library/renditions/forum-480.webp 480w' in html
    assert "forum-480.jpg 480w" in html and 'sizes="(min-width: 48em) 44rem, 100vw"' in html
    assert 'alt="The forum hall"' in html and 'alt="typed"' not in html  # the library's words
    assert 'width="960" height="508"' in html and 'loading="lazy"' in html


def test_an_image_no_longer_in_the_library_is_not_shown(client):
    image = library_image(name="gone.jpg")
    article = ArticleFactory(body=body_showing(image))
    image.delete()  # past the service: a row gone, the body still naming it
    html = client.get(article.get_absolute_url()).content.decode()
    assert "gone" not in html


def test_the_page_prints_the_library_address_whatever_the_body_says(client):
    image = library_image(name="real.jpg")
    article = ArticleFactory(body=body_showing(image, src="/media/library/other.jpg"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "other.jpg" not in html and "/media/library/renditions/real-960.jpg" in html


def test_an_image_with_a_chinese_file_name_is_kept_and_served(client):
    image = library_image(name="论坛.jpg", alt_text="Forum")
    assert image.file.name == "library/论坛.jpg"
    url = image.file.url
    assert url == "/media/library/%E8%AE%BA%E5%9D%9B.jpg"
    body = body_showing(image)
    assert f'<img src="{url}"' in body
    article = ArticleFactory(body=body)
    assert Article.objects.get(pk=article.pk).body == body
    html = client.get(article.get_absolute_url()).content.decode()
    assert "/media/library/renditions/%E8%AE%BA%E5%9D%9B-480.jpg 480w" in html
