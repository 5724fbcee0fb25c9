"""The admin's language per person, the "Your preferences" page and the top bar's switch, and
the shell around every admin page: navigation by the newsroom's parts, the article form's
fieldsets, and a start page, shell and preferences page wholly in Chinese in Chinese."""

import pytest

from news import services
from news.models import Article, StaffProfile
from tests.factories import ArticleFactory, CityFactory, UserFactory
from tests.test_i18n import untranslated_words

pytestmark = pytest.mark.django_db

CHINESE_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def choose(user, language: str, email_notifications: bool = True):
    services.update_preferences(
        user=user, language=language, email_notifications=email_notifications
    )


def language_of(response) -> str:
    assert response.status_code == 200
    return response["Content-Language"]


# --- Which language the admin speaks --------------------------------------------------------


def test_without_a_choice_the_admin_speaks_the_browsers_language(client, editor):
    client.force_login(editor)
    response = client.get("/admin/", **CHINESE_BROWSER)
    assert language_of(response) == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html and "我的工作台" in html
    assert "Accept-Language" in response["Vary"]
    assert language_of(client.get("/admin/", **ENGLISH_BROWSER)) == "en"


def test_a_language_the_site_lacks_falls_back_to_english(client, editor):
    client.force_login(editor)
    assert language_of(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8")) == "en"
    assert language_of(client.get("/admin/")) == "en"


@pytest.mark.parametrize(
    "header",
    ["zh-;q=abc, ,,*;q=0.5", "x" * 1000, "*", "en;q=0, zh-hans;q=0", "\x00zh", "zh-hans-" * 200],
)
def test_a_malformed_or_hostile_accept_language_gets_english_not_an_error(client, editor, header):
    assert language_of(client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=header)) == "en"
    client.force_login(editor)
    assert language_of(client.get("/admin/", HTTP_ACCEPT_LANGUAGE=header)) == "en"


def test_a_persons_choice_beats_their_browser(client, editor):
    client.force_login(editor)
    choose(editor, "en")
    assert language_of(client.get("/admin/", **CHINESE_BROWSER)) == "en"
    choose(editor, "zh-hans")
    response = client.get("/admin/news/article/", **ENGLISH_BROWSER)
    assert language_of(response) == "zh-hans"
    assert "选择 文章 来修改" in response.content.decode()  # Django's words, our model's name


def test_the_sign_in_page_speaks_the_browsers_language(client):
    response = client.get("/admin/login/", **CHINESE_BROWSER)
    assert language_of(response) == "zh-hans"
    assert "登录" in response.content.decode()


def test_public_pages_keep_the_language_of_their_address(client, editor):
    client.force_login(editor)
    choose(editor, "zh-hans")
    english = client.get("/news/", **CHINESE_BROWSER)
    assert language_of(english) == "en"
    assert '<html lang="en">' in english.content.decode()
    assert language_of(client.get("/zh-hans/news/", **ENGLISH_BROWSER)) == "zh-hans"


def test_admin_pages_stay_private_and_unstored_in_every_language(client, editor):
    client.force_login(editor)
    choose(editor, "zh-hans")
    for url in ["/admin/", "/admin/preferences/", "/admin/news/article/"]:
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


# --- "Your preferences" ---------------------------------------------------------------------


def test_preferences_are_saved_for_the_person_signed_in(client, writer):
    client.force_login(writer)
    response = client.get("/admin/preferences/", **CHINESE_BROWSER)
    assert "跟随浏览器（当前为简体中文）" in response.content.decode()
    response = client.post(
        "/admin/preferences/", {"language": "zh-hans"}, follow=True, **ENGLISH_BROWSER
    )
    assert response.redirect_chain == [("/admin/preferences/", 302)]
    profile = StaffProfile.objects.get(user=writer)
    assert (profile.language, profile.email_notifications) == ("zh-hans", False)
    html = response.content.decode()
    assert "你的偏好设置已保存。" in html  # said in the language just chosen
    assert response.context["form"].initial["language"] == "zh-hans"

    client.post("/admin/preferences/", {"language": "", "email_notifications": "on"})
    profile.refresh_from_db()
    assert (profile.language, profile.email_notifications) == ("", True)
    assert language_of(client.get("/admin/", **CHINESE_BROWSER)) == "zh-hans"


