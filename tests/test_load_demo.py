"""`load_demo` fills a fresh site, and running it again changes nothing."""

import pytest
from django.core.management import call_command

from news.images import image_ids_in
from news.models import Article, City, Designation, MetricValue, Programme
from news.models import Image as LibraryImage

pytestmark = pytest.mark.django_db

DEMO_PAGES = [
    "/", "/news/", "/announcements/", "/programmes/",
    "/programmes/innovation-driven-demonstration-cities-2023-2025/", "/cities/", "/cities/baotou/",
    "/cities/zibo/", "/tags/innovation-driven/",
    "/news/2023/07/04/baotou-innovation-driven-demonstration-city/",
]  # fmt: skip


def row_counts():
    return [model.objects.count() for model in (City, Programme, Designation, Article, MetricValue)]


def test_load_demo_twice_is_idempotent_and_every_page_has_content(client):
    call_command("load_demo")
    first = row_counts()
    call_command("load_demo")
    assert row_counts() == first
    for url in DEMO_PAGES:
        assert client.get(url).status_code == 200, url


def test_demo_baotou_story_carries_its_figures_as_sourced_values():
    call_command("load_demo")
    article = Article.objects.get(slug="baotou-innovation-driven-demonstration-city")
    figures = {value.metric.slug: int(value.value) for value in article.figures.all()}
    assert figures["experts-on-innovation-china-platform"] == 2333
    assert figures["achievements-released"] == 1135
    assert figures["certified-innovation-engineers"] == 514
    assert len(figures) == 8
    designation = Designation.objects.get(city__slug="baotou", programme__start_year=2023)
    assert designation.status == "approved" and designation.source_article == article


def test_demo_covers_every_kind_and_keeps_editors_changes():
    call_command("load_demo")
    kinds = set(Article.objects.public().values_list("kind", flat=True))
    assert kinds == set(Article.Kind.values)
    assert Article.objects.public().filter(hero=None).count() < Article.objects.public().count()
    city = City.objects.get(slug="baotou")
    city.image_alt = "kept"
    city.save()
    call_command("load_demo")
    assert City.objects.get(slug="baotou").image_alt == "kept"


def test_ensure_admin_creates_once_and_prints_the_login(capsys, monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.delenv("PORT", raising=False)
    call_command("ensure_admin")
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:8000/admin/" in printed and "password 'cityinno-admin'" in printed
    user = get_user_model().objects.get(username="admin")
    user.set_password("changed-by-owner")
    user.save()
    monkeypatch.setenv("PORT", "8080")  # `PORT=8080 make run` serves there, and says so
    call_command("ensure_admin")
    printed = capsys.readouterr().out
    assert "already exists" in printed and "http://127.0.0.1:8080/admin/" in printed
    assert get_user_model().objects.get(username="admin").check_password("changed-by-owner")


def test_load_demo_creates_one_user_per_role_and_keeps_their_passwords(rf):
    from django.contrib.auth import authenticate, get_user_model

    # Sign-ins are throttled per request (django-axes), so authenticate() is given one.
    sign_in = rf.post("/admin/login/")

    call_command("load_demo")
    for username, role in [
        ("writer", "Writer"),
        ("editor", "Editor"),
        ("records", "Records admin"),
    ]:
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert authenticate(sign_in, username="editor", password="cityinno-editor")
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("changed-locally-123")
    editor.save()
    call_command("load_demo")
    assert authenticate(sign_in, username="editor", password="changed-locally-123")
    assert (
        get_user_model().objects.filter(username__in=["writer", "editor", "records"]).count() == 3
    )


def test_demo_images_have_renditions_and_articles_have_a_first_revision():
    call_command("load_demo")
    call_command("load_demo")
    article = Article.objects.get(slug="baotou-innovation-driven-demonstration-city")
    assert {item["width"] for item in article.hero.renditions if not item.get("crop")} == {
        480,
        960,
        1600,
    }
    assert article.hero.share_crop is not None
    # Loading twice finds the demo's library images again instead of uploading copies.
    assert LibraryImage.objects.filter(title__startswith="Demo illustration").count() == (
        Article.objects.exclude(hero=None).count() + 1  # and one image in the Baotou text
    )
    (shown,) = image_ids_in(article.body)
    assert LibraryImage.objects.get(pk=shown).title.endswith("talent platform")
    assert article.revisions.count() == 1


def test_ensure_roles_command_is_idempotent(capsys):
    from django.contrib.auth.models import Group

    call_command("ensure_roles")
    call_command("ensure_roles")
    assert "Roles ready" in capsys.readouterr().out
    editor = Group.objects.get(name="Editor")
    assert editor.permissions.filter(codename="publish_article").exists()
    assert (
        not Group.objects.get(name="Writer")
        .permissions.filter(codename__in=["publish_article", "change_city", "delete_article"])
        .exists()
    )


def test_demo_home_leads_with_the_baotou_story(client):
    call_command("load_demo")
    lead = client.get("/").context["featured_articles"]
    assert [article.slug for article in lead] == ["baotou-innovation-driven-demonstration-city"]


@pytest.mark.parametrize(
    ("username", "panels"),
    [
        ("writer", {"returned-to-me": 1, "my-drafts": 2, "my-articles-in-review": 1}),
        ("editor", {"awaiting-review": 2}),
        ("records", {"figures-awaiting-confirmation": 1}),
    ],
)
def test_each_demo_account_finds_work_on_its_start_page(client, username, panels):
    """After `make run` a newcomer signing in as any demo role sees the desk at work."""
    from django.contrib.auth import get_user_model

    call_command("load_demo")
    client.force_login(get_user_model().objects.get(username=username))
    drawn = {panel.key: panel for panel in client.get("/admin/").context["panels"]}
    for key, count in panels.items():
        assert drawn[key].count >= count, (key, drawn[key])
    if username == "writer":
        (returned,) = drawn["returned-to-me"].items
        assert returned.label == "Ordos hydrogen pilot: first results"
        assert "Please add the source of the 2024 figures" in returned.detail
