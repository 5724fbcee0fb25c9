"""Public pages: thin views that parse input, ask a queryset, and render."""

import csv
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .charts import ranking_chart, series_chart
from .feeds import form_query
from .forms import ArticleFilterForm, DesignationFilterForm, MetricPeriodForm, SearchForm
from .linked_data import metric_metadata, source_of
from .metadata import (
    article_structured_data,
    breadcrumb_structured_data,
    city_structured_data,
)
from .models import Article, ArticleRedirect, City, Designation, Metric, MetricValue, Programme
from .numbers import format_number
from .periods import period_sort_key
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


class FilteredListView(ListView):
    """A list narrowed by a filter form read from the query string; any bad value makes the
    page answer 400 with the form's explanation and no results, never a server error."""

    filter_form_class = None

    def get(self, request, *args, **kwargs):
        self.form = self.filter_form_class(request.GET or None)
        self.filters_are_valid = not self.form.is_bound or self.form.is_valid()
        response = super().get(request, *args, **kwargs)
        if not self.filters_are_valid:
            response.status_code = 400
        return response

    def get_queryset(self):
        if not self.filters_are_valid:
            return self.model.objects.none()
        return self.filtered_queryset(self.form.filters() if self.form.is_bound else {})

    def filtered_queryset(self, filters: dict):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        usable = self.form.is_bound and self.filters_are_valid
        return super().get_context_data(
            form=self.form,
            active_filters=self.form.active_filters() if usable else {},
            feed_query=form_query(self.form) if usable else "",
            **kwargs,
        )


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


