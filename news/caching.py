"""HTTP caching of the public site: one content generation, validators from it, 304s for free.

Every service that changes what readers see calls `content_changed()` inside its transaction;
the arrival of a scheduled publish or expiry time moves the generation too, the first time a
request notices it. A public page's ETag is its address under the current generation, so a
conditional GET is answered 304 after one primary-key query, without running the view.

Only views marked with `@public_cache` are cached, and only for anonymous readers (no session
or messages cookie): anything that sets a cookie, the admin, previews and staff pages are
`private, no-store`. Fragments that take work to build are cached under the generation
(`cached()` in code, `{% cache … content_token %}` in templates), so nothing cached outlives a
change, on any app server (with REDIS_URL, the cache itself is shared too).
"""

import hashlib
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from news.models import Article, PublicationState

STATE_PK = 1
#: How long a cached fragment may stay in the cache (a new generation makes it unused anyway).
CACHED_FOR = 24 * 3600
#: Cookies that make a request private: a signed-in session, or messages waiting to be shown.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def next_boundary(now: datetime) -> datetime | None:
    """The next moment the public site changes by itself: a scheduled publish or an expiry."""
    live = Q(status__in=[Article.Status.PUBLISHED, Article.Status.WITHDRAWN])
    times = [
        Article.objects.filter(live, published_at__gt=now).aggregate(at=Min("published_at"))["at"],
        Article.objects.filter(live, expires_at__gt=now).aggregate(at=Min("expires_at"))["at"],
    ]
    times = [moment for moment in times if moment is not None]
    return min(times) if times else None


def content_changed() -> None:
    """Move the content generation on; call it in the transaction that changed public content."""
    now = timezone.now()
    updated = PublicationState.objects.filter(pk=STATE_PK).update(
        generation=F("generation") + 1, changed_at=now, next_boundary_at=next_boundary(now)
    )
    if not updated:
        PublicationState.objects.create(
            pk=STATE_PK, changed_at=now, next_boundary_at=next_boundary(now)
        )


def current_state() -> PublicationState:
    """The content generation now (one query), moved on first if a scheduled time has come."""
    state = PublicationState.objects.filter(pk=STATE_PK).first()
    if state is None:
        state, _ = PublicationState.objects.get_or_create(pk=STATE_PK)
    now = timezone.now()
    if state.next_boundary_at is not None and state.next_boundary_at <= now:
        # Only one request moves it on; the others read the row it wrote.
        PublicationState.objects.filter(pk=STATE_PK, generation=state.generation).update(
            generation=F("generation") + 1, changed_at=now, next_boundary_at=next_boundary(now)
        )
        state = PublicationState.objects.get(pk=STATE_PK)
    return state


def state_for(request) -> PublicationState:
    """The content generation this request works with, read at most once per request."""
    state = getattr(request, "content_state", None)
    if state is None:
        state = request.content_state = current_state()
    return state


def generation_key(request, name: str, *parts) -> str:
    """A cache key for something built from public content: it changes with the generation,
    so whatever any app server cached before a change is never used after it."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()[:16]
    return f"{name}:{state_for(request).token}:{digest}"


def cached(request, name: str, *parts, build):
    """`build()`, computed once per content generation (and `parts`) for every app server."""
    key = generation_key(request, name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=CACHED_FOR)
    return value


def public_cache(view):
    """Mark a view whose anonymous GET responses may be cached by browsers and proxies."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.public_cache = True
    return wrapped


def _is_anonymous_read(request) -> bool:
    return request.method in {"GET", "HEAD"} and not any(
        name in request.COOKIES for name in PRIVATE_COOKIES
    )


def _etag(state: PublicationState, request) -> str:
    address = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.sha1(address.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return quote_etag(f"{state.token}-{digest}")


def _max_age(state: PublicationState) -> int:
    """The configured lifetime, shortened so no cached copy outlives a scheduled change."""
    max_age = settings.HTTP_CACHE_MAX_AGE
    if state.next_boundary_at is not None:
        until = (state.next_boundary_at - timezone.now()).total_seconds()
        max_age = max(0, min(max_age, int(until)))
    return max_age


def _drop_language_vary(request, response) -> None:
    """A page of the news site is in the language its address names (/zh-hans/…, or English
    without a prefix), whatever the browser asks for; LocaleMiddleware still adds `Vary:
    Accept-Language` to unprefixed addresses, which would make a shared cache keep one copy per
    browser language. Remove it there (the sitemaps and robots.txt keep it)."""
    match = request.resolver_match
    if match is None or match.namespace != "news" or not response.has_header("Vary"):
        return
    kept = [
        header.strip()
        for header in response["Vary"].split(",")
        if header.strip() and header.strip().lower() != "accept-language"
    ]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


class HttpCacheMiddleware:
    """Conditional GETs and Cache-Control for the public site (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.http_cache = None
        response = self.get_response(request)
        cache = request.http_cache
        if cache is not None and response.status_code == 200 and not response.cookies:
            state, etag = cache
            response.headers.setdefault("ETag", etag)
            response["Last-Modified"] = http_date(state.changed_at.timestamp())
            patch_cache_control(
                response,
                public=True,
                max_age=_max_age(state),
                stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
            )
            _drop_language_vary(request, response)
        elif cache is not None or not response.has_header("Cache-Control"):
            # Staff, previews, the admin, forms with a CSRF token, messages: never stored.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "public_cache", False) or not _is_anonymous_read(request):
            return None
        state = state_for(request)
        etag = _etag(state, request)
        request.http_cache = (state, etag)
        last_modified = int(state.changed_at.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is not None:  # 304 Not Modified (or 412): the view never runs
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            patch_cache_control(
                response,
                public=True,
                max_age=_max_age(state),
                stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
            )
            request.http_cache = None
        return response
