"""Workflow services and what the public sees: scheduling, expiry, change notes, withdrawal,
moved addresses and previews. The clock is moved with time-machine; nothing runs in between."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news import services
from news.models import Article, ArticleEvent
from tests.factories import ArticleFactory, CityFactory
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


def draft(author, **fields):
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, author=author, **fields)


def public_surfaces(client, article, city):
    """Whether the article shows on each public page that lists, shows or counts it."""
    url = article.get_absolute_url()
    detail = client.get(url).status_code == 200
    city_counts = client.get("/cities/").context["cities"]
    return {
        "detail": detail,
        "list": article.title in client.get("/news/").content.decode(),
        "home": article.title in client.get("/").content.decode(),
        "city page": article.title in client.get(city.get_absolute_url()).content.decode(),
        "tag page": article.title in client.get("/tags/scheduling/").content.decode(),
        "city count": city_counts.get(pk=city.pk).public_article_count == 1,
        "queryset": Article.objects.public().filter(pk=article.pk).exists(),
        "feed": url in client.get("/news/feed/").content.decode(),
        "city feed": url in client.get(f"{city.get_absolute_url()}feed/atom/").content.decode(),
        "search": url in client.get("/search/", {"q": article.title}).content.decode(),
        "sitemap": url in client.get("/sitemap-articles.xml").content.decode(),
    }


# --- transitions -------------------------------------------------------------------------


def test_writer_submits_and_editor_publishes(writer, editor):
    article = draft(writer)
    services.submit_for_review(article=article, by=writer)
    with pytest.raises(services.WorkflowError, match="permission"):
        services.publish_article(article=article, by=writer)
    article = services.publish_article(article=article, by=editor)
    assert article.is_public
    assert article.updated_on == timezone.localdate(article.published_at)
    actions = list(article.events.order_by("at", "pk").values_list("action", "by__username"))
    assert actions == [
        ("created", writer.username),
        ("submitted", writer.username),
        ("published", editor.username),
    ]


def test_editor_may_publish_a_draft_directly_but_not_twice(editor):
    article = services.publish_article(article=draft(editor), by=editor)
    with pytest.raises(services.WorkflowError, match="not possible"):
        services.publish_article(article=article, by=editor)


def test_unpublish_returns_to_draft_and_archive_hides(editor):
    article = services.publish_article(article=draft(editor), by=editor)
    services.unpublish_article(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    article = services.publish_article(article=article, by=editor)
    services.archive_article(article=article, by=editor)
    assert not Article.objects.public().exists()


def test_republishing_keeps_the_first_published_time(editor, time_machine):
    time_machine.move_to(START, tick=False)
    article = services.publish_article(article=draft(editor), by=editor)
    services.unpublish_article(article=article, by=editor)
    time_machine.move_to(START + timedelta(days=3), tick=False)
    article = services.publish_article(article=article, by=editor)
    assert article.first_published_at == START
    assert article.updated_at == START


def test_editor_sets_the_updated_date_when_publishing(client, editor):
    article = draft(editor)
    client.force_login(editor)
    client.post(f"/admin/news/article/{article.pk}/workflow/publish/", {"updated_on": "2026-01-15"})
    article.refresh_from_db()
    assert article.is_public and article.updated_on.isoformat() == "2026-01-15"


def test_writer_may_not_submit_someone_elses_draft(writer, other_writer):
    with pytest.raises(services.WorkflowError):
        services.submit_for_review(article=draft(other_writer), by=writer)


# --- scheduling and expiry ------------------------------------------------------------------


def test_scheduled_article_appears_everywhere_when_its_time_comes(client, editor, time_machine):
    time_machine.move_to(START, tick=False)
    city = CityFactory()
    article = draft(editor, cities=[city], tags=["scheduling"], kind=Article.Kind.NEWS)
    article = services.publish_article(article=article, by=editor, when=START + timedelta(hours=2))
    assert article.events.filter(action=ArticleEvent.Action.SCHEDULED).exists()
    assert not any(public_surfaces(client, article, city).values())

    time_machine.move_to(START + timedelta(hours=2, seconds=1), tick=False)
    assert all(public_surfaces(client, article, city).values())


def test_expired_article_leaves_every_page_by_itself(client, editor, time_machine):
    time_machine.move_to(START, tick=False)
    city = CityFactory()
    article = draft(
        editor, cities=[city], tags=["scheduling"], expires_at=START + timedelta(days=1)
    )
    article = services.publish_article(article=article, by=editor)
    assert all(public_surfaces(client, article, city).values())

    time_machine.move_to(START + timedelta(days=1, seconds=1), tick=False)
    article.refresh_from_db()
    assert not article.is_public
    assert not any(public_surfaces(client, article, city).values())


def test_admin_list_says_scheduled_and_expired(client, editor, time_machine):
    time_machine.move_to(START, tick=False)
    ArticleFactory(title="Later", published_at=START + timedelta(days=1))
    ArticleFactory(title="Gone", published_at=START - timedelta(days=2), expires_at=START)
    client.force_login(editor)
    html = client.get("/admin/news/article/").content.decode()
    assert "Scheduled for 2026-03-03 09:00" in html
    assert "Expired" in html


# --- change notes ---------------------------------------------------------------------------


def edit_published(client, user, article, **overrides):
    client.force_login(user)
    url = f"/admin/news/article/{article.pk}/change/"
    return client.post(url, article_post_data(article, **overrides))


def test_change_to_published_article_must_say_minor_or_major(client, editor):
    article = ArticleFactory(author=editor)
    response = edit_published(client, editor, article, summary="New summary")
    assert response.status_code == 200
    assert "minor or a major change" in response.content.decode()
    response = edit_published(client, editor, article, summary="New", change_kind="major")
    assert "needs a short public note" in response.content.decode()


def test_minor_change_keeps_the_dates(client, editor, time_machine):
    time_machine.move_to(START, tick=False)
    article = services.publish_article(article=draft(editor), by=editor)
    time_machine.move_to(START + timedelta(days=5), tick=False)
    response = edit_published(client, editor, article, title="Fixed a typo", change_kind="minor")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Fixed a typo"
    assert article.updated_at == START
    assert article.updated_on == START.date()
    assert not article.change_notes.exists()


def test_major_change_moves_updated_and_lists_the_note(client, editor, time_machine):
    time_machine.move_to(START, tick=False)
    article = services.publish_article(article=draft(editor), by=editor)
    time_machine.move_to(START + timedelta(days=5), tick=False)
    response = edit_published(
        client, editor, article, summary="Now with 39 cities.", change_kind="major",
        change_note="Corrected the number of cities.",
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.updated_at == START + timedelta(days=5)
    assert article.first_published_at == START
    assert article.updated_on.isoformat() == "2026-03-07"
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'Updated: <time datetime="2026-03-07">' in html
    assert "Corrected the number of cities." in html
    assert "2026-03-02</time>: First published." in html


# --- withdrawal and moved addresses ---------------------------------------------------------


def test_withdrawn_article_keeps_its_address_with_a_notice_and_leaves_lists(client, editor):
    city = CityFactory()
    article = ArticleFactory(title="Retracted story", cities=[city], tags=["scheduling"])
    with pytest.raises(services.WorkflowError, match="reason"):
        services.withdraw_article(article=article, by=editor, reason=" ")
    services.withdraw_article(article=article, by=editor, reason="The figures were wrong.")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "This article was withdrawn" in html and "The figures were wrong." in html
    assert '<meta name="robots" content="noindex">' in html
    surfaces = public_surfaces(client, article, city)
    assert surfaces.pop("detail") is True
    assert not any(surfaces.values())


def test_writer_cannot_withdraw(client, writer):
    article = ArticleFactory(author=writer)
    client.force_login(writer)
    response = client.post(
        f"/admin/news/article/{article.pk}/workflow/withdraw/", {"reason": "No."}
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_withdraw_through_the_admin_needs_a_reason(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    url = f"/admin/news/article/{article.pk}/workflow/withdraw/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert client.post(url, {"reason": "Duplicate story."}).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN


def test_changed_slug_keeps_the_old_address_with_a_permanent_redirect(client, editor):
    article = ArticleFactory(slug="old-slug", author=editor)
    old_url = article.get_absolute_url()
    response = edit_published(client, editor, article, slug="new-slug", change_kind="minor")
    assert response.status_code == 302
    article.refresh_from_db()
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_changed_date_and_slug_twice_still_redirects_every_old_address(client, editor):
    article = ArticleFactory(slug="first", author=editor)
    first_url = article.get_absolute_url()
    edit_published(client, editor, article, slug="second", change_kind="minor")
    article.refresh_from_db()
    second_url = article.get_absolute_url()
    new_day = article.published_at - timedelta(days=10)
    local = timezone.localtime(new_day)
    edit_published(client, editor, article, slug="third", change_kind="minor",
                   published_at_0=local.strftime("%Y-%m-%d"))  # fmt: skip
    article.refresh_from_db()
    assert article.slug == "third"
    for old in (first_url, second_url):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_redirect_does_not_reveal_an_unpublished_article(client, editor):
    article = ArticleFactory(slug="old-slug", author=editor)
    old_url = article.get_absolute_url()
    edit_published(client, editor, article, slug="new-slug", change_kind="minor")
    services.unpublish_article(article=Article.objects.get(pk=article.pk), by=editor)
    client.logout()
    assert client.get(old_url).status_code == 404


# --- preview --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_staff_preview_any_status_public_gets_404(client, editor, status):
    article = ArticleFactory(status=status, title="Secret plan")
    url = f"/news/preview/{article.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret plan" in html and "<strong>Preview.</strong>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_preview_of_scheduled_article_says_when(client, editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=3))
    client.force_login(editor)
    assert "scheduled for" in client.get(f"/news/preview/{article.pk}/").content.decode()


def test_non_staff_user_cannot_preview(client):
    from tests.factories import UserFactory

    article = ArticleFactory(status="draft")
    client.force_login(UserFactory(username="reader"))
    assert client.get(f"/news/preview/{article.pk}/").status_code == 404


def test_audit_trail_shows_who_did_what(client, writer, editor):
    client.force_login(writer)
    client.post("/admin/news/article/add/", article_post_data(title="Audited"))
    article = Article.objects.get(title="Audited")
    services.submit_for_review(article=article, by=writer)
    article = services.publish_article(article=article, by=editor)
    services.unpublish_article(article=article, by=editor)
    client.force_login(editor)
    html = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    for action, who in [("Created", writer), ("Submitted for review", writer),
                        ("Published", editor), ("Unpublished", editor)]:  # fmt: skip
        assert f"<td>{action}</td><td>{who.username}</td>" in html


def test_editor_returns_an_article_in_review_to_draft_with_a_note(writer, editor):
    article = services.submit_for_review(article=draft(writer), by=writer)
    with pytest.raises(services.WorkflowError):
        services.return_to_draft(article=article, by=writer)
    article = services.return_to_draft(article=article, by=editor, reason="Add a source.")
    assert article.status == Article.Status.DRAFT
    assert article.events.get(action="returned").note == "Add a source."


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"status": "draft"},
        {"status": "withdrawn"},
        {"status": "archived"},
        {"published_at": START + timedelta(hours=1)},
        {"expires_at": START - timedelta(seconds=1)},
        {"expires_at": START + timedelta(seconds=1)},
    ],
)
def test_is_public_agrees_with_the_public_queryset(fields, time_machine):
    time_machine.move_to(START, tick=False)
    article = ArticleFactory(**{"published_at": START - timedelta(days=1), **fields})
    assert article.is_public == Article.objects.public().filter(pk=article.pk).exists()
    reachable = Article.objects.reachable().filter(pk=article.pk).exists()
    assert reachable == (article.is_public or article.is_withdrawn)


def test_feeds_and_sitemaps_date_an_article_by_its_last_major_change(client, editor, time_machine):
    import feedparser

    time_machine.move_to(START, tick=False)
    article = services.publish_article(article=draft(editor), by=editor)
    time_machine.move_to(START + timedelta(days=2), tick=False)
    edit_published(client, editor, article, title="Typo fixed", change_kind="minor")
    client.logout()
    entry = feedparser.parse(client.get("/news/feed/atom/").content).entries[0]
    assert entry.updated.startswith("2026-03-02")
    assert "<lastmod>2026-03-02" in client.get("/sitemap-articles.xml").content.decode()

    time_machine.move_to(START + timedelta(days=5), tick=False)
    article.refresh_from_db()
    edit_published(client, editor, article, summary="39 cities.", change_kind="major",
                   change_note="Corrected the number of cities.")  # fmt: skip
    client.logout()
    entry = feedparser.parse(client.get("/news/feed/atom/").content).entries[0]
    assert entry.updated.startswith("2026-03-07")
    assert entry.published.startswith("2026-03-02")
    assert "<lastmod>2026-03-07" in client.get("/sitemap-articles.xml").content.decode()
