"""The admin wholly in Chinese for staff who choose Chinese: every page type, signed in as each
role, with no English word of ours left (data, names and codes aside), the messages after each
kind of action included; and the same pages in English exactly as they were."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from news import csv_io, services
from news.models import (
    Article,
    City,
    CsvImport,
    Designation,
    Metric,
    MetricValue,
    OutgoingMail,
    Programme,
)
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)
from tests.helpers import article_post_data
from tests.test_i18n import untranslated_words

pytestmark = pytest.mark.django_db

CHINESE_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}
#: Figures written in English in an article's text, for the suggestions screen (which reads
#: English): the sentence is the article's data.
ENGLISH_BODY = "<p>Baotou brought 2,333 experts onto the platform in 2023.</p>"


def choose(user, language: str):
    services.update_preferences(user=user, language=language, email_notifications=True)


@pytest.fixture
def staff(superuser, editor, writer, records_admin):
    people = {"superuser": superuser, "editor": editor, "writer": writer, "records": records_admin}
    for person in people.values():
        person.email = f"{person.username}@example.org"
        person.save()
        choose(person, "zh-hans")
    return people


@pytest.fixture
def newsroom(staff):
    """Work and records named in Chinese, in every state a page shows differently."""
    writer, editor = staff["writer"], staff["editor"]
    city = CityFactory(name="", name_zh="包头市", slug="baotou", province="内蒙古自治区",
                       division_code="150200", summary="黄河边的城市。")  # fmt: skip
    other = CityFactory(name="", name_zh="呼和浩特市", slug="hohhot", province="内蒙古自治区")
    gone = CityFactory(name="", name_zh="已删除市", slug="gone", province="内蒙古自治区")
    services.delete_city(city=gone, by=staff["records"])
    programme = ProgrammeFactory(name="创新驱动示范市", issuing_body="中国科协", description="")
    metric = MetricFactory(name="平台专家人数", slug="experts", unit="人")
    draft = ArticleFactory(title="鄂尔多斯氢能试点", summary="摘要。", body="<p>正文。</p>",
                           author=writer, status=Article.Status.DRAFT, published_at=None,
                           byline="本站记者", cities=[city])  # fmt: skip
    services.submit_for_review(article=draft, by=writer)
    services.return_to_draft(article=draft, by=editor, reason="请补充数据来源。")
    waiting = ArticleFactory(title="包头认证工程师", summary="摘要。", body="<p>正文。</p>",
                             author=writer, status=Article.Status.DRAFT, published_at=None)  # fmt: skip
    services.submit_for_review(article=waiting, by=writer)
    published = ArticleFactory(title="包头入选示范市", summary="摘要。", body=ENGLISH_BODY,
                               author=writer, cities=[city], programmes=[programme],
                               tags=["创新"], byline="本站记者")  # fmt: skip
    published.summary = "更正后的摘要。"
    services.edit_article(article=published, by=editor, opened_version=published.version,
                          change_kind="major", change_note="更正了专家人数。")  # fmt: skip
    pulled = ArticleFactory(title="深圳数据更正", summary="摘要。", body="<p>正文。</p>")
    services.withdraw_article(article=pulled, by=editor, reason="数据有误。")
    scheduled = ArticleFactory(title="定时文章", summary="摘要。", body="<p>正文。</p>",
                               status=Article.Status.DRAFT, published_at=None)  # fmt: skip
    services.publish_article(article=scheduled, by=editor, when=timezone.now() + timedelta(days=2))
    designation = DesignationFactory(programme=programme, city=city, source_article=published)
    value = MetricValueFactory(metric=metric, city=city, value=Decimal(2333), period="2022",
                               source_article=published, source_note="")  # fmt: skip
    value.value = Decimal(2400)
    services.save_record(record=value, by=staff["records"])
    city.summary = "黄河边的工业城市。"
    services.save_city(city=city, by=staff["records"], changed_fields=["summary"])
    services.merge_cities(source=CityFactory(name="", name_zh="包头", slug="baotou-dup",
                                             province="内蒙古自治区"), into=city, by=staff["records"])  # fmt: skip
    csv_io.import_cities(
        data="slug,name,name_zh,province,level,division_code,summary\n"
        "ordos,,鄂尔多斯市,内蒙古自治区,prefecture,150600,\n".encode(),
        by=staff["records"],
        file_name="城市.csv",
    )
    return {
        "city": city, "other": other, "gone": gone, "programme": programme, "metric": metric,
        "draft": draft, "waiting": waiting, "published": published, "pulled": pulled,
        "scheduled": scheduled, "designation": designation, "value": value,
    }  # fmt: skip


#: Latin words in the admin that are names, not English: file formats and standards, the
#: lockout library's name, and the keys that Django's own Chinese catalogue leaves in Latin.
#: "Baotou" is the example English name in a city's help text. True/False/None are the alt text
#: Django gives its yes/no icons, in English in every language (no catalogue has them). "md" is
#: the start of "md5", the password hasher the test settings use (shown on a user's page).
ADMIN_LATIN = {"JPEG", "PNG", "WebP", "SEO", "GB", "UTF", "Axes", "ID", "IP", "HTTP", "GET",
               "POST", "Control", "Command", "Mac", "LDAP", "sha", "Accept", "Baotou", "True",
               "False", "None", "md"}  # fmt: skip


def data_strings() -> list[str]:
    """Words on the pages that are data, not interface: people's names and addresses, records'
    slugs, the role groups and Django's permission names (rows in the database, which Django's
    admin shows as stored in every language), the English sentence the suggestions screen
    quotes, the outbox's messages, and the English that django-axes writes for its records'
    names (no catalogue reaches it)."""
    people = [
        text
        for user in get_user_model().objects.all()
        for text in (user.username, user.email)
        if text
    ]
    slugs = [
        slug
        for model in (Article, City, Metric, Programme)
        for slug in model._default_manager.values_list("slug", flat=True)
    ] + list(City.history.values_list("slug", flat=True))
    return [
        *people,
        *slugs,
        *Group.objects.values_list("name", flat=True),
        *Permission.objects.values_list("name", flat=True),
        "Baotou brought 2,333 experts onto the platform in 2023.",
        *CsvImport.objects.values_list("file_name", flat=True),
        *OutgoingMail.objects.values_list("body", flat=True),
        *(str(record) for model in (AccessAttempt, AccessLog, AccessFailureLog)
          for record in model.objects.all()),  # fmt: skip
        "Access Log for", "Attempted Access", "Failed access", "<unknown>",
    ]  # fmt: skip


def chinese_words(response, data=()) -> set[str]:
    html = response.content.decode()
    # Code is code: CSV column names, addresses, a password hash's masked salt.
    html = re.sub(r"<code>.*?</code>", " ", html, flags=re.DOTALL)
    html = re.sub(r"\S*\*{3,}\S*", " ", html)
    html = re.sub(r"https?://\S+", " ", html)
    html = re.sub(r"/cities/\w+/", " ", html)  # an address in a help text
    return untranslated_words(html, data=[*data_strings(), *data]) - ADMIN_LATIN


def pages(things) -> list[str]:
    """Every admin page type, with existing objects."""
    urls = ["/admin/", "/admin/preferences/", "/admin/news/", "/admin/password_change/",
            "/admin/password_change/done/"]  # fmt: skip
    urls += [f"/admin/section/{key}/" for key in ("newsroom", "register", "figures", "people")]
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        urls += [base, f"{base}add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [f"{base}{first.pk}/change/", f"{base}{first.pk}/history/",
                     f"{base}{first.pk}/delete/"]  # fmt: skip
    for article in Article.objects.all():
        urls += [f"/admin/news/article/{article.pk}/change/",
                 f"/admin/news/article/{article.pk}/revisions/",
                 f"/admin/news/article/{article.pk}/figures/"]  # fmt: skip
        urls += [f"/admin/news/article/{article.pk}/workflow/{step}/"
                 for step in services.TRANSITIONS]  # fmt: skip
        if article.revisions.count() > 1:
            urls.append(
                f"/admin/news/article/{article.pk}/revisions/compare/?revision=1&revision=2"
            )
    for model in (City, Designation, Metric, MetricValue):
        record = model._default_manager.order_by("pk").first()
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/history/"
        urls.append(base)
        for entry in model.history.filter(id=record.pk):
            urls.append(f"{base}{entry.history_id}/put-back/")
    gone = things["gone"]
    urls.append(f"/admin/news/city/{gone.pk}/history/")
    entry = City.history.filter(id=gone.pk).first()
    urls.append(f"/admin/news/city/{gone.pk}/history/{entry.history_id}/put-back/")
    urls += ["/admin/news/city/import/", "/admin/news/metricvalue/import/"]
    urls += ["/admin/news/article/?desk=returned", "/admin/news/article/?figures_awaiting=yes",
             "/admin/news/article/?status__exact=draft", "/admin/news/city/?q=nothing-matches"]  # fmt: skip
    return urls


def test_every_admin_page_is_wholly_chinese_for_every_role(client, staff, newsroom):
    seen, found = set(), {}
    for role, person in staff.items():
        client.force_login(person)
        for url in pages(newsroom):
            response = client.get(url)
            if response.status_code in (403, 404, 302):
                continue
            assert response.status_code == 200, (role, url, response.status_code)
            seen.add(url)
            words = chinese_words(response)
            if words:
                found[(role, url)] = sorted(words)
    report = "\n".join(f"{role} {url}: {' '.join(words)}" for (role, url), words in found.items())
    assert not found, report


def said(response) -> str:
    """The messages and errors a page shows after an action, for the assertion's report."""
    html = response.content.decode()
    found = re.findall(r'<li class="(?:success|error|warning|info)">(.*?)</li>', html, re.DOTALL)
    found += re.findall(r'class="errornote">(.*?)</p>', html, re.DOTALL)
    found += re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.DOTALL)
    found += re.findall(r'class="import-(?:summary|errors)">(.*?)</(?:p|table)>', html, re.DOTALL)
    return " | ".join(re.sub(r"<[^>]+>", "", item).strip() for item in found)


