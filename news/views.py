"""Public pages: thin views that parse input, ask a queryset, and render."""

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .feeds import form_query
from .forms import ArticleFilterForm, SearchForm
from .metadata import (
    article_structured_data,
    breadcrumb_structured_data,
    city_structured_data,
)
from .models import Article, City, Designation, MetricValue, Programme
from .search import parse_query, search_articles, snippets_for, suggest_spelling

NEWS_PAGE_SIZE = 20
ANNOUNCEMENTS_PAGE_SIZE = 50
HOME_LIST_LENGTH = 5
HOME_FEATURED_CITIES = 6
HOME_HEADLINE_FIGURES = 4
SEARCH_PAGE_SIZE = 20
SEARCH_MAX_CITIES = 10
RELATED_LENGTH = 5

#: The order designation statuses are listed in on a programme page.
STATUS_ORDER = [
    Designation.Status.DEMONSTRATION,
    Designation.Status.APPROVED,
    Designation.Status.PILOT,
    Designation.Status.REVOKED,
]


def feed_links(scope: str = "", *, slug: str = "", query: str = "") -> dict:
    """The RSS and Atom twins of a page, for autodiscovery links and the subscribe line."""
    prefix = f"{scope}-" if scope else ""
    kwargs = {"slug": slug} if slug else None
    suffix = f"?{query}" if query else ""
    return {
        "rss": reverse(f"news:{prefix}feed-rss", kwargs=kwargs) + suffix,
        "atom": reverse(f"news:{prefix}feed-atom", kwargs=kwargs) + suffix,
    }


def home(request):
    public = Article.objects.public().newest_first().with_listing_data()
    context = {
        "latest_news": public.filter(kind=Article.Kind.NEWS)[:HOME_LIST_LENGTH],
        "latest_announcements": public.filter(kind=Article.Kind.ANNOUNCEMENT)[:HOME_LIST_LENGTH],
        "featured_articles": public.filter(is_featured=True)[:1],
        "featured_cities": City.objects.filter(is_featured=True).order_by("name")[
            :HOME_FEATURED_CITIES
        ],
        "headline_figures": MetricValue.objects.filter(source_article__in=Article.objects.public())
        .with_listing_data()
        .order_by("-source_article__published_at", "metric__name")[:HOME_HEADLINE_FIGURES],
        "feeds": feed_links(),
    }
    return render(request, "news/home.html", context)


