"""The permission matrix: each role × each action, through HTTP requests to the admin.

Every cell checks the response and what happened to the data, so a hidden button is never
mistaken for a refusal.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from news import services
from news.models import Article, City, MetricValue
from news.models import Image as LibraryImage
from tests.factories import (
    ArticleFactory,
    CityFactory,
    MetricFactory,
    MetricValueFactory,
    UserFactory,
)
from tests.helpers import MANAGEMENT_FORM, article_post_data, library_image

pytestmark = pytest.mark.django_db

ROLES = ["writer", "editor", "records_admin"]

#: action → the roles allowed to take it.
MATRIX = {
    "add": {"writer", "editor"},
    "change_own": {"writer", "editor"},
    "change_others": {"editor"},
    "submit": {"writer", "editor"},
    "publish": {"editor"},
    "schedule": {"editor"},
    "unpublish": {"editor"},
    "delete": {"editor"},
    "edit_city": {"records_admin"},
    "import_metrics": {"records_admin"},
    # Suggested figures (news.roles.may_confirm_figures): the article's editors and writers,
    # and records admins, who record figures without changing the article.
    "view_figures": {"writer", "editor", "records_admin"},
    "confirm_figures": {"writer", "editor", "records_admin"},
    "view_figures_others": {"editor", "records_admin"},
    "confirm_figures_others": {"editor", "records_admin"},
    # A figure value's history: whoever may see values reads it; who may change them puts back.
    "view_value_history": {"editor", "records_admin"},
    "put_back_value": {"records_admin"},
    # Review comments (news.roles.may_comment): the article's writer and those who may
    # publish write, resolve and reopen; everyone who may open the article reads the thread.
    "comment_own": {"writer", "editor"},
    "comment_others": {"editor"},
    "resolve_comment_own": {"writer", "editor"},
    "resolve_comment_others": {"editor"},
    "reopen_comment_others": {"editor"},
    "read_comments_others": {"writer", "editor", "records_admin"},
    # The media library (news.roles: may_upload_images, may_edit_image, may_delete_images):
    # writers and editors upload and use images; writers change the words of their own.
    "upload_image": {"writer", "editor"},
    "choose_hero": {"writer", "editor"},
    "edit_own_image": {"writer", "editor"},
    "edit_others_image": {"editor"},
    "delete_image": {"editor"},
}
#: What an allowed action answers, where it is not a redirect.
ALLOWED_STATUS = {
    "view_figures": 200,
    "view_figures_others": 200,
    "view_value_history": 200,
    "read_comments_others": 200,
}


def draft_by(user, **fields):
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, author=user, **fields)


def do_add(client, user):
    response = client.post("/admin/news/article/add/", article_post_data(title="Matrix story"))
    created = Article.objects.filter(title="Matrix story").first()
    return response, created is not None and created.author == user


def do_change_own(client, user):
    article = draft_by(user)
    url = f"/admin/news/article/{article.pk}/change/"
    response = client.post(url, article_post_data(article, title="Changed by owner"))
    article.refresh_from_db()
    return response, article.title == "Changed by owner"


def do_change_others(client, user):
    article = draft_by(UserFactory(username="someone-else"))
    url = f"/admin/news/article/{article.pk}/change/"
    response = client.post(url, article_post_data(article, title="Changed by another"))
    article.refresh_from_db()
    return response, article.title == "Changed by another"


def do_submit(client, user):
    article = draft_by(user)
    response = client.post(f"/admin/news/article/{article.pk}/workflow/submit/")
    article.refresh_from_db()
    return response, article.status == Article.Status.IN_REVIEW


def do_publish(client, user):
    article = draft_by(user)
    response = client.post(f"/admin/news/article/{article.pk}/workflow/publish/")
    article.refresh_from_db()
    return response, article.is_public


def do_schedule(client, user):
    article = draft_by(user)
    when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/admin/news/article/{article.pk}/workflow/publish/", {"when": when})
    article.refresh_from_db()
    return response, article.is_scheduled


def do_unpublish(client, user):
    article = ArticleFactory(author=user)
    response = client.post(f"/admin/news/article/{article.pk}/workflow/unpublish/")
    article.refresh_from_db()
    return response, article.status == Article.Status.DRAFT


def do_delete(client, user):
    article = draft_by(user)
    response = client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    return response, not Article.objects.filter(pk=article.pk).exists()


def do_edit_city(client, user):
    city = CityFactory(name="Baotou", slug="baotou")
    data = {"name": "Baotou City", "name_zh": city.name_zh, "slug": "baotou",
            "province": city.province, "level": city.level, "division_code": "",
            **{key.replace("figures", "metric_values"): value
               for key, value in MANAGEMENT_FORM.items()}}  # fmt: skip
    response = client.post(f"/admin/news/city/{city.pk}/change/", data)
    return response, City.objects.get(pk=city.pk).name == "Baotou City"


def do_import_metrics(client, user):
    """The admin's metric CSV import: upload, then confirm the previewed file."""
    metric, city = MetricFactory(slug="engineers"), CityFactory(slug="baotou")
    text = (
        "metric,city,period,value,source_article,source_note\n"
        "engineers,baotou,2023,514,,Statistical yearbook\n"
    )
    upload = SimpleUploadedFile("figures.csv", text.encode(), "text/csv")
    response = client.post("/admin/news/metricvalue/import/", {"file": upload})
    if response.status_code == 200:
        token = response.context["token"]
        response = client.post("/admin/news/metricvalue/import/", {"token": token, "confirm": "1"})
    return response, MetricValue.objects.filter(metric=metric, city=city, value=514).exists()


