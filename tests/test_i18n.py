"""The interface in English and Simplified Chinese: every page, every string, both catalogues."""

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest

from news.models import Article
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Latin words allowed on a Chinese page: the site's name, feed formats, the switcher's "English",
#: the search operator OR, and "gossip", which the visitor typed into a filter and the error
#: message quotes back.
ALLOWED_LATIN = {"cityinno", "RSS", "Atom", "English", "OR", "gossip", "CSV", "JSON"}
#: Attributes whose text a visitor (or a screen reader) meets.
READABLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
#: Inputs whose value is a button's label.
BUTTON_TYPES = {"submit", "button", "reset"}


@pytest.fixture
def chinese_content():
    """Content written only in Chinese, so any Latin word left on a Chinese page is interface."""
    city = CityFactory(name="", name_zh="包头市", province="内蒙古自治区", summary="黄河边的城市。",
                       division_code="150200")  # fmt: skip
    other = CityFactory(name="", name_zh="呼和浩特市", province="内蒙古自治区")
    programme = ProgrammeFactory(name="创新驱动示范市", issuing_body="中国科协",
                                 description="建设创新驱动示范市。")  # fmt: skip
    article = ArticleFactory(
        title="包头入选创新驱动示范市",
        summary="全国三十九个地区获批。",
        body="<p>平台专家二千三百余人。</p>",
        byline="本站记者",
        published_at=datetime(2023, 7, 4, 9, tzinfo=SHANGHAI),
        updated_on=date(2023, 7, 4),
        cities=[city],
        programmes=[programme],
        tags=["创新"],
        is_featured=True,
    )
    ArticleFactory(title="呼和浩特发布人才政策", summary="面向青年工程师。", body="<p>政策全文。</p>",
                   kind=Article.Kind.POLICY, cities=[other], tags=["创新"], byline="本站记者",
                   published_at=datetime(2023, 8, 1, 9, tzinfo=SHANGHAI))  # fmt: skip
    ArticleFactory(title="包头学术活动", summary="十七场学术活动。", body="<p>内容。</p>",
                   cities=[city], byline="本站记者",
                   published_at=datetime(2023, 6, 1, 9, tzinfo=SHANGHAI))  # fmt: skip
    metric = MetricFactory(name="平台专家人数", unit="人")
    MetricValueFactory(metric=metric, city=city, value=Decimal("2333"), source_article=article)
    DesignationFactory(programme=programme, city=city, source_article=article)
    DesignationFactory(programme=programme, city=other, status="demonstration")
    city.is_featured = True
    city.save()
    return article


class VisibleText(HTMLParser):
    """Text a visitor reads: text nodes outside <script>/<style> and readable attributes."""

    def __init__(self):
        super().__init__()
        self.chunks, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value:
                self.chunks.append(value)
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") == "description":
            self.chunks.append(attributes.get("content", ""))
        if tag == "input" and attributes.get("type") in BUTTON_TYPES:
            self.chunks.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def untranslated_words(html: str, data: Iterable[str] = ()) -> set[str]:
    """Latin words a reader sees, except ALLOWED_LATIN and the `data` strings (names, titles
    and other content on the page, taken out whole before the words are counted)."""
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.chunks)
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, " ")
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    return words - ALLOWED_LATIN


def public_urls(article) -> list[tuple[str, int]]:
    city = article.cities.get()
    programme = article.programmes.get()
    return [
        ("/", 200),
        ("/news/", 200),
        ("/news/?kind=policy&page=1", 200),
        ("/news/?kind=gossip", 400),
        ("/news/?kind=feature", 200),
        (article.get_absolute_url(), 200),
        ("/announcements/", 200),
        ("/programmes/", 200),
        (programme.get_absolute_url(), 200),
        ("/cities/", 200),
        (city.get_absolute_url(), 200),
        ("/tags/创新/", 200),
        ("/metrics/", 200),
        (article.figures.get().metric.get_absolute_url(), 200),
        ("/search/", 200),
        ("/search/?q=包头", 200),
        ("/search/?q=不存在的词", 200),
        ("/search/?q=包头&year=abc", 400),
        ("/no-such-page/", 404),
    ]


