"""Review comments: the thread between an article's writer and its editors, through the
services and the admin (add, refuse empty or too long with the text kept, resolve, reopen),
the note a return leaves, the audit trail, the mail each comment sends, and the workflow
steps' dialogs on the edit page, which post the same forms to the same addresses."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from news import services
from news.models import COMMENT_MAX_CHARACTERS, Article, ArticleEvent, OutgoingMail
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

Action = ArticleEvent.Action


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(writer, other_writer, editor, second_editor, records_admin):
    """Everyone has an address, so the only reason not to be mailed is the rules."""
    for user in (writer, other_writer, editor, second_editor, records_admin):
        user.email = f"{user.username}@example.org"
        user.save()
    return {"writer": writer, "other_writer": other_writer, "editor": editor,
            "second_editor": second_editor, "records_admin": records_admin}  # fmt: skip


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a service left for after its commit (the mail), as a request does."""

    def take(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**arguments)

    return take


def in_review(author, title="Baotou certifies 514 engineers"):
    return ArticleFactory(
        title=title, status=Article.Status.IN_REVIEW, published_at=None, author=author
    )


def comments_url(article):
    return f"/admin/news/article/{article.pk}/comments/"


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


def mailed_to() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


# --- services -----------------------------------------------------------------------------


def test_an_editors_comment_is_in_the_thread_on_the_trail_and_mailed_to_the_writer(people, commit):
    article = in_review(people["writer"])
    comment = commit(
        services.add_comment,
        article=article,
        by=people["editor"],
        text="  Where does the 514 come from?  ",
    )
    assert comment.text == "Where does the 514 come from?"
    assert list(article.review_comments.thread()) == [comment]
    event = article.events.first()
    assert (event.action, event.by, event.note) == (
        Action.COMMENTED, people["editor"], "Where does the 514 come from?"
    )  # fmt: skip
    assert mailed_to() == {"wendy-writer@example.org"}
    (message,) = mail.outbox
    assert message.subject == "New comment: Baotou certifies 514 engineers"
    assert "Their comment:\nWhere does the 514 come from?" in message.body
    assert f"/admin/news/article/{article.pk}/change/" in message.body
    article.refresh_from_db()
    assert article.version == 1, "a comment does not make an open form stale"


def test_the_writers_answer_goes_to_the_editors_who_commented_and_no_one_else(people, commit):
    article = in_review(people["writer"])
    commit(services.add_comment, article=article, by=people["editor"], text="Source?")
    mail.outbox.clear()
    commit(services.add_comment, article=article, by=people["writer"], text="The yearbook.")
    assert mailed_to() == {"edith-editor@example.org"}


def test_a_writers_first_comment_goes_to_everyone_who_may_publish(people, commit):
    article = in_review(people["writer"])
    commit(services.add_comment, article=article, by=people["writer"], text="Ready to go?")
    assert mailed_to() == {"edith-editor@example.org", "eddie-editor@example.org"}


def test_nobody_who_turned_mail_off_hears_of_a_comment(people, commit):
    services.update_preferences(user=people["writer"], language="", email_notifications=False)
    article = in_review(people["writer"])
    commit(services.add_comment, article=article, by=people["editor"], text="Source?")
    assert mail.outbox == []
    assert article.review_comments.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "Write a comment first: it is empty."),
        ("x" * (COMMENT_MAX_CHARACTERS + 1), "at most 500 characters; this one has 501"),
    ],
)
def test_empty_and_too_long_comments_are_refused(people, text, message):
    article = in_review(people["writer"])
    with pytest.raises(services.ReviewError, match=message):
        services.add_comment(article=article, by=people["editor"], text=text)
    assert not article.review_comments.exists()


def test_a_comment_of_exactly_the_limit_is_kept_whole(people):
    article = in_review(people["writer"])
    text = "字" * COMMENT_MAX_CHARACTERS
    comment = services.add_comment(article=article, by=people["editor"], text=text)
    comment.refresh_from_db()
    assert comment.text == text
    assert article.events.first().note == text


@pytest.mark.parametrize("who", ["other_writer", "records_admin"])
def test_other_writers_and_records_admins_may_not_comment(people, who):
    article = in_review(people["writer"])
    with pytest.raises(services.ReviewError, match="Only the article's writer"):
        services.add_comment(article=article, by=people[who], text="Drive-by remark")
    assert not article.review_comments.exists()


def test_resolving_and_reopening_are_recorded_and_not_repeated(people):
    article = in_review(people["writer"])
    comment = services.add_comment(article=article, by=people["editor"], text="Add a photo credit.")
    services.resolve_comment(comment=comment, by=people["writer"])
    comment.refresh_from_db()
    assert comment.is_resolved and comment.resolved_by == people["writer"]
    with pytest.raises(services.ReviewError, match="already been resolved"):
        services.resolve_comment(comment=comment, by=people["editor"])
    services.reopen_comment(comment=comment, by=people["editor"])
    comment.refresh_from_db()
    assert (comment.resolved_at, comment.resolved_by) == (None, None)
    with pytest.raises(services.ReviewError, match="open already"):
        services.reopen_comment(comment=comment, by=people["editor"])
    trail = list(article.events.filter(action__startswith="comment").order_by("pk"))
    assert [(event.action, event.by) for event in trail] == [
        (Action.COMMENTED, people["editor"]),
        (Action.COMMENT_RESOLVED, people["writer"]),
        (Action.COMMENT_REOPENED, people["editor"]),
    ]