def test_nobody_reaches_another_persons_preferences(client, writer, editor):
    choose(editor, "en", email_notifications=True)
    client.force_login(writer)
    client.post(
        "/admin/preferences/", {"language": "zh-hans", "user": editor.pk, "user_id": editor.pk}
    )
    assert StaffProfile.objects.get(user=editor).language == "en"
    assert StaffProfile.objects.get(user=writer).language == "zh-hans"
    assert client.get(f"/admin/preferences/{editor.pk}/").status_code == 404


def test_an_unknown_language_is_a_form_error(client, writer):
    client.force_login(writer)
    response = client.post("/admin/preferences/", {"language": "fr"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not StaffProfile.objects.filter(user=writer).exists()


def test_preferences_need_a_staff_sign_in(client, db):
    response = client.get("/admin/preferences/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert client.post("/admin/preferences/", {"language": "en"}).status_code == 302
    assert not StaffProfile.objects.filter(user=reader).exists()


def test_the_language_switch_stores_the_choice_and_goes_back(client, editor):
    choose(editor, "", email_notifications=False)
    client.force_login(editor)
    html = client.get("/admin/news/article/").content.decode()
    assert 'action="/admin/preferences/language/"' in html
    assert 'name="language" value="zh-hans" lang="zh-hans"' in html
    response = client.post(
        "/admin/preferences/language/", {"language": "zh-hans", "next": "/admin/news/article/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/news/article/")
    profile = StaffProfile.objects.get(user=editor)
    assert (profile.language, profile.email_notifications) == ("zh-hans", False)
    html = client.get("/admin/news/article/").content.decode()
    assert 'name="language" value="en" lang="en"' in html


def test_the_language_switch_goes_back_only_to_this_site(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/preferences/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_the_language_switch_refuses_anything_else(client, editor):
    client.force_login(editor)
    assert client.get("/admin/preferences/language/").status_code == 405
    response = client.post("/admin/preferences/language/", {"language": "xx"})
    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.content.decode()


# --- The shell ------------------------------------------------------------------------------


def sections(response) -> dict[str, list[str]]:
    return {
        str(section["name"]): [str(model["name"]) for model in section["models"]]
        for section in response.context["available_apps"]
    }


def test_the_sidebar_lists_the_newsrooms_parts(admin_client, client, writer):
    assert sections(admin_client.get("/admin/")) == {
        "Newsroom": ["Articles", "Media library", "Tags"],
        "Register": ["Cities", "Programmes", "Designations"],
        "Figures": ["Metrics", "Figure values", "CSV imports"],
        "People": [
            "Users",
            "Groups",
            "Sign-in attempts",
            "Failed sign-ins",
            "Sign-in log",
            "Outbox",
        ],
    }
    client.force_login(writer)
    response = client.get("/admin/news/article/")
    assert sections(response) == {
        "Newsroom": ["Articles", "Media library", "Tags"],
        "Register": ["Cities", "Programmes"],
    }
    assert 'id="nav-sidebar"' in client.get("/admin/").content.decode()


def test_each_part_has_its_page_and_the_app_pages_still_answer(admin_client, client, writer):
    html = admin_client.get("/admin/section/register/").content.decode()
    assert 'href="/admin/news/designation/"' in html
    assert admin_client.get("/admin/section/nowhere/").status_code == 404
    assert admin_client.get("/admin/news/").status_code == 200  # the breadcrumbs' "Newsroom"
    client.force_login(writer)
    assert client.get("/admin/section/people/").status_code == 404


def test_the_top_bar_names_the_person_and_links_preferences_and_the_site(client, editor):
    editor.first_name, editor.last_name = "Edith", "Ma"
    editor.save()
    client.force_login(editor)
    html = client.get("/admin/news/city/").content.decode()
    assert '<span class="user-name">Edith Ma</span>' in html
    assert 'href="/admin/preferences/"' in html
    assert '<a class="in-menu-on-phones" href="/">View site</a>' in html
    choose(editor, "zh-hans")
    html = client.get("/admin/news/city/").content.decode()
    assert 'href="/zh-hans/">查看站点</a>' in html
    assert "css/newsroom-admin.css" in html and "admin/js/theme.js" in html


def test_djangos_password_change_pages_keep_the_newsrooms_top_bar(client, editor):
    client.force_login(editor)
    for url in ["/admin/password_change/", "/admin/password_change/done/"]:
        html = client.get(url).content.decode()
        assert 'action="/admin/preferences/language/"' in html, url
        assert 'href="/admin/preferences/"' in html, url


def test_a_writer_sees_the_articles_essentials_first_and_the_rest_folded(client, writer, editor):
    article = ArticleFactory(
        author=writer, status=Article.Status.DRAFT, published_at=None, title="Draft"
    )
    client.force_login(writer)
    response = client.get(f"/admin/news/article/{article.pk}/change/")
    names = [
        (str(fieldset.name), fieldset.is_collapsible) for fieldset in response.context["adminform"]
    ]
    assert names[:3] == [("None", False), ("What it is about", False), ("Hero image", False)]
    assert ("Publishing", True) in names and ("Address and search engines", True) in names
    first = next(iter(response.context["adminform"]))
    assert [line.fields[0] for line in first] == [
        "title",
        "kind",
        "summary",
        "body",
        "opened_version",
    ]
    client.force_login(editor)
    response = client.get(f"/admin/news/article/{article.pk}/change/")
    names = [
        (str(fieldset.name), fieldset.is_collapsible) for fieldset in response.context["adminform"]
    ]
    assert ("Publishing", False) in names  # editors set the publishing fields


# --- Wholly Chinese in Chinese --------------------------------------------------------------


@pytest.fixture
def chinese_newsroom(roles):
    """People and work named in Chinese only, so any Latin word left is the interface's."""
    people = {}
    for name, role in [("王撰稿", "Writer"), ("李编辑", "Editor"), ("赵名录", "Records admin")]:
        person = UserFactory(username=name, is_staff=True)
        person.groups.add(roles[role])
        choose(person, "zh-hans")
        people[role] = person
    writer, editor = people["Writer"], people["Editor"]
    returned = ArticleFactory(
        title="鄂尔多斯氢能试点", author=writer, status=Article.Status.DRAFT, published_at=None
    )
    services.submit_for_review(article=returned, by=writer)
    services.return_to_draft(article=returned, by=editor, reason="请补充数据来源。")
    waiting = ArticleFactory(
        title="包头认证工程师", author=writer, status=Article.Status.DRAFT, published_at=None
    )
    services.submit_for_review(article=waiting, by=writer)
    pulled = ArticleFactory(title="深圳数据更正", author=writer)
    services.withdraw_article(article=pulled, by=editor, reason="数据有误。")
    CityFactory(name="", name_zh="和田市", province="新疆")
    return people


def test_the_start_page_shell_and_preferences_are_wholly_chinese(client, chinese_newsroom):
    for person in chinese_newsroom.values():
        client.force_login(person)
        for url in ["/admin/", "/admin/preferences/", "/admin/section/newsroom/"]:
            response = client.get(url)
            if response.status_code == 404:  # a records admin has no newsroom section
                continue
            words = untranslated_words(response.content.decode())
            assert not words, f"{person} at {url} sees untranslated words: {sorted(words)}"


def test_the_check_would_catch_english_on_the_start_page(client, chinese_newsroom):
    person = chinese_newsroom["Editor"]
    choose(person, "en")
    client.force_login(person)
    assert {"Awaiting", "review"} <= untranslated_words(client.get("/admin/").content.decode())
