"""Public pages: thin views that parse input, ask a queryset, and render."""

from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .forms import ArticleFilterForm
from .models import Article, ArticleRedirect, City, Designation, MetricValue, Programme

NEWS_PAGE_SIZE = 20
ANNOUNCEMENTS_PAGE_SIZE = 50
HOME_LIST_LENGTH = 5
HOME_FEATURED_CITIES = 6
HOME_HEADLINE_FIGURES = 4

#: The order designation statuses are listed in on a programme page.
STATUS_ORDER = [
    Designation.Status.DEMONSTRATION,
    Designation.Status.APPROVED,
    Designation.Status.PILOT,
    Designation.Status.REVOKED,
]


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
        active = self.form.active_filters() if self.form.is_bound and self.form.is_valid() else {}
        kind = active.get("kind")
        context.update(
            form=self.form,
            active_filters=active,
            heading=Article.Kind(kind).label if kind else "News",
        )
        return context


def article_detail(request, year: int, month: int, day: int, slug: str):
    """A public article, or a withdrawn one with its notice; old addresses answer with a 301."""
    article = (
        Article.objects.reachable()
        .select_related("author")
        .prefetch_related("tags", "change_notes")
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
    return render(request, "news/article_detail.html", article_context(article))


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
        request, "news/article_detail.html", {**article_context(article), "is_preview": True}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def article_context(article: Article) -> dict:
    list_url = reverse("news:article-list")
    is_news = article.kind == Article.Kind.NEWS
    return {
        "article": article,
        "section_label": "News" if is_news else article.get_kind_display(),
        "section_url": list_url if is_news else f"{list_url}?{urlencode({'kind': article.kind})}",
        "cities": article.cities.order_by("name"),
        "programmes": article.programmes.order_by("name"),
        "figures": article.figures.with_listing_data().in_display_order(),
        "change_notes": list(article.change_notes.all()),
    }


class AnnouncementListView(ListView):
    """Designations, newest first, each labelled with its programme and announcing article."""

    template_name = "news/announcement_list.html"
    context_object_name = "designations"
    paginate_by = ANNOUNCEMENTS_PAGE_SIZE

    def get_queryset(self):
        return Designation.objects.with_listing_data().newest_first()


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
        return super().get_context_data(tag=self.tag, **kwargs)
