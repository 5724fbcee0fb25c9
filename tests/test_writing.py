"""Writing on the article edit page over HTTP: the autosaved copy (kept, stale, private to its
writer, discarded, deleted by a save, refused after sign-out or with bad JSON), restoring it
without script, the preview of unsaved changes, and "View on site" for an unpublished article.
The browser side is tests/browser/test_writing.py."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from news import services
from news.models import Article, DraftCopy
from tests.factories import ArticleFactory, CityFactory
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db


def copy_url(article) -> str:
    return reverse("admin:news_article_draft_copy", args=[article.pk])


def change_url(article) -> str:
    return reverse("admin:news_article_change", args=[article.pk])


def preview_url(article) -> str:
    return reverse("admin:news_article_unsaved_preview", args=[article.pk])


def as_lists(data: dict) -> dict:
    return {
        name: value if isinstance(value, list) else [str(value)] for name, value in data.items()
    }


def keep(client, article, **overrides):
    data = as_lists(article_post_data(article, **overrides))
    return client.post(
        copy_url(article), json.dumps({"data": data}), content_type="application/json"
    )


@pytest.fixture
def draft(writer):
    return ArticleFactory(
        title="Baotou opens an innovation centre", body="<p>First words.</p>",
        status=Article.Status.DRAFT, published_at=None, author=writer,
    )  # fmt: skip


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


# --- autosave ------------------------------------------------------------------------------


def test_an_autosave_keeps_a_copy_and_never_touches_the_article(writer_client, writer, draft):
    revisions, version = draft.revisions.count(), draft.version
    response = keep(writer_client, draft, body="<p>First words. And more typed.</p>")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["stale"] is False and answer["saved_at"]
    copy = DraftCopy.objects.get(user=writer, article=draft)
    assert copy.data["body"] == ["<p>First words. And more typed.</p>"]
    assert copy.opened_version == version
    assert "csrfmiddlewaretoken" not in copy.data
    assert not any("-" in name for name in copy.data)  # inline rows are not kept
    stored = Article.objects.get(pk=draft.pk)
    assert (stored.body, stored.version, stored.status) == (
        "<p>First words.</p>", version, Article.Status.DRAFT,
    )  # fmt: skip
    assert draft.revisions.count() == revisions

    keep(writer_client, draft, body="<p>Second autosave.</p>")
    assert DraftCopy.objects.filter(article=draft).count() == 1
    assert DraftCopy.objects.get(article=draft).data["body"] == ["<p>Second autosave.</p>"]


def test_a_copy_from_a_stale_form_is_kept_apart_and_marked_stale(
    writer_client, writer, editor, draft
):
    opened = draft.version
    theirs = Article.objects.get(pk=draft.pk)
    theirs.title = "The editor's newer title"
    services.edit_article(article=theirs, by=editor, opened_version=opened)

    response = keep(writer_client, draft, title="The writer's stale title", opened_version=opened)
    assert response.status_code == 200 and response.json()["stale"] is True
    assert Article.objects.get(pk=draft.pk).title == "The editor's newer title"
    copy = DraftCopy.objects.get(user=writer)
    assert copy.is_stale and copy.opened_version == opened

    # Restoring it and saving goes through the conflict check: the newer save is kept.
    page = writer_client.get(reverse("admin:news_article_draft_restore", args=[draft.pk]))
    assert "The writer&#x27;s stale title" in page.content.decode()
    saved = writer_client.post(
        change_url(draft),
        article_post_data(draft, title="The writer's stale title", opened_version=opened),
    )
    assert saved.status_code == 200
    assert "saved this article" in saved.content.decode()
    assert Article.objects.get(pk=draft.pk).title == "The editor's newer title"


def test_a_copy_belongs_to_its_writer_and_leaves_others_untouched(
    client, writer, editor, second_editor, draft
):
    client.force_login(editor)
    keep(client, draft, body="<p>The editor's unsaved lines.</p>")
    client.force_login(second_editor)
    keep(client, draft, body="<p>The second editor's lines.</p>")
    copies = {copy.user.username: copy.data["body"][0] for copy in DraftCopy.objects.all()}
    assert copies == {
        "edith-editor": "<p>The editor's unsaved lines.</p>",
        "eddie-editor": "<p>The second editor's lines.</p>",
    }
    # A writer may not keep copies of someone else's article: refused, nothing written.
    other = ArticleFactory(status=Article.Status.DRAFT, published_at=None, author=editor)
    client.force_login(writer)
    refused = keep(client, other, body="<p>Not mine.</p>")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert not DraftCopy.objects.filter(article=other).exists()
    # Discarding removes only one's own copy.
    client.force_login(editor)
    response = client.post(reverse("admin:news_article_draft_discard", args=[draft.pk]))
    assert response.status_code == 302
    assert list(DraftCopy.objects.values_list("user__username", flat=True)) == ["eddie-editor"]


def test_the_edit_page_offers_the_copy_back_and_discard_removes_it(writer_client, draft):
    assert "draft-copy-heading" not in writer_client.get(change_url(draft)).content.decode()
    keep(writer_client, draft, body="<p>First words. Typed and then the tab closed.</p>")
    page = writer_client.get(change_url(draft)).content.decode()
    assert "draft-copy-heading" in page
    assert re.search(r"Restore your unsaved changes from \d{4}-\d\d-\d\d \d\d:\d\d", page)
    assert 'id="draft-copy-data" type="application/json"' in page
    assert "Typed and then the tab closed." in page  # in the JSON data for the script

    response = writer_client.post(reverse("admin:news_article_draft_discard", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    assert not DraftCopy.objects.exists()
    assert "draft-copy-heading" not in writer_client.get(change_url(draft)).content.decode()


def test_no_offer_when_the_copy_holds_what_is_saved(writer_client, draft):
    keep(writer_client, draft)  # the form as it was opened
    assert DraftCopy.objects.exists()
    assert "draft-copy-heading" not in writer_client.get(change_url(draft)).content.decode()


def test_restore_without_script_draws_the_form_with_the_copy(writer_client, draft):
    keep(writer_client, draft, title="A better title", body="<p>Words kept by autosave.</p>")
    response = writer_client.get(reverse("admin:news_article_draft_restore", args=[draft.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="A better title"' in page
    assert "Words kept by autosave." in page
    assert "Nothing is saved until you save the article." in page
    assert f'action="{change_url(draft)}"' in page  # saving posts to the edit page
    assert Article.objects.get(pk=draft.pk).title == "Baotou opens an innovation centre"


def test_a_real_save_deletes_the_savers_copy_only(writer_client, writer, editor, draft):
    keep(writer_client, draft, body="<p>Autosaved.</p>")
    DraftCopy.objects.create(
        user=editor,
        article=draft,
        data={"body": ["x"]},
        opened_version=1,
        saved_at=draft.created_at,
    )
    response = writer_client.post(
        change_url(draft), article_post_data(draft, body="<p>Saved for real.</p>")
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=draft.pk).body == "<p>Saved for real.</p>"
    assert list(DraftCopy.objects.values_list("user__username", flat=True)) == ["edith-editor"]


def test_after_the_session_expired_the_autosave_answers_401_json(client, writer, draft):
    client.force_login(writer)
    client.logout()
    response = keep(client, draft, body="<p>Typed after the session ended.</p>")
    assert response.status_code == 401
    assert response.json()["error"] == "signed-out"
    assert not DraftCopy.objects.exists()


def test_the_autosave_needs_the_csrf_token(writer, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    response = keep(client, draft, body="<p>No token.</p>")
    assert response.status_code == 403
    assert not DraftCopy.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        "[1, 2]",
        json.dumps({"data": "text"}),
        json.dumps({"data": {"title": ["x"]}}),  # no opened_version
        json.dumps({"data": {"opened_version": ["two"]}}),
        json.dumps({"data": {"opened_version": ["1"], "title": [3]}}),
        json.dumps({"data": {"opened_version": ["99"]}}),
    ],
)
def test_bad_json_is_a_400_with_a_message(writer_client, draft, body):
    response = writer_client.post(copy_url(draft), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"]
    assert not DraftCopy.objects.exists()


def test_the_autosave_takes_only_post(writer_client, draft):
    assert writer_client.get(copy_url(draft)).status_code == 405


def test_the_copy_service_refuses_a_huge_form(writer, draft):
    data = {"opened_version": ["1"], "body": ["x" * (services.drafts.MAX_COPY_CHARACTERS + 1)]}
    with pytest.raises(services.DraftCopyError):
        services.keep_draft_copy(article=draft, by=writer, data=data, opened_version=1)


# --- preview of unsaved changes ------------------------------------------------------------


def test_the_preview_shows_the_forms_values_unsaved(writer_client, draft):
    city = CityFactory(name="Baotou")
    data = article_post_data(
        draft,
        title="A title not saved yet",
        body='<p>Unsaved <strong>body</strong>.</p><script>alert(1)</script><p class="x" onclick="y">ok</p>',
        cities=[city.pk],
        new_tags="",
    )
    response = writer_client.post(preview_url(draft), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A title not saved yet" in page
    assert "Unsaved <strong>body</strong>." in page
    assert "<script>alert(1)</script>" not in page and "onclick" not in page  # sanitised
    assert "Unsaved changes." in page  # the banner
    assert "Not published yet" in page and " CST</time>" not in page  # a draft has no time
    assert '<meta name="robots" content="noindex">' in page
    assert ">Baotou</a>" in page
    assert response["X-Robots-Tag"].startswith("noindex")
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    stored = Article.objects.get(pk=draft.pk)
    assert stored.title == "Baotou opens an innovation centre" and stored.version == draft.version
    assert not stored.cities.exists()


def test_the_preview_draws_no_stale_page_from_the_cache(writer_client, draft):
    first = writer_client.post(preview_url(draft), article_post_data(draft, title="First try"))
    second = writer_client.post(preview_url(draft), article_post_data(draft, title="Second try"))
    assert "First try" in first.content.decode()
    assert "Second try" in second.content.decode() and "First try" not in second.content.decode()
    # ... and the saved preview is not poisoned by the unsaved one.
    saved = writer_client.get(reverse("news:article-preview", args=[draft.pk])).content.decode()
    assert "Second try" not in saved and "Baotou opens an innovation centre" in saved


def test_other_pages_stay_unframable(writer_client, draft):
    response = writer_client.get(change_url(draft))
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_preview_of_a_form_with_errors_lists_them(writer_client, draft):
    response = writer_client.post(preview_url(draft), article_post_data(draft, title="", kind="x"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "This preview cannot be drawn yet" in page
    assert "Title:" in page and "This field is required." in page
    assert "Kind:" in page
    assert "no-store" in response["Cache-Control"]


def test_the_preview_takes_only_post_from_someone_who_may_edit(client, writer, editor, draft):
    client.force_login(writer)
    assert client.get(preview_url(draft)).status_code == 405
    other = ArticleFactory(status=Article.Status.DRAFT, published_at=None, author=editor)
    assert client.post(preview_url(other), article_post_data(other)).status_code == 403
    client.logout()
    assert client.post(preview_url(draft), article_post_data(draft)).status_code == 302  # sign in


def test_the_edit_page_has_a_preview_button_that_works_without_script(writer_client, draft):
    page = writer_client.get(change_url(draft)).content.decode()
    button = re.search(
        r'<button type="submit" class="button unsaved-preview-button"[^>]*>', page
    ).group()
    assert f'formaction="{preview_url(draft)}"' in button
    assert 'formtarget="_blank"' in button and "formnovalidate" in button
    assert "js/article-editor-extras.js" in page


@pytest.mark.parametrize(
    "status", ["draft", "in_review", "scheduled", "withdrawn", "archived"]
)  # fmt: skip
def test_view_on_site_opens_the_preview_for_anything_not_public(admin_client, editor, status):
    from datetime import timedelta

    from django.utils import timezone

    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    if status == "in_review":
        services.submit_for_review(article=article, by=editor)
    elif status == "scheduled":
        services.publish_article(
            article=article, by=editor, when=timezone.now() + timedelta(days=1)
        )
    elif status in {"withdrawn", "archived"}:
        services.publish_article(article=article, by=editor)
        if status == "withdrawn":
            services.withdraw_article(article=article, by=editor, reason="Wrong figures.")
        else:
            services.archive_article(article=article, by=editor)
    page = admin_client.get(change_url(article)).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink">', page).group(1)
    assert link == reverse("news:article-preview", args=[article.pk])
    assert admin_client.get(link).status_code == 200


def test_view_on_site_opens_the_public_page_of_a_published_article(admin_client):
    article = ArticleFactory()
    page = admin_client.get(change_url(article)).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink">', page).group(1)
    assert link == article.get_absolute_url()
    assert Client().get(link).status_code == 200


def test_the_server_sanitiser_has_the_last_word_on_a_pasted_body(writer_client, draft):
    """Whatever reaches the form (a paste the script did not clean, a crafted request), the
    stored body keeps only the allow-list."""
    word = (
        '<!--[if gte mso 9]><xml>x</xml><![endif]--><h2 class="MsoHeading2" style="mso-x:1">'
        'Heading</h2><p class=MsoNormal><span style="font-family:Calibri">Text <b>bold</b>'
        '<o:p></o:p></span></p><ul><li lang="en">Point</li></ul>'
        '<table class=MsoTableGrid><tr><td width=10 style="x">Cell</td></tr></table>'
        '<img src="file:///C:/clip.png"><a href="javascript:alert(1)">bad</a>'
    )
    response = writer_client.post(change_url(draft), article_post_data(draft, body=word))
    assert response.status_code == 302
    stored = Article.objects.get(pk=draft.pk).body
    assert "<h2>Heading</h2>" in stored and "<b>bold</b>" in stored
    assert '<li lang="en">Point</li>' in stored  # a language mark is kept: screen readers use it
    assert "<td>Cell</td>" in stored
    for junk in ["class=", "style=", "<span", "<!--", "o:p", "<img", "javascript:", "width="]:
        assert junk not in stored, junk


def test_the_word_count_speaks_the_admins_language(client, writer, draft):
    services.update_preferences(user=writer, language="zh-hans", email_notifications=True)
    client.force_login(writer)
    page = client.get(change_url(draft)).content.decode()
    assert 'data-words-other="{count} 字"' in page
    assert "预览未保存的修改" in page


def test_a_new_article_has_the_editor_tools_but_no_autosave_or_preview_yet(writer_client):
    page = writer_client.get(reverse("admin:news_article_add")).content.decode()
    assert 'id="writing-tools"' in page and "js/article-editor-extras.js" in page
    assert "data-copy-url" not in page
    assert "unsaved-preview-button" not in page
