"""Public URLs of the newsroom, namespaced as `news:`."""

from django.urls import path, register_converter

from . import views


class TwoDigitConverter:
    """Month and day as two digits, so every article has exactly one address."""

    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:02d}"


register_converter(TwoDigitConverter, "two")

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.ArticleListView.as_view(), name="article-list"),
    path(
        "news/<int:year>/<two:month>/<two:day>/<slug:slug>/",
        views.article_detail,
        name="article-detail",
    ),
    path("news/preview/<int:pk>/", views.article_preview, name="article-preview"),
    path("announcements/", views.AnnouncementListView.as_view(), name="announcement-list"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("cities/", views.CityListView.as_view(), name="city-list"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="city-detail"),
    path(
        "cities/<slug:slug>/figures/<slug:metric>.csv",
        views.city_figures_csv,
        name="city-figures-csv",
    ),
    path("metrics/", views.MetricListView.as_view(), name="metric-list"),
    path("metrics/<slug:slug>/", views.metric_detail, name="metric-detail"),
    path(
        "metrics/<slug:slug>/metadata.json",
        views.metric_metadata_json,
        name="metric-metadata",
    ),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
]
