"""Register pages: the designations list (at /announcements/), programmes and cities."""

from itertools import groupby

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from news.figures.tables import city_series
from news.forms import DesignationFilterForm
from news.metadata import breadcrumb_structured_data, city_structured_data
from news.models import Article, City, Designation, Programme

from .articles import NEWS_PAGE_SIZE
from .lists import FilteredListView, feed_links, lazy

DESIGNATIONS_PAGE_SIZE = 50
PROGRAMME_ARTICLES_SHOWN = 10

#: The order designation statuses are listed in on a programme page.
STATUS_ORDER = [
    Designation.Status.DEMONSTRATION,
    Designation.Status.APPROVED,
    Designation.Status.PILOT,
    Designation.Status.REVOKED,
]


class DesignationListView(FilteredListView):
    """Designations, newest first, filtered by programme, status, province and year. Readers
    know the page as the announcements list, so it keeps the /announcements/ address."""

    model = Designation
    filter_form_class = DesignationFilterForm
    template_name = "news/designation_list.html"
    context_object_name = "designations"
    paginate_by = DESIGNATIONS_PAGE_SIZE

    def filtered_queryset(self, filters):
        return Designation.objects.filtered(**filters).with_listing_data().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feeds"] = feed_links("designation", query=context["feed_query"])
        return context


class ProgrammeListView(ListView):
    template_name = "news/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return Programme.objects.with_city_counts().order_by("-start_year", "name")


class ProgrammeDetailView(DetailView):
    model = Programme
    template_name = "news/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)

        def status_groups():
            designations = sorted(
                self.object.designations.with_listing_data().order_by("city__name"),
                key=lambda designation: STATUS_ORDER.index(designation.status),
            )
            return [
                {"status": Designation.Status(status), "designations": list(members)}
                for status, members in groupby(designations, key=lambda item: item.status)
            ]

        # Built only when the page's cached fragment is drawn again (see the template).
        context["status_groups"] = lazy(status_groups)
        context["articles"] = (
            Article.objects.public()
            .for_programme(self.object)
            .newest_first()
            .with_listing_data()[:PROGRAMME_ARTICLES_SHOWN]
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
        # Built only when the page's cached fragment is drawn again (see the template).
        figures = lazy(
            lambda: list(
                city.metric_values.shown_to_public().with_listing_data().in_display_order()
            )
        )
        context.update(
            articles=Article.objects.public()
            .for_city(city)
            .newest_first()
            .with_listing_data()[:NEWS_PAGE_SIZE],
            designations=city.designations.with_listing_data().newest_first(),
            figures=figures,
            series=lazy(lambda: city_series(city, figures)),
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