def test_every_public_page_renders_in_english_and_chinese(client, chinese_content):
    for url, status in public_urls(chinese_content):
        english = client.get(url)
        chinese = client.get(f"/zh-hans{url}")
        assert english.status_code == status, url
        assert chinese.status_code == status, url
        assert '<html lang="en">' in english.content.decode(), url
        assert '<html lang="zh-hans">' in chinese.content.decode(), url


def test_chinese_pages_have_no_untranslated_interface_strings(client, chinese_content):
    for url, _status in public_urls(chinese_content):
        words = untranslated_words(client.get(f"/zh-hans{url}").content.decode())
        assert not words, f"/zh-hans{url} shows untranslated words: {sorted(words)}"


def test_the_check_would_catch_english_interface_text(client, chinese_content):
    assert {"News", "Cities"} <= untranslated_words(client.get("/").content.decode())


def test_language_switcher_keeps_the_page_and_its_filters(client, chinese_content):
    html = client.get("/zh-hans/news/?kind=policy&utm_source=x").content.decode()
    assert 'href="/news/?kind=policy" hreflang="en" lang="en">English</a>' in html
    html = client.get("/news/?kind=policy").content.decode()
    assert (
        'href="/zh-hans/news/?kind=policy" hreflang="zh-hans" lang="zh-hans">简体中文</a>' in html
    )


def test_language_switcher_keeps_a_search(client, chinese_content):
    html = client.get("/search/", {"q": "包头", "utm_medium": "x"}).content.decode()
    assert 'href="/zh-hans/search/?q=%E5%8C%85%E5%A4%B4" hreflang="zh-hans"' in html


def test_english_stays_unprefixed_and_chinese_links_stay_chinese(client, chinese_content):
    html = client.get("/zh-hans/").content.decode()
    assert 'href="/zh-hans/news/"' in html and 'href="/zh-hans/cities/"' in html
    assert client.get("/en/news/").status_code == 404  # one address per page and language


def test_city_names_follow_the_visitors_language(client):
    CityFactory(name="Baotou", name_zh="包头市", slug="baotou")
    english = client.get("/cities/baotou/").content.decode()
    chinese = client.get("/zh-hans/cities/baotou/").content.decode()
    assert '<h1>Baotou <span lang="zh-Hans" class="alt-name">包头市</span></h1>' in english
    assert '<h1>包头市 <span lang="en" class="alt-name">Baotou</span></h1>' in chinese


def test_dates_follow_the_language_and_times_are_china_standard_time(client, chinese_content):
    url = chinese_content.get_absolute_url()
    english = client.get(url).content.decode()
    chinese = client.get(f"/zh-hans{url}").content.decode()
    assert "2023-07-04 09:00 CST" in english  # the newsroom prints ISO dates in English
    assert "2023年7月4日 09:00 北京时间" in chinese


def test_po_file_has_no_empty_or_fuzzy_translations():
    catalogue = polib.pofile(str(PO_PATH))
    assert len(catalogue) > 100
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_compiled_mo_agrees_with_the_po_source():
    """The committed .mo is what Django reads; it must say exactly what the reviewed .po says."""

    def messages(catalogue):
        return {
            (entry.msgctxt, entry.msgid): (entry.msgstr, dict(entry.msgstr_plural))
            for entry in catalogue
            if not entry.obsolete
        }

    assert messages(polib.mofile(str(MO_PATH))) == messages(polib.pofile(str(PO_PATH)))


TRANSLATE_TAG = re.compile(r"{%\s*(?:translate|trans)\s+\"([^\"]+)\"")


def test_every_template_translate_string_is_in_the_catalogue():
    """Catches a template string added without running makemessages (see README, Languages)."""
    msgids = {entry.msgid for entry in polib.pofile(str(PO_PATH))}
    missing = {
        (template.name, text)
        for template in (ROOT / "templates").rglob("*.html")
        for text in TRANSLATE_TAG.findall(template.read_text(encoding="utf-8"))
        if text not in msgids
    }
    assert not missing
