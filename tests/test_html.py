"""Every public page is well-formed HTML with the basics of accessibility in place."""

from collections import Counter

import html5lib
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/1999/xhtml}"
PAGES = [
    "/", "/news/", "/news/?kind=policy", "/news/?year=abc", "/announcements/", "/programmes/",
    "/programmes/innovation-driven-demonstration-cities-2023-2025/", "/cities/",
    "/cities/baotou/", "/tags/innovation-driven/", "/no-such-page/",
    "/news/2023/07/04/baotou-innovation-driven-demonstration-city/",
]  # fmt: skip


@pytest.fixture
def demo_site():
    call_command("load_demo")


def parse(html: str):
    """Parse strictly: any HTML5 parse error (bad nesting, stray end tag…) raises."""
    return html5lib.HTMLParser(strict=True).parse(html)


@pytest.mark.parametrize("url", PAGES)
def test_page_is_valid_and_accessible(client, demo_site, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html")
    document = parse(response.content.decode())
    root = document
    assert root.get("lang"), "the page declares its language"
    ids = Counter(element.get("id") for element in root.iter() if element.get("id"))
    assert [name for name, count in ids.items() if count > 1] == [], "ids are unique"
    assert len(root.findall(f".//{NS}main")) == 1, "one main landmark"
    assert root.find(f".//{NS}header") is not None and root.find(f".//{NS}footer") is not None
    assert len(root.findall(f".//{NS}h1")) == 1, "exactly one h1"
    skip_link = root.find(f".//{NS}a[@class='skip-link']")
    assert skip_link is not None and skip_link.get("href") == "#main"
    for image in root.iter(f"{NS}img"):
        assert image.get("alt"), f"image {image.get('src')} has alt text"
    labelled = {label.get("for") for label in root.iter(f"{NS}label")}
    for tag in ("input", "select", "textarea"):
        for control in root.iter(f"{NS}{tag}"):
            if control.get("type") in {"hidden", "submit"}:
                continue
            assert control.get("id") in labelled or control.get("aria-label"), control.get("name")
    for reference in ("aria-labelledby",):
        for element in root.iter():
            if element.get(reference):
                assert element.get(reference) in ids, f"{reference} points at an id"
    for table in root.iter(f"{NS}table"):
        assert table.find(f"{NS}caption") is not None, "tables have a caption"
        assert table.find(f".//{NS}th") is not None, "tables have header cells"


def test_strict_parser_rejects_broken_markup():
    with pytest.raises(html5lib.html5parser.ParseError):
        parse("<!DOCTYPE html><html lang=en><body><p><div></span></body></html>")


def test_pages_work_without_javascript(client, demo_site):
    """No page depends on a script: only machine-readable data blocks are allowed."""
    for url in PAGES:
        root = parse(client.get(url).content.decode())
        for script in root.iter(f"{NS}script"):
            assert script.get("type") == "application/ld+json", url