def test_a_return_note_joins_the_thread_as_the_editors_comment_with_one_mail(people, commit):
    article = in_review(people["writer"])
    commit(services.return_to_draft, article=article, by=people["editor"], reason=" Add sources. ")
    (comment,) = article.review_comments.all()
    assert (comment.author, comment.text, comment.is_resolved) == (
        people["editor"], "Add sources.", False
    )  # fmt: skip
    assert [event.action for event in article.events.all()[:2]] == [Action.RETURNED, Action.CREATED]
    assert list(OutgoingMail.objects.values_list("kind", flat=True)) == ["returned"]
    assert mailed_to() == {"wendy-writer@example.org"}


def test_a_return_without_a_note_adds_no_comment(people):
    article = in_review(people["writer"])
    services.return_to_draft(article=article, by=people["editor"])
    assert not article.review_comments.exists()


def test_restoring_a_revision_keeps_every_comment(people):
    article = in_review(people["writer"], title="First title")
    first = article.revisions.get()
    services.add_comment(article=article, by=people["editor"], text="Shorter title, please.")
    article.title = "Second title"
    services.edit_article(article=article, by=people["writer"], opened_version=article.version)
    services.restore_revision(article=article, revision=first, by=people["editor"])
    article.refresh_from_db()
    assert article.title == "First title"
    assert list(article.review_comments.values_list("text", flat=True)) == [
        "Shorter title, please."
    ]


# --- the admin ----------------------------------------------------------------------------


def test_the_edit_page_shows_the_thread_and_a_form_to_add_one(client, people):
    article = in_review(people["writer"])
    services.add_comment(article=article, by=people["editor"], text="Where is 514 from?")
    client.force_login(people["writer"])
    page = client.get(change_url(article)).content.decode()
    assert 'id="review-comments"' in page
    assert "Review comments" in page and "(1 open)" in page
    assert "edith-editor" in page and "Where is 514 from?" in page
    assert f'action="{comments_url(article)}"' in page
    assert 'name="text"' in page and f'maxlength="{COMMENT_MAX_CHARACTERS}"' in page
    assert ">Resolve<" in page


def test_records_admins_and_other_writers_read_the_thread_without_a_form(client, people):
    article = in_review(people["writer"])
    services.add_comment(article=article, by=people["editor"], text="Where is 514 from?")
    for who in ("records_admin", "other_writer"):
        client.force_login(people[who])
        page = client.get(change_url(article)).content.decode()
        assert "Where is 514 from?" in page
        assert f'action="{comments_url(article)}"' not in page
        assert "/resolve/" not in page
        assert "Only the article's writer and its editors may comment here." in page


