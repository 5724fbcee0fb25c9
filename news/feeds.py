"""RSS 2.0 and Atom feeds of public articles, each the twin of a filtered news list.

One feed class serves every scope: all news, a kind, a city, a programme, a tag, or any
combination of the news list's filters given in the query string (/news/feed/?kind=policy&city=
baotou is the feed of /news/?kind=policy&city=baotou). Items carry the full sanitised body.
The designations list (/announcements/) has its own twin, a feed of designations with the same
filters. Both share ScopedFeed: the title, link and subtitle of a feed that mirrors a list page.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from .caching import cached
from .forms import ArticleFilterForm, DesignationFilterForm, form_query
from .metadata import last_changed
from .models import Article, City, Designation, Programme
from .models.article_queries import attach_tag_names

#: Items per feed: the newest public articles in scope.
FEED_LENGTH = 30


class FullContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the article body in content:encoded, as feed readers expect."""

    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class FullContentAtomFeed(Atom1Feed):
    content_type = "application/atom+xml; charset=utf-8"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class FeedScope:
    """What a feed covers: the list filters plus the page it mirrors."""

    def __init__(self, *, filters: dict, query: str, page_url: str, label: str, request=None):
        self.filters, self.query, self.page_url, self.label = filters, query, page_url, label
        self.request = request


class ScopedFeed(Feed):
    """A feed that mirrors a (filtered) list page: `get_object()` returns its FeedScope, and the
    title names the scope ("cityinno news: Baotou, 2023")."""

    #: Titles with %(site)s, and %(scope)s for a narrowed feed.
    title_everything = ""
    title_scoped = ""

    def title(self, scope):
        if scope.label:
            return self.title_scoped % {"site": settings.SITE_NAME, "scope": scope.label}
        return self.title_everything % {"site": settings.SITE_NAME}

    def link(self, scope):
        return scope.page_url

    def subtitle(self, scope):
        """Atom's subtitle; RSS uses the description."""
        return self.description(scope)


class ArticleRssFeed(ScopedFeed):
    feed_type = FullContentRssFeed
    title_everything = gettext_lazy("%(site)s news")
    title_scoped = gettext_lazy("%(site)s news: %(scope)s")

    def get_object(self, request, scope=None, slug=None):
        form = ArticleFilterForm(request.GET)
        if not form.is_valid():
            raise Http404("Unknown feed filter.")
        filters = form.filters()
        labels = []
        page_url = reverse("news:article-list")
        if scope == "city":
            city = get_object_or_404(City, slug=slug)
            filters["city"], page_url = city, city.get_absolute_url()
        elif scope == "programme":
            programme = get_object_or_404(Programme, slug=slug)
            filters["programme"], page_url = programme, programme.get_absolute_url()
        elif scope == "tag":
            tag = get_object_or_404(Tag, slug=slug)
            filters["tag"], page_url = tag, reverse("news:tag-detail", kwargs={"slug": tag.slug})
        if filters.get("kind"):
            labels.append(str(Article.Kind(filters["kind"]).label))
        for name in ("city", "programme", "tag"):
            value = filters.get(name)
            if value is not None:
                labels.append(value.display_name if name == "city" else value.name)
        if filters.get("year"):
            labels.append(str(filters["year"]))
        query = form_query(form) if scope is None else ""
        if query:
            page_url = f"{page_url}?{query}"
        return FeedScope(
            filters=filters, query=query, page_url=page_url, label=", ".join(labels),
            request=request,
        )  # fmt: skip

    def description(self, scope):
        return _("The newest public articles from city innovation news, with their full text.")

    def items(self, scope):
        """The newest articles in scope with their cities and tag names, read once per content
        generation (feed readers poll the same few feeds all day)."""

        def read():
            articles = list(
                Article.objects.public()
                .filtered(**scope.filters)
                .newest_first()
                .with_listing_data()[:FEED_LENGTH]
            )
            attach_tag_names(articles)
            return articles

        return cached(scope.request, "feed-items", scope.request.get_full_path(), build=read)

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary or article.title

    def item_link(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return last_changed(article)

    def item_author_name(self, article):
        if article.byline:
            return article.byline
        if article.author:
            return article.author.get_full_name() or article.author.get_username()
        return None

    def item_categories(self, article):
        return [
            str(article.get_kind_display()),
            *(city.display_name for city in article.cities.all()),
            *article.tag_names,
        ]

    def item_extra_kwargs(self, article):
        return {"content": article.body}


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = FullContentAtomFeed


class DesignationRssFeed(ScopedFeed):
    """Designations, newest announcement first: the twin of /announcements/ and its filters
    (/announcements/feed/?programme=…&status=approved mirrors the same page)."""

    feed_type = Rss201rev2Feed
    title_everything = gettext_lazy("%(site)s announcements")
    title_scoped = gettext_lazy("%(site)s announcements: %(scope)s")

    def get_object(self, request):
        form = DesignationFilterForm(request.GET)
        if not form.is_valid():
            raise Http404("Unknown feed filter.")
        filters = form.filters()
        labels = [
            str(value)
            for value in (
                filters.get("programme") and filters["programme"].name,
                filters.get("status") and Designation.Status(filters["status"]).label,
                filters.get("province"),
                filters.get("year"),
            )
            if value
        ]
        query = form_query(form)
        page_url = reverse("news:designation-list") + (f"?{query}" if query else "")
        return FeedScope(filters=filters, query=query, page_url=page_url, label=", ".join(labels))

    def description(self, scope):
        return _("Cities' standing in national and regional innovation programmes, newest first.")

    def items(self, scope):
        return (
            Designation.objects.filtered(**scope.filters)
            .with_listing_data()
            .newest_first()[:FEED_LENGTH]
        )

    def item_title(self, designation):
        return _("%(city)s: %(status)s in %(programme)s") % {
            "city": designation.city.display_name,
            "status": designation.get_status_display(),
            "programme": designation.programme.name,
        }

    def item_description(self, designation):
        return _("%(city)s (%(province)s) announced as %(status)s on %(date)s.") % {
            "city": designation.city.display_name,
            "province": designation.city.province,
            "status": designation.get_status_display().lower(),
            "date": designation.announced_on.isoformat(),
        }

    def item_link(self, designation):
        """The announcing article when the public may read it, else the programme page."""
        if designation.source_is_public:
            return designation.source_article.get_absolute_url()
        return designation.programme.get_absolute_url()

    def item_guid(self, designation):
        return f"designation-{designation.pk}-{designation.status}"

    item_guid_is_permalink = False

    def item_pubdate(self, designation):
        return timezone.make_aware(datetime.combine(designation.announced_on, time(9, 0)))

    def item_updateddate(self, designation):
        return self.item_pubdate(designation)

    def item_categories(self, designation):
        return [
            designation.programme.name,
            designation.get_status_display(),
            designation.city.province,
        ]


class DesignationAtomFeed(DesignationRssFeed):
    feed_type = Atom1Feed