FIGURE_BODY = "<p>In 2023 Baotou brought 2,333 experts onto the platform.</p>"


def figures_article(author):
    return draft_by(author, body=FIGURE_BODY, cities=[CityFactory(name="Baotou")])


def view_figures(client, article):
    response = client.get(f"/admin/news/article/{article.pk}/figures/")
    shown = response.status_code == 200 and [
        (form.initial["value"], form.initial["period"]) for form in response.context["formset"]
    ] == [(2333, "2023")]
    return response, shown


def confirm_figures(client, article):
    """Tick the one suggestion and record it as a new metric's value."""
    page = client.get(f"/admin/news/article/{article.pk}/figures/")
    key = page.context["formset"].forms[0].initial["key"] if page.status_code == 200 else ""
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-accept": "on",
            "form-0-value": "2333", "form-0-new_metric_name": "Experts on the platform",
            "form-0-city": article.cities.get().pk, "form-0-period": "2023", "form-0-key": key}  # fmt: skip
    response = client.post(f"/admin/news/article/{article.pk}/figures/", data)
    return response, MetricValue.objects.filter(source_article=article, value=2333).exists()


def do_view_figures(client, user):
    return view_figures(client, figures_article(user))


def do_confirm_figures(client, user):
    return confirm_figures(client, figures_article(user))


def do_view_figures_others(client, user):
    return view_figures(client, figures_article(UserFactory(username="someone-else")))


def do_confirm_figures_others(client, user):
    return confirm_figures(client, figures_article(UserFactory(username="someone-else")))


def changed_value():
    """A figure value recorded as 514, then corrected to 515: two versions on its history."""
    value = MetricValueFactory(value=514)
    value.value = 515
    services.save_record(record=value, by=UserFactory(username="rita-earlier"))
    return value


def do_view_value_history(client, user):
    value = changed_value()
    response = client.get(f"/admin/news/metricvalue/{value.pk}/history/")
    return response, response.status_code == 200 and "515" in response.content.decode()


def do_put_back_value(client, user):
    value = changed_value()
    first = value.history.order_by("history_date").first()
    url = f"/admin/news/metricvalue/{value.pk}/history/{first.history_id}/put-back/"
    response = client.post(url)
    value.refresh_from_db()
    return response, value.value == 514


def in_review_by(user):
    return ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None, author=user)


def someone_elses_article():
    return in_review_by(UserFactory(username="someone-else"))


def reviewers_comment(article):
    reviewer = UserFactory(username="the-reviewer", is_staff=True, is_superuser=True)
    return services.add_comment(article=article, by=reviewer, text="Where is 514 from?")