class ArticleListView(ListView):
    """/news/: newest first, filtered by any combination of kind, city, programme, tag, year."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = NEWS_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.form = ArticleFilterForm(request.GET or None)
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        if self.form.is_bound and not self.form.is_valid():
            return Article.objects.none()
        filters = self.form.filters() if self.form.is_bound else {}
        return Article.objects.public().filtered(**filters).newest_first().with_listing_data()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_valid = self.form.is_bound and self.form.is_valid()
        active = self.form.active_filters() if is_valid else {}
        kind = active.get("kind")
        context.update(
            form=self.form,
            active_filters=active,
            heading=Article.Kind(kind).label if kind else _("News"),
            feeds=feed_links(query=form_query(self.form) if is_valid else ""),
        )
        return context


def article_detail(request, year: int, month: int, day: int, slug: str):
    article = get_object_or_404(
        Article.objects.public()
        .select_related("author")
        .prefetch_related("tags")
        .defer("search_vector"),
        slug=slug,
    )
    if (year, month, day) != (article.url_date.year, article.url_date.month, article.url_date.day):
        return redirect(article, permanent=True)
    list_url = reverse("news:article-list")
    is_news = article.kind == Article.Kind.NEWS
    section_label = _("News") if is_news else article.get_kind_display()
    section_url = list_url if is_news else f"{list_url}?{urlencode({'kind': article.kind})}"
    cities = list(article.cities.order_by("name"))
    public = Article.objects.public()
    context = {
        "article": article,
        "section_label": section_label,
        "section_url": section_url,
        "cities": cities,
        "programmes": article.programmes.order_by("name"),
        "figures": article.figures.with_listing_data().in_display_order(),
        "related_articles": public.related_to(article)
        .newest_first()
        .with_listing_data()[:RELATED_LENGTH],
        "previous_article": public.previous_of_kind(article),
        "next_article": public.next_of_kind(article),
        "feeds": feed_links(query=urlencode({"kind": article.kind})),
        "structured_data": [
            article_structured_data(request, article, cities=cities),
            breadcrumb_structured_data(
                request,
                [(section_label, section_url), (article.title, article.get_absolute_url())],
            ),
        ],
    }
    return render(request, "news/article_detail.html", context)


class AnnouncementListView(ListView):
    """Designations, newest first, each labelled with its programme and announcing article."""

    template_name = "news/announcement_list.html"
    context_object_name = "designations"
    paginate_by = ANNOUNCEMENTS_PAGE_SIZE

    def get_queryset(self):
        return Designation.objects.with_listing_data().newest_first()

    def get_context_data(self, **kwargs):
        query = urlencode({"kind": Article.Kind.ANNOUNCEMENT})
        return super().get_context_data(feeds=feed_links(query=query), **kwargs)


class ProgrammeListView(ListView):
    template_name = "news/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return Programme.objects.annotate(
            approved_count=Count(
                "designations",
                filter=~Q(designations__status=Designation.Status.REVOKED),
            )
        ).order_by("-start_year", "name")


class ProgrammeDetailView(DetailView):
    model = Programme
    template_name = "news/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        designations = sorted(
            self.object.designations.with_listing_data().order_by("city__name"),
            key=lambda designation: STATUS_ORDER.index(designation.status),
        )
        context["status_groups"] = [
            {"status": Designation.Status(status), "designations": list(members)}
            for status, members in groupby(designations, key=lambda item: item.status)
        ]
        context["articles"] = (
            Article.objects.public()
            .for_programme(self.object)
            .newest_first()
            .with_listing_data()[:10]
        )
        context["feeds"] = feed_links("programme", slug=self.object.slug)
        return context


class CityListView(ListView):
    template_name = "news/city_list.html"
    context_object_name = "cities"

    def get_queryset(self):
        return City.objects.with_public_article_counts().by_province()


class CityDetailView(DetailView):
    """A city's news timeline, its designations and its figures by metric and period."""

    model = City
    template_name = "news/city_detail.html"
    context_object_name = "city"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        context.update(
            articles=Article.objects.public()
            .for_city(city)
            .newest_first()
            .with_listing_data()[:NEWS_PAGE_SIZE],
            designations=city.designations.with_listing_data().newest_first(),
            figures=city.metric_values.with_listing_data().in_display_order(),
            feeds=feed_links("city", slug=city.slug),
            structured_data=[
                city_structured_data(self.request, city),
                breadcrumb_structured_data(
                    self.request,
                    [
                        (_("Cities"), reverse("news:city-list")),
                        (city.display_name, city.get_absolute_url()),
                    ],
                ),
            ],
        )
        return context


class TagDetailView(ListView):
    template_name = "news/tag_detail.html"
    context_object_name = "articles"
    paginate_by = NEWS_PAGE_SIZE

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.public().filter(tags=self.tag).newest_first().with_listing_data()

    def get_context_data(self, **kwargs):
        feeds = feed_links("tag", slug=self.tag.slug)
        return super().get_context_data(tag=self.tag, feeds=feeds, **kwargs)


def search(request):
    """/search/?q=: public articles ranked by relevance with highlighted passages, and cities."""
    form = SearchForm(request.GET or None)
    is_valid = form.is_bound and form.is_valid()
    parsed = form.parsed_query() if is_valid else parse_query("")
    public = Article.objects.public()
    articles, cities = Article.objects.none(), City.objects.none()
    if is_valid and not parsed.is_empty:
        articles = search_articles(public.filtered(**form.filters()), parsed).with_listing_data()
        cities = City.objects.matching(parsed.terms).order_by("name")[:SEARCH_MAX_CITIES]
    page = Paginator(articles, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    snippets = snippets_for(page.object_list, parsed)
    cities = list(cities)
    suggestion = ""
    if is_valid and not parsed.is_empty and not page.paginator.count and not cities:
        suggestion = suggest_spelling(parsed, public)
    context = {
        "form": form,
        "query": parsed.text,
        "page_obj": page,
        "results": [(article, snippets.get(article.pk, "")) for article in page.object_list],
        "cities": cities,
        "suggestion": suggestion,
    }
    status = 400 if form.is_bound and not is_valid else 200
    return render(request, "news/search.html", context, status=status)


def robots_txt(request):
    """Crawlers may read the public site, not the admin or endless search pages."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines.append(f"Disallow: {reverse('news:search')}")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
