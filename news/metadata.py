"""Page metadata for search engines and link previews: canonical URLs, hreflang, JSON-LD."""

from datetime import datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .images import share_image_url

#: Query parameters that change what a page shows; anything else (utm_*, fbclid, …) is noise.
MEANINGFUL_PARAMETERS = ("q", "kind", "city", "programme", "tag", "year", "page")


def last_changed(article) -> datetime:
    """An article's last editorial change, as feeds, sitemaps and JSON-LD report it: its last
    major change (minor changes keep the date), or its "Updated" date if an editor set it later."""
    moment = article.updated_at
    if article.updated_on:
        updated = timezone.make_aware(datetime.combine(article.updated_on, time.min))
        moment = max(moment, updated) if moment else updated
    return moment


def canonical_query(request) -> str:
    """The page's meaningful query string: filters and a page number above one, nothing else."""
    kept = []
    for name in MEANINGFUL_PARAMETERS:
        value = request.GET.get(name, "").strip()
        if value and not (name == "page" and value == "1"):
            kept.append((name, value))
    return urlencode(kept)


def _publisher(request) -> dict:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("news:home")),
    }


def article_structured_data(request, article, *, cities) -> dict:
    """schema.org NewsArticle for an article page."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.seo_description or article.summary,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "datePublished": localtime(article.published_at).isoformat(),
        "dateModified": localtime(last_changed(article)).isoformat(),
        "publisher": _publisher(request),
        "author": _author(request, article),
        "articleSection": str(article.get_kind_display()),
        "keywords": [tag.name for tag in article.tags.all()],
        "about": [city_reference(request, city) for city in cities],
    }
    if article.hero:
        data["image"] = [
            request.build_absolute_uri(share_image_url(article.hero.file, article.hero.renditions))
        ]
    return data


def _author(request, article) -> dict:
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    if article.author and article.author.get_full_name():
        return {"@type": "Person", "name": article.author.get_full_name()}
    return _publisher(request)


def city_reference(request, city) -> dict:
    data = {
        "@type": "City",
        "name": city.name or city.name_zh,
        "url": request.build_absolute_uri(city.get_absolute_url()),
    }
    if city.name and city.name_zh:
        data["alternateName"] = city.name_zh
    return data


def city_structured_data(request, city) -> dict:
    """schema.org City (a Place) with its Chinese name as an alternate name."""
    data = {"@context": "https://schema.org", **city_reference(request, city)}
    if city.summary:
        data["description"] = city.summary
    if city.province:
        data["containedInPlace"] = {"@type": "AdministrativeArea", "name": city.province}
    if city.division_code:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "GB/T 2260",
            "value": city.division_code,
        }
    if city.image:
        data["image"] = request.build_absolute_uri(
            share_image_url(city.image, city.image_renditions)
        )
    return data


def breadcrumb_structured_data(request, trail: list[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList from (name, path) pairs, home first."""
    items = [(_("Home"), reverse("news:home")), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(items, start=1)
        ],
    }
