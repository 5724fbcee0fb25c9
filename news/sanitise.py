"""HTML in and out: the allow-list every stored body passes through, plain text from HTML, and
JSON that is safe inside a <script> element. One spelling of each, for the whole project."""

import json
import re
from html import unescape

import nh3
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags

from .images import stored_name

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "data-image-id"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
#: An <img> left without a source or a library id after filtering (nh3's output is normalised,
#: so this is safe).
IMAGE_NOT_FROM_LIBRARY = re.compile(
    r"<img(?![^>]*\ssrc=)[^>]*>|<img(?![^>]*\sdata-image-id=)[^>]*>"
)


def _only_our_images(tag: str, attribute: str, value: str) -> str | None:
    # Body images come only from the media library: no tracking pixels, no hot-linking. The page
    # prints the library's own addresses for the id (news.images.responsive_body_images).
    if tag == "img" and attribute == "src" and stored_name(value) is None:
        return None
    if tag == "img" and attribute in {"width", "height", "data-image-id"} and not value.isdigit():
        return None
    return value


def sanitise_html(html: str) -> str:
    """Return `html` reduced to the allow-list: no scripts, handlers, styles or unsafe URLs,
    and images only from the media library."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_our_images,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return IMAGE_NOT_FROM_LIBRARY.sub("", cleaned)


#: Elements that end a line of text: paragraphs, list items, headings, table cells, breaks.
_BLOCK_TAG = re.compile(r"(?i)</?(p|li|ul|ol|h[1-6]|br|div|blockquote|tr|td|th)\b[^>]*>")


def plain_text(html: str, *, keep_blocks: bool = False) -> str:
    """The text of an HTML fragment, entities decoded and white space folded.

    With `keep_blocks`, each block element becomes a paragraph break ("\n\n"), so callers that
    read sentences or compare lines (figure suggestions, revision diffs) see the structure.
    """
    html = html or ""
    if not keep_blocks:
        return " ".join(unescape(strip_tags(html)).split())
    text = unescape(strip_tags(_BLOCK_TAG.sub("\n\n", html)))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()


#: Characters that could end a <script> element or open markup, escaped inside JSON strings.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_for_script(data, *, indent: int | None = None) -> str:
    """`data` as JSON that cannot close or open markup, for <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, cls=DjangoJSONEncoder)
    return text.translate(_SCRIPT_ESCAPES)