def article_detail(request, year: int, month: int, day: int, slug: str):
    """A public article, or a withdrawn one with its notice; old addresses answer with a 301."""
    article = (
        Article.objects.reachable()
        .select_related("author")
        .prefetch_related("tags", "change_notes")
        .defer("search_vector")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        moved = ArticleRedirect.objects.filter(
            old_path=request.path, article__in=Article.objects.reachable()
        ).select_related("article")
        if moved := moved.first():
            return redirect(moved.article, permanent=True)
        raise Http404("No article at this address.")
    if (year, month, day) != (article.url_date.year, article.url_date.month, article.url_date.day):
        return redirect(article, permanent=True)
    return render(request, "news/article_detail.html", article_context(request, article))


@never_cache
def article_preview(request, pk: int):
    """Staff see any article as the public would, marked as a preview; everyone else a 404."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404("No article at this address.")
    article = get_object_or_404(
        Article.objects.select_related("author").prefetch_related("tags", "change_notes"), pk=pk
    )
    if not request.user.has_perm("news.view_article"):
        raise Http404("No article at this address.")
    response = render(
        request,
        "news/article_detail.html",
        {**article_context(request, article), "is_preview": True},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def article_context(request, article: Article) -> dict:
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
        "change_notes": list(article.change_notes.all()),
        "body_images": list(article.body_images.all()),
        "related_articles": public.related_to(article)
        .newest_first()
        .with_listing_data()[:RELATED_LENGTH],
        # A draft in preview has no publish time, so no place among its kind yet.
        "previous_article": public.previous_of_kind(article) if article.published_at else None,
        "next_article": public.next_of_kind(article) if article.published_at else None,
        "feeds": feed_links(query=urlencode({"kind": article.kind})),
        "structured_data": [
            article_structured_data(request, article, cities=cities),
            breadcrumb_structured_data(
                request,
                [(section_label, section_url), (article.title, article.get_absolute_url())],
            ),
        ],
    }
    return context


class AnnouncementListView(FilteredListView):
    """Designations, newest first, filtered by programme, status, province and year."""

    model = Designation
    filter_form_class = DesignationFilterForm
    template_name = "news/announcement_list.html"
    context_object_name = "designations"
    paginate_by = ANNOUNCEMENTS_PAGE_SIZE

    def filtered_queryset(self, filters):
        return Designation.objects.filtered(**filters).with_listing_data().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feeds"] = feed_links("announcement", query=context["feed_query"])
        return context


class ProgrammeListView(ListView):
    template_name = "news/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return Programme.objects.annotate(
            designated_city_count=Count(
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
        figures = list(city.metric_values.shown_to_public().with_listing_data().in_display_order())
        context.update(
            articles=Article.objects.public()
            .for_city(city)
            .newest_first()
            .with_listing_data()[:NEWS_PAGE_SIZE],
            designations=city.designations.with_listing_data().newest_first(),
            figures=figures,
            series=city_series(city, figures),
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


# --- Figures: city charts, metric comparisons, CSV and JSON beside every chart -------------------

METRIC_ARTICLES_SHOWN = 20
#: The metric page's chart draws at most this many cities (the table lists them all).
CHART_MAX_BARS = 30


def csv_response(header: list[str], rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def series_rows(values) -> list[dict]:
    """The table beside a city chart (and its CSV): one row per period."""
    return [
        {"period": value.period, "value": value.value, "source": source_of(value)}
        for value in sorted(values, key=lambda value: period_sort_key(value.period))
    ]


def city_series(city, figures) -> list[dict]:
    """One chart and table per metric, from the city's figures already fetched in one query."""
    series = []
    for _metric_id, group in groupby(figures, key=lambda value: value.metric_id):
        values = list(group)
        metric = values[0].metric
        rows = series_rows(values)
        series.append(
            {
                "metric": metric,
                "rows": rows,
                "chart": series_chart(
                    metric_name=metric.name,
                    unit=metric.unit,
                    city_name=city.display_name,
                    points=[(row["period"], row["value"]) for row in rows],
                ),
                "csv_url": reverse(
                    "news:city-figures-csv", kwargs={"slug": city.slug, "metric": metric.slug}
                ),
            }
        )
    return series


def city_figures_csv(request, slug: str, metric: str):
    """Exactly the table beside one chart on the city page, as CSV."""
    city = get_object_or_404(City, slug=slug)
    metric = get_object_or_404(Metric, slug=metric)
    values = city.metric_values.shown_to_public().filter(metric=metric).with_listing_data()
    rows = series_rows(values)
    if not rows:
        raise Http404("No figures for this city and metric.")
    return csv_response(
        ["period", "value", "unit", "source", "source_url"],
        (
            [
                row["period"],
                format_number(row["value"]),
                metric.unit,
                row["source"]["title"] or row["source"]["note"],
                request.build_absolute_uri(row["source"]["url"]) if row["source"]["url"] else "",
            ]
            for row in rows
        ),
        f"{city.slug}-{metric.slug}.csv",
    )


class MetricListView(ListView):
    template_name = "news/metric_list.html"
    context_object_name = "metrics"

    def get_queryset(self):
        shown = MetricValue.objects.shown_to_public().values("pk")
        return Metric.objects.annotate(
            city_count=Count("values__city", filter=Q(values__in=shown), distinct=True),
            value_count=Count("values", filter=Q(values__in=shown), distinct=True),
        ).order_by("name")


def ranked_rows(values) -> list[dict]:
    """Cities by value, largest first; equal values share a rank (1, 2, 2, 4)."""
    rows, rank, previous = [], 0, None
    for position, value in enumerate(values, start=1):
        if value.value != previous:
            rank, previous = position, value.value
        rows.append(
            {"rank": rank, "city": value.city, "value": value.value, "source": source_of(value)}
        )
    return rows


def metric_detail(request, slug: str):
    """/metrics/<slug>/: cities ranked on one metric for a chosen period, with CSV and JSON."""
    metric = get_object_or_404(Metric, slug=slug)
    shown = MetricValue.objects.shown_to_public().filter(metric=metric)
    periods = shown.periods()
    form = MetricPeriodForm(request.GET or None, periods=periods)
    status = 200
    if form.is_bound and not form.is_valid():
        status, period, want_csv = 400, None, False
    else:
        data = form.cleaned_data if form.is_bound else {}
        period = data.get("period") or (periods[-1] if periods else None)
        want_csv = data.get("format") == "csv"
    values = (
        shown.filter(period=period).with_listing_data().order_by("-value", "city__name")
        if period
        else MetricValue.objects.none()
    )
    rows = ranked_rows(values)
    if want_csv:
        return csv_response(
            ["rank", "city", "province", "value", "unit", "period", "source", "source_url"],
            (
                [
                    row["rank"],
                    row["city"].display_name,
                    row["city"].province,
                    format_number(row["value"]),
                    metric.unit,
                    period,
                    row["source"]["title"] or row["source"]["note"],
                    request.build_absolute_uri(row["source"]["url"])
                    if row["source"]["url"]
                    else "",
                ]
                for row in rows
            ),
            f"{metric.slug}-{period}.csv",
        )
    context = {
        "metric": metric,
        "form": form,
        "period": period,
        "periods": periods,
        "rows": rows,
        "chart": ranking_chart(
            metric_name=metric.name,
            unit=metric.unit,
            period=period,
            rows=[(row["city"].display_name, row["value"]) for row in rows[:CHART_MAX_BARS]],
        )
        if rows
        else "",
        "chart_is_partial": len(rows) > CHART_MAX_BARS,
        "chart_max_bars": CHART_MAX_BARS,
        "csv_url": f"{request.path}?{urlencode({'period': period, 'format': 'csv'})}"
        if period
        else "",
        "values": values,
        "articles": Article.objects.public()
        .filter(figures__metric=metric)
        .distinct()
        .newest_first()
        .with_listing_data()[:METRIC_ARTICLES_SHOWN],
    }
    return render(request, "news/metric_detail.html", context, status=status)


def metric_metadata_json(request, slug: str):
    """The metric's definition, unit, periods and sources as JSON, beside its chart."""
    metric = get_object_or_404(Metric, slug=slug)
    shown = MetricValue.objects.shown_to_public().filter(metric=metric)
    articles = Article.objects.public().filter(figures__metric=metric).distinct().newest_first()
    notes = (
        shown.exclude(source_note="")
        .order_by("source_note")
        .values_list("source_note", flat=True)
        .distinct()
    )
    data = metric_metadata(
        request=request,
        metric=metric,
        periods=shown.periods(),
        sources=[(article.title, article.get_absolute_url()) for article in articles],
        notes=list(notes),
        city_count=shown.values("city").distinct().count(),
        value_count=shown.count(),
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


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