def comment_on(client, article):
    url = f"/admin/news/article/{article.pk}/comments/"
    response = client.post(url, {"text": "Matrix remark"})
    return response, article.review_comments.filter(text="Matrix remark").exists()


def change_comment(client, comment, change: str):
    url = f"/admin/news/article/{comment.article_id}/comments/{comment.pk}/{change}/"
    response = client.post(url)
    comment.refresh_from_db()
    return response, comment.is_resolved is (change == "resolve")


def do_comment_own(client, user):
    return comment_on(client, in_review_by(user))


def do_comment_others(client, user):
    return comment_on(client, someone_elses_article())


def do_resolve_comment_own(client, user):
    return change_comment(client, reviewers_comment(in_review_by(user)), "resolve")


def do_resolve_comment_others(client, user):
    return change_comment(client, reviewers_comment(someone_elses_article()), "resolve")


def do_reopen_comment_others(client, user):
    comment = reviewers_comment(someone_elses_article())
    services.resolve_comment(comment=comment, by=comment.author)
    return change_comment(client, comment, "reopen")


def do_read_comments_others(client, user):
    article = someone_elses_article()
    reviewers_comment(article)
    response = client.get(f"/admin/news/article/{article.pk}/comments/")
    return (
        response,
        response.status_code == 200 and "Where is 514 from?" in response.content.decode(),
    )


def do_upload_image(client, user):
    from tests.test_images import jpeg_bytes

    photo = SimpleUploadedFile("matrix.jpg", jpeg_bytes(size=(600, 400)), "image/jpeg")
    data = {"file": photo, "title": "Matrix photo", "alt_text": "A photo"}
    response = client.post("/admin/news/image/add/", data)
    return response, LibraryImage.objects.filter(title="Matrix photo", uploaded_by=user).exists()


def do_choose_hero(client, user):
    image = library_image(owner=UserFactory(username="someone-else"))
    response = client.post(
        "/admin/news/article/add/", article_post_data(title="With a hero", hero=image.pk)
    )
    return response, Article.objects.filter(title="With a hero", hero=image).exists()


def edit_image_words(client, image):
    data = {"title": "Renamed in the matrix", "alt_text": "New words"}
    response = client.post(f"/admin/news/image/{image.pk}/change/", data)
    return response, LibraryImage.objects.get(pk=image.pk).title == "Renamed in the matrix"


def do_edit_own_image(client, user):
    return edit_image_words(client, library_image(owner=user))


def do_edit_others_image(client, user):
    return edit_image_words(client, library_image(owner=UserFactory(username="someone-else")))


def do_delete_image(client, user):
    image = library_image(owner=user)
    response = client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    return response, not LibraryImage.objects.filter(pk=image.pk).exists()


ACTIONS = {name: globals()[f"do_{name}"] for name in MATRIX}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(client, request, role, action):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response, happened = ACTIONS[action](client, user)
    if role in MATRIX[action]:
        assert happened, f"{role} should be able to {action}"
        assert response.status_code == ALLOWED_STATUS.get(action, 302), response.content[:2000]
    else:
        assert not happened, f"{role} must not be able to {action}"
        assert response.status_code == 403


