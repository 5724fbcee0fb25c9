"""The pages this workflow adds parse as valid HTML5 and keep their landmarks and labels."""

import html5lib
import pytest

from news import services
from news.models import Article
from news.models import Image as LibraryImage
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

RENDITIONS = [
    {"width": w, "height": w // 2, "type": t, "name": f"articles/renditions/x-{w}.{e}"}
    for w in (480, 960)
    for t, e in (("image/webp", "webp"), ("image/jpeg", "jpg"))
]


def assert_valid(html: str) -> None:
    html5lib.HTMLParser(strict=True).parse(html)
    assert '<main id="main"' in html or 'id="content-main"' in html


def test_public_article_with_picture_notes_and_withdrawal_is_valid(client, editor):
    hero = LibraryImage.objects.create(
        title="Street", alt_text="A street", caption="At night", credit="Photo: desk",
        file="articles/x.jpg", width=960, height=480, renditions=RENDITIONS,
    )  # fmt: skip
    article = ArticleFactory(hero=hero)
    services.edit_article(
        article=article,
        by=editor,
        opened_version=article.version,
        change_kind="major",
        change_note="Fixed.",
        figures=[],
    )
    assert_valid(client.get(article.get_absolute_url()).content.decode())
    services.withdraw_article(article=article, by=editor, reason="Duplicate of another story.")
    assert_valid(client.get(article.get_absolute_url()).content.decode())
    assert_valid(client.get("/news/").content.decode())


def test_preview_and_admin_workflow_pages_are_valid(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    services.record_revision(article=article, by=editor)
    article.title = "Second title"
    article.save()
    services.record_revision(article=article, by=editor)
    client.force_login(editor)
    base = f"/admin/news/article/{article.pk}"
    for url in [
        f"/news/preview/{article.pk}/",
        f"{base}/workflow/publish/",
        f"{base}/revisions/",
        f"{base}/revisions/compare/?revision=1&revision=2",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid(response.content.decode())
