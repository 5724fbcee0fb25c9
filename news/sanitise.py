"""The allow-list that every stored article body passes through, whatever the editor sent."""

import re

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
#: Body images come only from our own uploads (BodyImage): no tracking pixels, no hot-linking.
BODY_IMAGE_PATH = re.compile(r"[A-Za-z0-9._/-]+")
#: An <img> left without a source after filtering (nh3's output is normalised, so this is safe).
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _only_our_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        prefix = f"{settings.MEDIA_URL}articles/body/"
        path = value.removeprefix(prefix)
        if path == value or ".." in path or not BODY_IMAGE_PATH.fullmatch(path):
            return None
    if tag == "img" and attribute in {"width", "height"} and not value.isdigit():
        return None
    return value


def sanitise_html(html: str) -> str:
    """Return `html` reduced to the allow-list: no scripts, handlers, styles or unsafe URLs,
    and images only from the article images uploaded to this site."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_our_images,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return IMAGE_WITHOUT_SOURCE.sub("", cleaned)