def test_adding_a_comment_in_the_admin_returns_to_the_thread(client, people):
    article = in_review(people["writer"])
    client.force_login(people["editor"])
    response = client.post(comments_url(article), {"text": "Please add a photo credit."})
    assert response.status_code == 302
    assert response["Location"] == change_url(article) + "#review-comments"
    page = client.get(response["Location"]).content.decode()
    assert "Your comment was added." in page
    assert "Please add a photo credit." in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  \n  ", "Write a comment first: it is empty."),
        ("The figures. " * 50, "A comment may have at most 500 characters; this one has 649."),
    ],
)
def test_a_refused_comment_is_shown_again_with_its_text_and_why(client, people, text, message):
    article = in_review(people["writer"])
    client.force_login(people["editor"])
    response = client.post(comments_url(article), {"text": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    assert textarea.strip() == text.strip()
    assert not article.review_comments.exists()


def test_resolve_and_reopen_through_the_admin(client, people):
    article = in_review(people["writer"])
    comment = services.add_comment(article=article, by=people["editor"], text="Photo credit?")
    client.force_login(people["writer"])
    url = f"{comments_url(article)}{comment.pk}/resolve/"
    assert client.get(url).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_resolved, "a GET changes nothing"
    response = client.post(url, follow=True)
    assert "The comment is resolved." in response.content.decode()
    assert "Resolved by wendy-writer" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_resolved
    response = client.post(url, follow=True)
    assert "This comment has already been resolved." in response.content.decode()
    response = client.post(f"{comments_url(article)}{comment.pk}/reopen/", follow=True)
    assert "The comment is open again." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_resolved


def test_a_comment_is_changed_only_through_its_own_article(client, people):
    article, other = in_review(people["writer"]), in_review(people["writer"], title="Other")
    comment = services.add_comment(article=other, by=people["editor"], text="Photo credit?")
    client.force_login(people["editor"])
    assert client.post(f"{comments_url(article)}{comment.pk}/resolve/").status_code == 404
    assert client.post(f"{comments_url(article)}{comment.pk}/delete/").status_code == 404
    comment.refresh_from_db()
    assert not comment.is_resolved


def test_returning_from_the_admin_puts_the_note_in_the_thread(client, people):
    article = in_review(people["writer"])
    client.force_login(people["editor"])
    url = f"/admin/news/article/{article.pk}/workflow/return/"
    response = client.post(url, {"reason": "Please add the source of the figures."})
    assert response.status_code == 302
    client.force_login(people["writer"])
    page = client.get(change_url(article)).content.decode()
    thread = page[page.index('id="review-comments"') :]
    assert "edith-editor" in thread and "Please add the source of the figures." in thread


def test_a_too_long_return_note_is_refused_with_the_text_kept(client, people):
    article = in_review(people["writer"])
    client.force_login(people["editor"])
    note = "Check every figure. " * 30
    url = f"/admin/news/article/{article.pk}/workflow/return/"
    response = client.post(url, {"reason": note})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 500 characters (it has 599)." in page
    assert note.strip() in page
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert not article.review_comments.exists()


def test_the_audit_trail_shows_comments_added_and_resolved(client, people):
    article = in_review(people["writer"])
    comment = services.add_comment(article=article, by=people["editor"], text="Photo credit?")
    services.resolve_comment(comment=comment, by=people["writer"])
    client.force_login(people["editor"])
    page = client.get(change_url(article)).content.decode()
    trail = page[page.index('class="audit-trail"') :]
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", trail)
    assert rows[:2] == [
        ("Resolved a comment", "wendy-writer", "Photo credit?"),
        ("Commented", "edith-editor", "Photo credit?"),
    ]


# --- the workflow steps' dialogs ----------------------------------------------------------


def test_each_step_the_user_may_take_has_a_dialog_posting_to_its_page(client, people):
    article = in_review(people["writer"])
    client.force_login(people["editor"])
    page = client.get(change_url(article)).content.decode()
    for step in ("return", "publish"):
        url = f"/admin/news/article/{article.pk}/workflow/{step}/"
        assert f'data-workflow-dialog="workflow-dialog-{step}"' in page
        dialog = re.search(
            rf'<dialog[^>]*id="workflow-dialog-{step}".*?</dialog>', page, re.S
        ).group(0)
        assert f'aria-labelledby="workflow-dialog-{step}-title"' in dialog
        assert f'<form method="post" action="{url}"' in dialog
        assert 'name="csrfmiddlewaretoken"' in dialog
    publish = re.search(r'<dialog[^>]*id="workflow-dialog-publish".*?</dialog>', page, re.S)
    assert 'id="id_publish_when"' in publish.group(0)
    assert 'id="id_return_reason"' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    assert "workflow-dialog-submit" not in page
    assert "js/workflow-dialogs.js" in page and "css/newsroom-review.css" in page


def test_the_dialogs_fields_schedule_an_article_as_the_page_does(client, people):
    article = in_review(people["writer"])
    client.force_login(people["editor"])
    when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    url = f"/admin/news/article/{article.pk}/workflow/publish/"
    response = client.post(url, {"when": when, "_confirm": "Publish"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled


def test_a_writer_sees_only_the_submit_dialog(client, people):
    article = ArticleFactory(
        status=Article.Status.DRAFT, published_at=None, author=people["writer"]
    )
    client.force_login(people["writer"])
    page = client.get(change_url(article)).content.decode()
    assert re.findall(r'<dialog[^>]*id="workflow-dialog-(\w+)"', page) == ["submit"]


def test_a_deleted_authors_comment_stays_in_the_thread(client, people):
    article = in_review(people["writer"])
    gone = UserFactory(username="gone-editor", is_staff=True, is_superuser=True)
    services.add_comment(article=article, by=gone, text="An old remark.")
    gone.delete()
    client.force_login(people["editor"])
    page = client.get(change_url(article)).content.decode()
    assert "An old remark." in page


def test_the_comment_mail_is_written_in_the_recipients_language(people, commit):
    services.update_preferences(user=people["writer"], language="zh-hans", email_notifications=True)
    article = in_review(people["writer"])
    commit(services.add_comment, article=article, by=people["editor"], text="请补充数据来源。")
    (message,) = mail.outbox
    assert message.subject == "新评论：Baotou certifies 514 engineers"
    assert "edith-editor 评论了“Baotou certifies 514 engineers”。" in message.body
    assert "对方的评论：\n请补充数据来源。" in message.body


def test_a_too_long_withdrawal_reason_is_a_form_error_not_a_server_error(client, people):
    article = ArticleFactory(author=people["writer"])
    client.force_login(people["editor"])
    url = f"/admin/news/article/{article.pk}/workflow/withdraw/"
    response = client.post(url, {"reason": "r" * 501})
    assert response.status_code == 200
    assert "Ensure this value has at most 500 characters (it has 501)." in response.content.decode()
    article.refresh_from_db()
    assert article.is_public
