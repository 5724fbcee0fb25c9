"""Tags on the article form: anyone who may write picks existing tags; creating a tag through
"New tags" needs taggit's add-tag permission (editors have it, writers do not)."""

import pytest
from taggit.models import Tag

from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/news/article/add/"


@pytest.fixture
def innovation():
    return Tag.objects.create(name="innovation", slug="innovation")


def form_of(response):
    return response.context["adminform"].form


def test_writer_cannot_create_tags_and_keeps_what_they_typed(client, writer, innovation):
    client.force_login(writer)
    response = client.post(ADD_URL, article_post_data(new_tags="smart city, innovation, talent"))
    assert response.status_code == 200
    [message] = form_of(response).errors["new_tags"]
    assert "not create new ones: smart city, talent." in message
    assert "innovation" not in message.split(":")[1]
    html = response.content.decode()
    assert 'value="smart city, innovation, talent"' in html
    assert "Ask an editor to create them" in html
    assert list(Tag.objects.values_list("name", flat=True)) == ["innovation"]
    assert not Article.objects.exists()


def test_writer_may_add_existing_tags_by_picking_or_typing(client, writer, innovation):
    talent = Tag.objects.create(name="talent", slug="talent")
    client.force_login(writer)
    response = client.post(ADD_URL, article_post_data(tags=[talent.pk], new_tags="innovation"))
    assert response.status_code == 302, form_of(response).errors
    assert sorted(Article.objects.get().tags.names()) == ["innovation", "talent"]
    assert Tag.objects.count() == 2


def test_writer_cannot_create_tags_when_editing_either(client, writer):
    article = ArticleFactory(status=Article.Status.DRAFT, author=writer)
    client.force_login(writer)
    response = client.post(
        f"/admin/news/article/{article.pk}/change/",
        article_post_data(article, new_tags="brand-new"),
    )
    assert response.status_code == 200
    assert "brand-new" in form_of(response).errors["new_tags"][0]
    assert not Tag.objects.exists() and list(article.tags.names()) == []


def test_editor_creates_new_tags(client, editor, innovation):
    client.force_login(editor)
    response = client.post(ADD_URL, article_post_data(new_tags="smart city, innovation"))
    assert response.status_code == 302, form_of(response).errors
    assert sorted(Article.objects.get().tags.names()) == ["innovation", "smart city"]
    assert Tag.objects.filter(name="smart city").exists()


def test_a_tag_name_longer_than_the_field_is_a_form_error(client, editor):
    client.force_login(editor)
    long_name = "x" * 101
    response = client.post(ADD_URL, article_post_data(new_tags=f"fine, {long_name}"))
    assert response.status_code == 200
    assert "at most 100 characters" in form_of(response).errors["new_tags"][0]
    assert not Tag.objects.exists()
