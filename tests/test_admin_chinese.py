"""The admin wholly in Chinese for staff who choose Chinese: every page type, signed in as each
role, with no English word of ours left (data, names and codes aside), the messages after each
kind of action included; and the same pages in English exactly as they were."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from news import csv_io, services
from news.models import Article, City, CsvImport, Designation, Metric, MetricValue
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)
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
    services.publish_article(
        article=scheduled, by=editor, when=timezone.now() + timedelta(days=2)
    )
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


def data_strings() -> list[str]:
    """Words on the pages that are data, not interface: people's names and addresses, the
    role groups and Django's permission names (rows in the database, which Django's admin shows
    as stored in every language), and the English sentence the suggestions screen quotes."""
    people = [
        text
        for user in get_user_model().objects.all()
        for text in (user.username, user.email)
        if text
    ]
    return [
        *people,
        *Group.objects.values_list("name", flat=True),
        *Permission.objects.values_list("name", flat=True),
        "Baotou brought 2,333 experts onto the platform in 2023.",
        *CsvImport.objects.values_list("file_name", flat=True),
    ]


def chinese_words(response, data=()) -> set[str]:
    return untranslated_words(response.content.decode(), data=[*data_strings(), *data])


def pages(things) -> list[str]:
    """Every admin page type, with existing objects."""
    urls = ["/admin/", "/admin/preferences/", "/admin/news/", "/admin/password_change/",
            "/admin/password_change/done/"]  # fmt: skip
    urls += [f"/admin/section/{key}/" for key in ("newsroom", "register", "figures", "people")]
    for model, model_admin in admin.site._registry.items():
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
            urls.append(f"/admin/news/article/{article.pk}/revisions/compare/?revision=1&revision=2")
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
