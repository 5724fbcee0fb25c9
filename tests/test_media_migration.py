"""The move into the media library (migrations 0015 and 0016), run with Django's migration
executor on rows built just before it: every hero and image for the text becomes a library Image
on the same stored files and renditions, bodies keep their images in place (with the library's
id), the public page shows the same images, and going back puts everything where it was."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import render_to_string
from django.utils import timezone

from news import images
from news.models import Article
from news.models import Image as LibraryImage
from tests.test_images import jpeg_bytes

BEFORE = [("news", "0014_draft_copies")]
AFTER = [("news", "0016_drop_old_image_fields")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def stored(name: str, size) -> tuple[str, list, tuple[int, int]]:
    name = default_storage.save(name, ContentFile(jpeg_bytes(size=size, with_gps=False)))
    renditions, dimensions = images.make_renditions(name)
    return name, renditions, dimensions


def pictures(html: str) -> list[str]:
    return re.findall(r"<picture>.*?</picture>", html, flags=re.S)


@pytest.fixture
def old_schema(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(AFTER)  # the rest of the suite runs on the current schema


def test_heroes_and_images_for_the_text_move_into_the_library_and_back(old_schema, client):
    OldArticle = old_schema.get_model("news", "Article")
    BodyImage = old_schema.get_model("news", "BodyImage")
    now = timezone.now()
    hero_name, hero_renditions, (hero_width, hero_height) = stored("articles/hero.jpg", (1700, 900))
    with_hero = OldArticle.objects.create(
        title="Baotou approved", slug="baotou-approved", status="published",
        published_at=now, hero_image=hero_name, hero_renditions=hero_renditions,
        hero_width=hero_width, hero_height=hero_height, hero_alt="Baotou skyline",
        hero_caption="At dusk", hero_credit="Photo: desk",
    )  # fmt: skip
    forum_name, forum_renditions, (forum_width, forum_height) = stored(
        "articles/body/forum.jpg", (1200, 600)
    )
    forum_url = default_storage.url(forum_name)
    body = f'<p>Before.</p><img src="{forum_url}" alt=""><p>After.</p>'
    with_text_image = OldArticle.objects.create(
        title="Inside the forum", slug="inside-the-forum", status="published", published_at=now,
        body=body,
    )  # fmt: skip
    BodyImage.objects.create(
        article_id=with_text_image.pk, image=forum_name, alt_text="The forum hall",
        width=forum_width, height=forum_height, renditions=forum_renditions,
    )  # fmt: skip
    plain = OldArticle.objects.create(
        title="No pictures", slug="no-pictures", status="published", published_at=now,
        body="<p>Words only.</p>",
    )  # fmt: skip
    # How the page printed the hero before: the same picture markup, from the old fields.
    hero_before = render_to_string(
        "includes/picture.html",
        {
            "picture": images.picture_sources(
                hero_name,
                hero_renditions,
                alt="Baotou skyline",
                sizes="(min-width: 60em) 50em, 100vw",
                width=hero_width,
                height=hero_height,
            ),  # fmt: skip
            "lazy": False,
        },
    )
    files_before = sorted(
        [hero_name, forum_name, *(r["name"] for r in hero_renditions + forum_renditions)]
    )

    migrate(AFTER)

    assert LibraryImage.objects.count() == 2
    hero = Article.objects.get(pk=with_hero.pk).hero
    assert (hero.file.name, hero.renditions, hero.width, hero.height) == (
        hero_name, hero_renditions, hero_width, hero_height,
    )  # fmt: skip
    assert (hero.alt_text, hero.caption, hero.credit) == (
        "Baotou skyline",
        "At dusk",
        "Photo: desk",
    )
    forum = LibraryImage.objects.get(file=forum_name)
    assert (forum.alt_text, forum.renditions, forum.width) == (
        "The forum hall", forum_renditions, forum_width,
    )  # fmt: skip
    moved = Article.objects.get(pk=with_text_image.pk)
    assert moved.body == (
        f'<p>Before.</p><img src="{forum_url}" alt="" data-image-id="{forum.pk}"><p>After.</p>'
    )
    assert Article.objects.get(pk=plain.pk).body == "<p>Words only.</p>"
    # Nothing copied or re-encoded: the same files, and no others.
    files_after = sorted(name for image in LibraryImage.objects.all()
                         for name in [image.file.name, *(r["name"] for r in image.renditions)])  # fmt: skip
    assert files_after == files_before

    hero_page = client.get(Article.objects.get(pk=with_hero.pk).get_absolute_url())
    assert hero_page.status_code == 200
    hero_html = hero_page.content.decode()
    assert pictures(hero_before) and pictures(hero_before)[0] in pictures(hero_html)
    assert "At dusk" in hero_html and "Photo: desk" in hero_html
    text_html = client.get(moved.get_absolute_url()).content.decode()
    (body_picture,) = pictures(text_html)
    jpeg_srcset = ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w"
        for r in sorted(forum_renditions, key=lambda r: r["width"])
        if r["type"] == "image/jpeg"
    )
    assert f'srcset="{jpeg_srcset}"' in body_picture  # the JPEG copies the page printed before
    assert 'alt="The forum hall"' in body_picture and 'width="960" height="480"' in body_picture
    assert text_html.index("Before.") < text_html.index("<picture>") < text_html.index("After.")

    back = migrate(BEFORE)
    OldArticle = back.get_model("news", "Article")
    restored = OldArticle.objects.get(pk=with_hero.pk)
    assert (restored.hero_image.name, restored.hero_alt, restored.hero_caption) == (
        hero_name, "Baotou skyline", "At dusk",
    )  # fmt: skip
    assert restored.hero_renditions == hero_renditions
    assert OldArticle.objects.get(pk=with_text_image.pk).body == body
    restored_image = back.get_model("news", "BodyImage").objects.get()
    assert (restored_image.image.name, restored_image.alt_text) == (forum_name, "The forum hall")
