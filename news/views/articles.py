"""Article pages: home, the news list, an article (its staff preview, and the preview of an edit
form's unsaved values), a tag's articles."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from taggit.models import Tag

from news.caching import cached
from news.forms import ArticleFilterForm
from news.images import image_ids_in
from news.metadata import article_structured_data, breadcrumb_structured_data
from news.models import Article, ArticleRedirect, City, Image, MetricValue
from news.pagination import CachedCountMixin
from news.sanitise import sanitise_html

from .lists import FilteredListView, feed_links, lazy

NEWS_PAGE_SIZE = 20
HOME_LIST_LENGTH = 5
HOME_FEATURED_CITIES = 6
HOME_HEADLINE_FIGURES = 4
RELATED_LENGTH = 5


def home(request):
    public = Article.objects.public().newest_first().with_listing_data()
    context = {
        "latest_news": public.filter(kind=Article.Kind.NEWS)[:HOME_LIST_LENGTH],
        "latest_announcements": public.filter(kind=Article.Kind.ANNOUNCEMENT)[:HOME_LIST_LENGTH],
        "featured_articles": public.filter(is_featured=True)[:1],
        "featured_cities": City.objects.filter(is_featured=True).order_by("name")[
            :HOME_FEATURED_CITIES
        ],
        "headline_figures": MetricValue.objects.headline_figures()[:HOME_HEADLINE_FIGURES],
        "feeds": feed_links(),
    }
    return render(request, "news/home.html", context)


class ArticleListView(FilteredListView):
    """/news/: newest first, filtered by any combination of kind, city, programme, tag, year."""

    model = Article
    filter_form_class = ArticleFilterForm
    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = NEWS_PAGE_SIZE

    def filtered_queryset(self, filters):
        return Article.objects.public().filtered(**filters).newest_first().with_listing_data()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = context["active_filters"].get("kind")
        context.update(
            heading=Article.Kind(kind).label if kind else _("News"),
            feeds=feed_links(query=context["feed_query"]),
        )
        return context


def reachable_article(slug: str) -> dict:
    """The article at `slug` that answers at its own address (or None), with its cities."""
    article = Article.objects.reachable().with_detail_data().filter(slug=slug).first()
    cities = list(article.cities.order_by("name")) if article else []
    return {"article": article, "cities": cities}


def article_detail(request, year: int, month: int, day: int, slug: str):
    """A public article, or a withdrawn one with its notice; old addresses answer with a 301.

    The article and its cities are read once per content generation (a change to any article
    or a scheduled time arriving starts a new one), the rest of the page is a cached fragment.
    """
    found = cached(request, "article", slug, build=lambda: reachable_article(slug))
    article = found["article"]
    if article is None:
        moved = ArticleRedirect.objects.filter(
            old_path=request.path, article__in=Article.objects.reachable()
        ).select_related("article")
        if moved := moved.first():
            return redirect(moved.article, permanent=True)
        raise Http404("No article at this address.")
    if (year, month, day) != (article.url_date.year, article.url_date.month, article.url_date.day):
        return redirect(article, permanent=True)
    context = article_context(request, article, cities=found["cities"])
    return render(request, "news/article_detail.html", context)


@never_cache
def article_preview(request, pk: int):
    """Staff see any article as the public would, marked as a preview; everyone else a 404."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404("No article at this address.")
    article = get_object_or_404(Article.objects.with_detail_data(), pk=pk)
    if not request.user.has_perm("news.view_article"):
        raise Http404("No article at this address.")
    return preview_response(request, "news/article_detail.html", article_context(request, article))


def unsaved_preview(request, article: Article, *, cities, programmes, tags) -> HttpResponse:
    """The public article page drawn from an edit form's values (`article` is not saved and
    must not be): the body sanitised as a save would, nothing read from or written to the
    page caches, marked as a preview of unsaved changes."""
    article.body = sanitise_html(article.body)
    context = article_context(
        request, article, cities=cities, programmes=programmes, tags=tags, unsaved=True
    )
    return preview_response(
        request, "news/article_preview_unsaved.html", {**context, "is_unsaved_preview": True}
    )


def preview_response(request, template: str, context: dict, *, status: int = 200):
    """A preview page: for staff only, never stored by a cache, never indexed."""
    response = render(request, template, {**context, "is_preview": True}, status=status)
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def article_context(
    request, article: Article, *, cities=None, programmes=None, tags=None, unsaved=False
) -> dict:
    """What the article page shows. The head needs the article, its cities and tags; the rest
    is given as querysets and callables the template evaluates only when its cached fragment
    (keyed by the content generation) has to be drawn again.

    `unsaved` is an edit form's preview: cities, programmes and tags come from the form, and
    nothing is read from or written to the caches (they hold the saved article)."""
    list_url = reverse("news:article-list")
    is_news = article.kind == Article.Kind.NEWS
    section_label = _("News") if is_news else article.get_kind_display()
    section_url = list_url if is_news else f"{list_url}?{urlencode({'kind': article.kind})}"
    if cities is None:
        cities = list(article.cities.order_by("name"))
    if programmes is None:
        programmes = lazy(lambda: list(article.programmes.order_by("name")))
    if tags is None:
        tags = lazy(lambda: list(article.tags.all()))
    public = Article.objects.public()

    def related_articles():
        related = public.related_to(article, cities=cities, programmes=programmes, tags=tags)
        return list(related.newest_first().with_listing_data()[:RELATED_LENGTH])

    def structured_data():
        return [
            article_structured_data(request, article, cities=cities),
            breadcrumb_structured_data(
                request, [(section_label, section_url), (article.title, article.get_absolute_url())]
            ),
        ]

    # A draft in preview has no publish time, so no place among its kind yet.
    placed = article.published_at is not None
    return {
        "article": article,
        "section_label": section_label,
        "section_url": section_url,
        "cities": cities,
        "programmes": programmes,
        "tags": tags,
        "figures": article.figures.with_listing_data().in_display_order(),
        "change_notes": article.change_notes.all(),
        # Only a body that shows images needs the library's rows for them.
        "body_images": Image.objects.filter(pk__in=image_ids_in(article.body))
        if "<img" in article.body
        else (),
        "related_articles": lazy(related_articles),
        "previous_article": lazy(lambda: public.previous_of_kind(article) if placed else None),
        "next_article": lazy(lambda: public.next_of_kind(article) if placed else None),
        "feeds": feed_links(query=urlencode({"kind": article.kind})),
        # The head's JSON-LD, built once per generation, address and language.
        "structured_data": structured_data()
        if unsaved
        else cached(
            request,
            "article-json-ld",
            article.pk,
            request.get_host(),
            get_language(),
            build=structured_data,
        ),
    }


class TagDetailView(CachedCountMixin, ListView):
    template_name = "news/tag_detail.html"
    context_object_name = "articles"
    paginate_by = NEWS_PAGE_SIZE

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.public().filtered(tag=self.tag).newest_first().with_listing_data()

    def count_key(self) -> tuple:
        return ("tag", self.tag.pk)

    def get_context_data(self, **kwargs):
        feeds = feed_links("tag", slug=self.tag.slug)
        return super().get_context_data(tag=self.tag, feeds=feeds, **kwargs)
