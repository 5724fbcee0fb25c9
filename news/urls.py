"""Public URLs of the newsroom, namespaced as `news:`."""

from django.urls import path, register_converter

from .caching import public_cache
from .feeds import ArticleAtomFeed, ArticleRssFeed, DesignationAtomFeed, DesignationRssFeed
from .views import articles, figures, register, search


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

# Every public page, feed, CSV and JSON answer may be cached for anonymous readers (see
# news/caching.py); the staff preview is the one view here that never is.
rss, atom = public_cache(ArticleRssFeed()), public_cache(ArticleAtomFeed())
designation_rss = public_cache(DesignationRssFeed())
designation_atom = public_cache(DesignationAtomFeed())

urlpatterns = [
    path("", public_cache(articles.home), name="home"),
    path("search/", public_cache(search.search), name="search"),
    path("news/", public_cache(articles.ArticleListView.as_view()), name="article-list"),
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
        public_cache(articles.article_detail),
        name="article-detail",
    ),
    path("news/preview/<int:pk>/", articles.article_preview, name="article-preview"),
    # Designations keep the address readers know them by.
    path(
        "announcements/",
        public_cache(register.DesignationListView.as_view()),
        name="designation-list",
    ),
    path("announcements/feed/", designation_rss, name="designation-feed-rss"),
    path("announcements/feed/atom/", designation_atom, name="designation-feed-atom"),
    path("programmes/", public_cache(register.ProgrammeListView.as_view()), name="programme-list"),
    path(
        "programmes/<slug:slug>/",
        public_cache(register.ProgrammeDetailView.as_view()),
        name="programme-detail",
    ),
    path("cities/", public_cache(register.CityListView.as_view()), name="city-list"),
    path(
        "cities/<slug:slug>/", public_cache(register.CityDetailView.as_view()), name="city-detail"
    ),
    path(
        "cities/<slug:slug>/figures/<slug:metric>.csv",
        public_cache(figures.city_figures_csv),
        name="city-figures-csv",
    ),
    path("metrics/", public_cache(figures.MetricListView.as_view()), name="metric-list"),
    path("metrics/<slug:slug>/", public_cache(figures.metric_detail), name="metric-detail"),
    path(
        "metrics/<slug:slug>/metadata.json",
        public_cache(figures.metric_metadata_json),
        name="metric-metadata",
    ),
    path("tags/<tagslug:slug>/", public_cache(articles.TagDetailView.as_view()), name="tag-detail"),
]
