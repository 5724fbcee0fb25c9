"""Public pages: thin views that parse input, ask a queryset, and render."""

from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .forms import ArticleFilterForm, DesignationFilterForm
from .models import Article, City, Designation, MetricValue, Programme

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
    article = get_object_or_404(
        Article.objects.public().select_related("author").prefetch_related("tags"), slug=slug
    )
    if (year, month, day) != (article.url_date.year, article.url_date.month, article.url_date.day):
        return redirect(article, permanent=True)
    list_url = reverse("news:article-list")
    is_news = article.kind == Article.Kind.NEWS
    context = {
        "article": article,
        "section_label": "News" if is_news else article.get_kind_display(),
        "section_url": list_url if is_news else f"{list_url}?{urlencode({'kind': article.kind})}",
        "cities": article.cities.order_by("name"),
        "programmes": article.programmes.order_by("name"),
        "figures": article.figures.with_listing_data().in_display_order(),
    }
    return render(request, "news/article_detail.html", context)


class AnnouncementListView(ListView):
    """Designations, newest first, filtered by programme, status, province and year."""

    template_name = "news/announcement_list.html"
    context_object_name = "designations"
    paginate_by = ANNOUNCEMENTS_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.form = DesignationFilterForm(request.GET or None)
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        if self.form.is_bound and not self.form.is_valid():
            return Designation.objects.none()
        filters = self.form.filters() if self.form.is_bound else {}
        return Designation.objects.filtered(**filters).with_listing_data().newest_first()

    def get_context_data(self, **kwargs):
        active = self.form.active_filters() if self.form.is_bound and self.form.is_valid() else {}
        return super().get_context_data(form=self.form, active_filters=active, **kwargs)


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
