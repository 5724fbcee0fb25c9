"""Values every template needs: the site name, the canonical URL, the page in each language,
and the content generation's token that keys cached fragments ({% cache … content_token %}).

These run for the error pages too, so nothing here may fail on a request that was refused: a
disallowed Host (DisallowedHost) or an unreadable query string (TooManyFieldsSent) is answered
with the 400 page, and that page must not raise the same error again (it would become a 500).
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.urls import translate_url
from django.utils.encoding import iri_to_uri
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .caching import state_for
from .metadata import canonical_query


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        **page_links(request),
        "content_token": SimpleLazyObject(lambda: state_for(request).token),
    }


def page_links(request) -> dict:
    """`canonical_url` and `language_alternates` (this page in every interface language, for
    hreflang links and the language switcher), with the page's meaningful query string.

    Without an allowed host the links are paths on this site; without a readable query string
    they leave it out. A path that looks scheme-relative (`//host/…`) is written with one
    leading slash: as it came, a link to it would lead to another host (and
    `build_absolute_uri()` raises on `//[x`). No page answers at such a path anyway.
    """
    page_path = "/" + request.path.lstrip("/")
    try:
        query = canonical_query(request)
    except SuspiciousOperation:
        query = ""
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        origin = ""
    suffix = f"?{query}" if query else ""
    current = get_language()
    alternates = []
    for code, name in settings.LANGUAGES:
        path = _translated(page_path, code)
        alternates.append(
            {
                "code": code,
                "name": name,
                "path": path + suffix,
                "url": origin + iri_to_uri(path) + suffix,
                "is_current": code == current,
            }
        )
    return {
        "canonical_url": origin + iri_to_uri(page_path) + suffix,
        "language_alternates": alternates,
    }


def _translated(path: str, language: str) -> str:
    """`path` in `language`, or `path` itself when no page of the site answers at it."""
    try:
        return translate_url(path, language)
    except ValueError:  # not even a URL (`//[x/`): no page, so no translation either
        return path