#: The start page's panels (news/admin/dashboard.py) → the roles whose members see them.
DESK_PANELS = {
    "awaiting-review": {"editor"},
    "scheduled": {"editor"},
    "recently-published": {"editor"},
    "withdrawn": {"editor"},
    "returned-to-me": {"writer"},
    "my-drafts": {"writer"},
    "my-articles-in-review": {"writer"},
    "figures-awaiting-confirmation": {"records_admin"},
    "latest-imports": {"records_admin"},
    "cities-without-a-code": {"records_admin"},
    "latest-designations": {"records_admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_own_desk_panels_and_no_others(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/admin/")
    assert response.status_code == 200
    shown = {panel.key for panel in response.context["panels"]}
    assert shown == {key for key, roles in DESK_PANELS.items() if role in roles}


@pytest.mark.parametrize("role", ROLES)
def test_who_is_mailed_when_a_writer_submits_and_an_editor_publishes(
    request, role, settings, django_capture_on_commit_callbacks
):
    """Submissions go to those who may publish; a publication to its author; records admins
    hear of neither. Nobody is told of their own step."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = request.getfixturevalue(role)
    user.email = f"{role}@example.org"
    user.save()
    author = UserFactory(username="the-author", email="author@example.org", is_staff=True)
    author.groups.add(request.getfixturevalue("roles")["Writer"])
    publisher = UserFactory(username="the-publisher", is_staff=True, is_superuser=True)
    article = draft_by(author)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(article=article, by=author)
    submission_to = {address for message in mail.outbox for address in message.to}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_article(article=article, by=publisher)
    publication_to = {address for message in mail.outbox for address in message.to}
    assert (user.email in submission_to) is (role == "editor")
    assert user.email not in publication_to
    assert publication_to == {"author@example.org"}


def test_writer_cannot_change_own_article_once_published(client, writer):
    article = ArticleFactory(author=writer)
    client.force_login(writer)
    url = f"/admin/news/article/{article.pk}/change/"
    assert client.post(url, article_post_data(article, title="Sneaky")).status_code == 403
    article.refresh_from_db()
    assert article.title != "Sneaky"


def test_writer_cannot_set_publish_fields_through_the_form(client, writer):
    client.force_login(writer)
    future = timezone.now() + timedelta(days=1)
    data = article_post_data(
        title="Eager writer",
        is_featured="on",
        published_at_0=future.strftime("%Y-%m-%d"),
        published_at_1="10:00:00",
        status="published",
    )
    assert client.post("/admin/news/article/add/", data).status_code == 302
    article = Article.objects.get(title="Eager writer")
    assert (article.status, article.published_at, article.is_featured) == ("draft", None, False)


def test_buttons_offered_follow_the_role(client, writer, editor):
    article = draft_by(writer)
    url = f"/admin/news/article/{article.pk}/change/"
    client.force_login(writer)
    names = [step.name for step in client.get(url).context["workflow_transitions"]]
    assert names == ["submit"]
    client.force_login(editor)
    names = [step.name for step in client.get(url).context["workflow_transitions"]]
    assert names == ["submit", "publish"]


def test_records_admin_cannot_see_article_workflow_or_bulk_publish(client, records_admin, editor):
    article = draft_by(editor)
    client.force_login(records_admin)
    response = client.post(
        "/admin/news/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert response.status_code != 500
    assert client.get(f"/admin/news/article/{article.pk}/workflow/publish/").status_code == 403


def test_writer_bulk_publish_action_is_not_offered_or_run(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    changelist = client.get("/admin/news/article/")
    assert "publish_selected" not in changelist.content.decode()
    client.post(
        "/admin/news/article/", {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_bulk_publish_action_publishes(client, editor):
    articles = [draft_by(editor) for _ in range(2)]
    client.force_login(editor)
    response = client.post(
        "/admin/news/article/",
        {"action": "publish_selected", "_selected_action": [a.pk for a in articles]},
    )
    assert response.status_code == 302
    assert Article.objects.public().count() == 2


#: The editors' article list: a fixed number of queries however many articles there are
#: (session, user, their admin language, permissions, count, page of rows with authors,
#: filters' programmes…).
ADMIN_ARTICLE_LIST_MAX_QUERIES = 11


def test_admin_article_list_runs_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    hero = LibraryImage.objects.create(
        title="x", alt_text="x", file="x.jpg",
        renditions=[{"width": 480, "height": 270, "type": "image/jpeg", "name": "x.jpg"}],
    )  # fmt: skip
    for index in range(120):  # more than one admin page (100 rows)
        ArticleFactory(author=editor, published_at=now + timedelta(days=index - 60), hero=hero)
    client.force_login(editor)
    with django_assert_max_num_queries(ADMIN_ARTICLE_LIST_MAX_QUERIES):
        response = client.get("/admin/news/article/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 120
    assert "Scheduled for" in response.content.decode()
