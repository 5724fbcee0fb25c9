"""Revisions on every save, a readable diff, restore as a new revision, and no lost updates."""

import pytest

from news import services
from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


@pytest.fixture
def story(client, writer):
    """A draft written and then edited twice in the admin by the writer."""
    client.force_login(writer)
    client.post("/admin/news/article/add/", article_post_data(
        title="Baotou approved", body="<p>Baotou is one of 39 cities.</p>"))  # fmt: skip
    article = Article.objects.get(title="Baotou approved")
    client.post(change_url(article), article_post_data(
        article, body="<p>Baotou is one of 39 regions.</p><p>2,333 experts joined.</p>"))  # fmt: skip
    article.refresh_from_db()
    client.post(change_url(article), article_post_data(article, title="Baotou named"))
    article.refresh_from_db()
    return article


def test_every_save_keeps_a_revision_with_who_and_when(story, writer, editor):
    revisions = list(story.revisions.order_by("number"))
    assert [rev.number for rev in revisions] == [1, 2, 3]
    assert {rev.created_by for rev in revisions} == {writer}
    assert revisions[0].content["title"] == "Baotou approved"
    assert revisions[2].content["title"] == "Baotou named"
    services.submit_for_review(article=story, by=writer)
    latest = story.revisions.first()
    assert (latest.number, latest.created_by, latest.content["status"]) == (4, writer, "in_review")


def test_history_page_lists_revisions(client, story, editor):
    client.force_login(editor)
    html = client.get(f"/admin/news/article/{story.pk}/revisions/").content.decode()
    assert html.count('name="revision"') == 3
    assert "wendy-writer" in html and "Restore revision 1" in html


def test_diff_between_any_two_revisions_is_readable(client, story, editor):
    client.force_login(editor)
    response = client.get(
        f"/admin/news/article/{story.pk}/revisions/compare/", {"revision": ["1", "3"]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Baotou approved</del>" in html and "Baotou named</ins>" in html
    assert "Baotou is one of 39 cities.</del>" in html
    assert "Baotou is one of 39 regions.</ins>" in html
    assert "2,333 experts joined.</ins>" in html
    assert "<p>" not in html.split('class="module diff"')[1]  # body shown as text, not markup


def test_compare_needs_two_known_revisions(client, story, editor):
    client.force_login(editor)
    url = f"/admin/news/article/{story.pk}/revisions/compare/"
    assert client.get(url, {"revision": ["1"]}).status_code == 302
    assert client.get(url, {"revision": ["1", "99"]}).status_code == 404
    assert client.get(url, {"revision": ["x", "y"]}).status_code == 302


def test_restore_brings_back_an_old_revision_as_a_new_one(client, story, editor):
    client.force_login(editor)
    response = client.post(f"/admin/news/article/{story.pk}/revisions/1/restore/")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Baotou approved"
    assert story.body == "<p>Baotou is one of 39 cities.</p>"
    newest = story.revisions.first()
    assert (newest.number, newest.comment) == (4, "Restored revision 1")
    assert story.revisions.get(number=3).content["title"] == "Baotou named"  # nothing lost
    assert story.events.filter(action="restored", by=editor).exists()


def test_writer_cannot_restore_someone_elses_article(client, story, other_writer):
    client.force_login(other_writer)
    response = client.post(f"/admin/news/article/{story.pk}/revisions/1/restore/")
    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).title == "Baotou named"


def test_restore_keeps_the_status(editor):
    article = ArticleFactory(title="One")
    services.record_revision(article=article, by=editor)
    article.title = "Two"
    article.save()
    restored = services.restore_revision(
        article=article, revision=article.revisions.get(number=1), by=editor
    )
    assert (restored.title, restored.status) == ("One", Article.Status.PUBLISHED)


# --- no lost updates ----------------------------------------------------------------------


def test_second_save_of_a_stale_form_is_refused_and_keeps_the_text(client, editor, second_editor):
    article = ArticleFactory(status="draft", published_at=None, body="<p>Original.</p>")
    first, second = client, client.__class__()
    first.force_login(editor)
    second.force_login(second_editor)
    opened_by_first = first.get(change_url(article)).context["adminform"].form.initial
    opened_by_second = second.get(change_url(article)).context["adminform"].form.initial
    assert opened_by_first["opened_version"] == opened_by_second["opened_version"]

    saved = first.post(change_url(article), article_post_data(article, title="First wins"))
    assert saved.status_code == 302

    mine = "<p>My long careful rewrite that must not vanish.</p>"
    refused = second.post(
        change_url(article), article_post_data(article, title="Second", body=mine)
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "edith-editor saved this article" in html
    assert "your save was refused" in html
    assert "My long careful rewrite that must not vanish." in html
    assert 'value="Second"' in html
    article.refresh_from_db()
    assert article.title == "First wins"

    # Having seen the warning, a deliberate second save (with the newer version) goes through.
    form = refused.context["adminform"].form
    resaved = second.post(
        change_url(article),
        article_post_data(article, title="Second, merged", body=mine,
                          opened_version=form.data["opened_version"]),
    )  # fmt: skip
    assert resaved.status_code == 302
    article.refresh_from_db()
    assert article.title == "Second, merged"
    assert article.revisions.filter(content__title="First wins").exists()


def test_workflow_step_between_open_and_save_also_counts_as_a_change(client, writer, editor):
    article = ArticleFactory(status="draft", published_at=None, author=writer)
    client.force_login(writer)
    client.get(change_url(article))
    stale = article_post_data(article, title="Writer edit")
    services.submit_for_review(article=article, by=editor)
    response = client.post(change_url(article), stale)
    assert response.status_code == 200 and "your save was refused" in response.content.decode()
