"""Sitemaps for search engines: public articles, cities, programmes, tags and the list pages.

Each section lists every address in both languages with `hreflang` alternates; /sitemap.xml is
an index of the sections, which Django splits into pages of `limit` addresses. The articles
section is the large one: its pages are written by `article_sitemap()` below, which reads only
the columns an address needs, a range of ids at a time (page N covers ids up to N × 5,000, so
the last page costs what the first does), and writes the XML directly.
"""

import math
from datetime import datetime, time
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from .metadata import last_changed
from .models import Article, City, Metric, MetricValue, Programme

#: Article ids on one page of the articles sitemap: with both languages at most 10,000
#: addresses, a fifth of what the protocol allows, written in a fraction of a second.
ARTICLES_PER_PAGE = 5000
#: The columns an article's address and last change need.
ADDRESS_FIELDS = ("pk", "slug", "published_at", "created_at", "updated_on", "last_major_update_at")


class LocalisedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    #: Items per sitemap page; with both languages that is 5,000 addresses, well under the
    #: protocol's 50,000, and a page renders in about a second without a cache.
    limit = 2500


class ArticleSitemap(LocalisedSitemap):
    """The articles section as the sitemap index sees it: how many pages and the latest change,
    each one aggregate query. Its pages are written by article_sitemap()."""

    changefreq = "weekly"

    @property
    def paginator(self):
        return ArticlePages()

    def get_latest_lastmod(self):
        latest = Article.objects.public().aggregate(
            major=Max("last_major_update_at"),
            published=Max("published_at"),
            updated=Max("updated_on"),
        )
        moments = [latest["major"], latest["published"]]
        if latest["updated"]:
            moments.append(timezone.make_aware(datetime.combine(latest["updated"], time.min)))
        moments = [moment for moment in moments if moment is not None]
        return max(moments) if moments else None


class ArticlePages:
    """The articles sitemap's pages, as the index counts them: one per range of ids."""

    @property
    def num_pages(self) -> int:
        return article_pages()


def article_pages() -> int:
    highest = Article.objects.aggregate(highest=Max("pk"))["highest"] or 0
    return max(1, math.ceil(highest / ARTICLES_PER_PAGE))


def _address_templates() -> dict[str, str]:
    """Each language's article address with `{date}` and `{slug}` to fill in: reversed once per
    page instead of once per address (the URL pattern stays the one source of the address)."""
    templates = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            path = reverse(
                "news:article-detail", kwargs={"year": 1900, "month": 1, "day": 1, "slug": "slug"}
            )
        templates[code] = path.replace("1900/01/01/slug/", "{date}/{slug}/")
    return templates


def article_sitemap(request):
    """/sitemap-articles.xml?p=N: one page of public articles, each address in every language
    with its hreflang alternates and last change."""
    try:
        page = int(request.GET.get("p", "1"))
    except ValueError as error:
        raise Http404("No such sitemap page.") from error
    if not 1 <= page <= article_pages():
        raise Http404("No such sitemap page.")
    first_id = (page - 1) * ARTICLES_PER_PAGE
    articles = (
        Article.objects.public()
        .filter(pk__gt=first_id, pk__lte=first_id + ARTICLES_PER_PAGE)
        .order_by("pk")
        .only(*ADDRESS_FIELDS)
    )
    origin = f"{request.scheme}://{request.get_host()}"
    templates = _address_templates()
    default = settings.LANGUAGE_CODE
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
    ]
    for article in articles:
        day = article.url_date
        date, slug = f"{day.year}/{day.month:02d}/{day.day:02d}", escape(article.slug)
        addresses = {
            code: origin + template.format(date=date, slug=slug)
            for code, template in templates.items()
        }
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang={quoteattr(code)} href={quoteattr(url)}/>'
            for code, url in [*addresses.items(), ("x-default", addresses[default])]
        )
        lastmod = f"<lastmod>{timezone.localdate(last_changed(article)):%Y-%m-%d}</lastmod>"
        for url in addresses.values():
            parts.append(
                f"<url><loc>{url}</loc>{lastmod}<changefreq>{ArticleSitemap.changefreq}</changefreq>{links}</url>"
            )
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


class CitySitemap(LocalisedSitemap):
    changefreq = "weekly"

    def items(self):
        return City.objects.order_by("pk").only("pk", "slug")


class ProgrammeSitemap(LocalisedSitemap):
    changefreq = "monthly"

    def items(self):
        return Programme.objects.order_by("pk").only("pk", "slug")


class TagSitemap(LocalisedSitemap):
    """Tags that at least one public article carries."""

    changefreq = "weekly"

    def items(self):
        return Article.objects.public().carried_tags().order_by("slug")

    def location(self, tag):
        return reverse("news:tag-detail", kwargs={"slug": tag.slug})


class MetricSitemap(LocalisedSitemap):
    """Metrics that have at least one value the public may see."""

    changefreq = "weekly"

    def items(self):
        shown = MetricValue.objects.shown_to_public().values("metric_id")
        return Metric.objects.filter(pk__in=shown).order_by("pk").only("pk", "slug")


class ListPageSitemap(LocalisedSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "news:home",
            "news:article-list",
            "news:designation-list",
            "news:programme-list",
            "news:city-list",
            "news:metric-list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": ListPageSitemap,
    "articles": ArticleSitemap,
    "cities": CitySitemap,
    "programmes": ProgrammeSitemap,
    "tags": TagSitemap,
    "metrics": MetricSitemap,
}