def test_every_kind_of_message_after_an_action_is_chinese(client, staff, newsroom):
    """What staff read after they act — done, refused, or wrong input — in Chinese too."""
    editor, records = staff["editor"], staff["records"]
    waiting, published = newsroom["waiting"], newsroom["published"]
    waiting.refresh_from_db()
    published.refresh_from_db()
    client.force_login(editor)
    change = f"/admin/news/article/{waiting.pk}/change/"
    suggestions = client.get(f"/admin/news/article/{published.pk}/figures/")
    suggestion_key = suggestions.context["formset"].forms[0].initial["key"]
    outcomes = {
        "saved": client.post(change, article_post_data(waiting, summary="新的摘要。"), follow=True),
        "stale save refused": client.post(
            change, article_post_data(waiting, opened_version=waiting.version), follow=True
        ),
        "major change without a note": client.post(
            f"/admin/news/article/{published.pk}/change/",
            article_post_data(published, summary="又改了。", change_kind="major"),
        ),
        "published": client.post(
            f"/admin/news/article/{waiting.pk}/workflow/publish/", {}, follow=True
        ),
        "step not possible": client.post(
            f"/admin/news/article/{waiting.pk}/workflow/submit/", {}, follow=True
        ),
        "withdrawal without a reason": client.post(
            f"/admin/news/article/{published.pk}/workflow/withdraw/", {"reason": ""}, follow=True
        ),
        "nonsense periods": client.post(
            f"/admin/news/article/{published.pk}/figures/",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-accept": "on",
                "form-0-value": "2333",
                "form-0-city": newsroom["city"].pk,
                "form-0-period": "去年",
                "form-0-metric": newsroom["metric"].pk,
                "form-0-key": suggestion_key,
            },  # fmt: skip
        ),
    }
    client.force_login(records)
    outcomes["csv rows refused"] = client.post(
        "/admin/news/city/import/",
        {"file": SimpleUploadedFile("城市.csv", b"slug,name,province\nBAD SLUG,,\n", "text/csv")},
    )
    outcomes["not utf-8"] = client.post(
        "/admin/news/city/import/",
        {"file": SimpleUploadedFile("城市.csv", "slug,name\n包头,\n".encode("gbk"), "text/csv")},
    )
    value = newsroom["value"]
    first = MetricValue.history.filter(id=value.pk).order_by("history_date").first()
    outcomes["put back"] = client.post(
        f"/admin/news/metricvalue/{value.pk}/history/{first.history_id}/put-back/", follow=True
    )
    gone = newsroom["gone"]
    entry = City.history.filter(id=gone.pk).order_by("history_date").first()
    outcomes["put back of a deleted city"] = client.post(
        f"/admin/news/city/{gone.pk}/history/{entry.history_id}/put-back/", follow=True
    )

    report = {}
    for what, response in outcomes.items():
        assert response.status_code == 200, (what, response.status_code)
        shown = said(response)
        assert shown, f"{what}: no message or error shown"
        if words := chinese_words(response):
            report[what] = f"{sorted(words)} in: {shown}"
    assert not report, "\n".join(f"{what}: {text}" for what, text in report.items())
    assert MetricValue.objects.get(pk=value.pk).value == 2333  # the put back happened
