"""services.edit_article called directly: stale saves, major changes, moved addresses, heroes.

The admin's article form is one caller of these functions (tests/test_revisions.py and
tests/test_workflow.py go through it); these tests pin the service's own contract.
"""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news import services
from news.models import Article, ArticleEvent, ArticleRedirect, ChangeNote
from tests.factories import ArticleFactory, CityFactory
from tests.helpers import library_image

pytestmark = pytest.mark.django_db


def edit(article, by, **arguments):
    return services.edit_article(
        article=article, by=by, opened_version=arguments.pop("opened_version", article.version),
        **arguments,
    )  # fmt: skip


def test_a_stale_save_is_refused_and_writes_nothing(editor, second_editor):
    article = ArticleFactory(status="draft", published_at=None, title="Original")
    mine = Article.objects.get(pk=article.pk)  # opened by the first editor
    theirs = Article.objects.get(pk=article.pk)  # opened by the second one
    theirs.title = "Their save"
    edit(theirs, second_editor)
    revisions = article.revisions.count()

    mine.title = "My stale save"
    with pytest.raises(services.EditConflict) as refused:
        edit(mine, editor, opened_version=article.version)
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Their save"
    assert refused.value.current_version == stored.version == article.version + 1
    assert "eddie-editor saved this article" in refused.value.message
    assert isinstance(refused.value, services.NewsroomError)
    assert article.revisions.count() == revisions


def test_each_save_bumps_the_version_once_and_keeps_a_revision(editor):
    article = ArticleFactory(status="draft", published_at=None)
    assert (article.version, article.revisions.count()) == (1, 1)
    article.summary = "Sharper summary."
    edited = edit(article, editor)
    assert Article.objects.get(pk=article.pk).version == edited.version == 2
    assert article.revisions.first().content["summary"] == "Sharper summary."


def test_a_change_to_a_published_article_must_say_minor_or_major(editor):
    article = ArticleFactory(title="Live story")
    article.title = "Live story, corrected"
    with pytest.raises(services.WorkflowError) as refused:
        edit(article, editor)
    assert refused.value.field == "change_kind"
    with pytest.raises(services.WorkflowError) as refused:
        edit(article, editor, change_kind="major", change_note="  ")
    assert refused.value.field == "change_note"
    assert Article.objects.get(pk=article.pk).title == "Live story"


def test_a_major_change_adds_a_public_note_and_moves_updated(editor):
    article = ArticleFactory(title="Baotou figures")
    published_updated_on = article.updated_on
    article.body = "<p>2,333 experts, not 2,300.</p>"
    edit(article, editor, change_kind="major", change_note="Corrected the number of experts.")
    stored = Article.objects.get(pk=article.pk)
    assert stored.last_major_update_at is not None and stored.updated_on != published_updated_on
    note = ChangeNote.objects.get(article=article)
    assert (note.note, note.changed_at) == (
        "Corrected the number of experts.",
        stored.last_major_update_at,
    )
    event = article.events.get(action=ArticleEvent.Action.MAJOR_CHANGE)
    assert (event.by, event.note) == (editor, "Corrected the number of experts.")
    assert article.revisions.first().comment == "Major change: Corrected the number of experts."


def test_a_minor_change_leaves_the_dates_alone(editor):
    article = ArticleFactory()
    before = (article.updated_on, article.last_major_update_at)
    article.summary = "Typo fixed."
    edit(article, editor, change_kind="minor")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.updated_on, stored.last_major_update_at) == before
    assert not ChangeNote.objects.filter(article=article).exists()
    assert article.revisions.first().comment == "Minor change"


def test_an_unchanged_save_of_a_published_article_needs_no_change_kind(editor):
    article = ArticleFactory()
    edit(article, editor)
    assert Article.objects.get(pk=article.pk).version == 2


def test_a_slug_change_keeps_the_old_address_working(client, editor):
    article = ArticleFactory(title="Hefei joins", slug="hefei-joins")
    old_url = article.get_absolute_url()
    article.slug = "hefei-and-wuhu-join"
    edit(article, editor, change_kind="minor")
    assert ArticleRedirect.objects.get(article=article).old_path == old_url
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/news/" + old_url.split("/news/")[1].replace(
        "hefei-joins", "hefei-and-wuhu-join"
    )


def test_choosing_another_hero_keeps_both_images_in_the_library(editor):
    first, second = library_image(name="first.jpg"), library_image(name="second.jpg")
    article = ArticleFactory(hero=first)
    article.hero = second
    edit(article, editor, change_kind="minor")
    assert Article.objects.get(pk=article.pk).hero == second
    assert all(default_storage.exists(image.file.name) for image in (first, second))
    assert article.revisions.first().content["hero_id"] == second.pk


def test_a_refused_edit_leaves_the_old_hero_in_place(editor):
    kept, other = library_image(name="kept.jpg"), library_image(name="new.jpg")
    article = ArticleFactory(hero=kept)
    stale = Article.objects.get(pk=article.pk)
    edit(Article.objects.get(pk=article.pk), editor, change_kind="minor")
    stale.hero = other
    with pytest.raises(services.EditConflict):
        edit(stale, editor, opened_version=article.version, change_kind="minor")
    assert Article.objects.get(pk=article.pk).hero == kept


def test_cities_and_tags_are_saved_with_the_edit(editor):
    article = ArticleFactory(status="draft", published_at=None)
    baotou = CityFactory(name="Baotou")
    edit(article, editor, cities=[baotou], tags=["hydrogen", "talent"])
    assert list(article.cities.all()) == [baotou]
    assert sorted(article.tags.names()) == ["hydrogen", "talent"]


def test_a_writer_cannot_edit_someone_elses_article(writer, other_writer):
    article = ArticleFactory(status="draft", published_at=None, author=other_writer)
    article.title = "Taken over"
    with pytest.raises(services.WorkflowError, match="permission"):
        edit(article, writer)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search vector")
def test_an_edit_refreshes_the_search_vector_once_after_cities_and_tags(editor):
    article = ArticleFactory(status="draft", published_at=None, title="Plain headline")
    article.title = "Hydrogen headline"
    with CaptureQueriesContext(connection) as queries:
        edit(article, editor, cities=[CityFactory(name="Ordos")], tags=["wetlands"])
    refreshes = [q for q in queries if "SET search_vector" in q["sql"]]
    assert len(refreshes) == 1
    vector = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
    assert "'hydrogen':1A" in vector and "'ordo'" in vector and "'wetland'" in vector
