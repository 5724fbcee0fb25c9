"""Sitemaps for search engines: public articles, cities, programmes, tags and the list pages.

Each section lists every address in both languages with `hreflang` alternates; /sitemap.xml is
an index of the sections, which Django splits into pages of `limit` addresses.
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from taggit.models import Tag

from .metadata import last_changed
from .models import Article, City, Metric, MetricValue, Programme


class LocalisedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    #: Items per sitemap page; with both languages that is 5,000 addresses, well under the
    #: protocol's 50,000, and a page renders in about a second without a cache.
    limit = 2500


class ArticleSitemap(LocalisedSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.public()
            .newest_first()
            .only("pk", "slug", "published_at", "created_at", "updated_on", "last_major_update_at")
        )

    def lastmod(self, article):
        return last_changed(article)


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
        return (
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Article),
                taggit_taggeditem_items__object_id__in=Article.objects.public().values("pk"),
            )
            .distinct()
            .order_by("slug")
        )

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
