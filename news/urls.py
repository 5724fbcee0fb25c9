"""Public URLs of the newsroom, namespaced as `news:`."""

from django.urls import path, register_converter

from . import views
from .feeds import AnnouncementAtomFeed, AnnouncementRssFeed, ArticleAtomFeed, ArticleRssFeed


class TwoDigitConverter:
    """Month and day as two digits, so every article has exactly one address."""

    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:02d}"


class TagSlugConverter:
    """Tag slugs keep letters of any script (创新), so `<slug:>` is too narrow; this still
    refuses slashes, control characters and punctuation, which no tag slug contains."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TwoDigitConverter, "two")
register_converter(TagSlugConverter, "tagslug")

app_name = "news"

rss, atom = ArticleRssFeed(), ArticleAtomFeed()
announcement_rss, announcement_atom = AnnouncementRssFeed(), AnnouncementAtomFeed()

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("news/", views.ArticleListView.as_view(), name="article-list"),
    # Feeds: /news/feed/ takes the news list's filters in its query string.
    path("news/feed/", rss, name="feed-rss"),
    path("news/feed/atom/", atom, name="feed-atom"),
    path("cities/<slug:slug>/feed/", rss, {"scope": "city"}, name="city-feed-rss"),
    path("cities/<slug:slug>/feed/atom/", atom, {"scope": "city"}, name="city-feed-atom"),
    path("programmes/<slug:slug>/feed/", rss, {"scope": "programme"}, name="programme-feed-rss"),
    path(
        "programmes/<slug:slug>/feed/atom/",
        atom,
        {"scope": "programme"},
        name="programme-feed-atom",
    ),
    path("tags/<tagslug:slug>/feed/", rss, {"scope": "tag"}, name="tag-feed-rss"),
    path("tags/<tagslug:slug>/feed/atom/", atom, {"scope": "tag"}, name="tag-feed-atom"),
    path(
        "news/<int:year>/<two:month>/<two:day>/<slug:slug>/",
        views.article_detail,
        name="article-detail",
    ),
    path("news/preview/<int:pk>/", views.article_preview, name="article-preview"),
    path("announcements/", views.AnnouncementListView.as_view(), name="announcement-list"),
    path("announcements/feed/", announcement_rss, name="announcement-feed-rss"),
    path("announcements/feed/atom/", announcement_atom, name="announcement-feed-atom"),
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
    path("tags/<tagslug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
]
