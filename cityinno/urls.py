"""cityinno URL configuration: the admin, the public site and, when enabled, uploaded media."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve

from news.admin import access
from news.caching import public_cache
from news.sitemaps import SITEMAPS, article_sitemap
from news.views.site import robots_txt

# A database outage is a 503 page rather than a server error (news/views/errors.py).
handler500 = "news.views.errors.server_error"

urlpatterns = [
    # Password reset for staff by e-mail, in the admin's style. The admin's sign-in page offers
    # "Forgotten your login credentials?" because a URL is named admin_password_reset.
    path("admin/password-reset/", access.PasswordResetView.as_view(), name="admin_password_reset"),
    path(
        "admin/password-reset/sent/",
        access.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/password-reset/done/",
        access.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        access.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", public_cache(robots_txt), name="robots-txt"),
    path(
        "sitemap.xml",
        public_cache(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    # The articles section is written directly: one page of 5,000 articles in a single query.
    path("sitemap-articles.xml", public_cache(article_sitemap)),
    path(
        "sitemap-<section>.xml",
        public_cache(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    # English without a prefix (/news/), Chinese under /zh-hans/ (/zh-hans/news/).
    *i18n_patterns(path("", include("news.urls")), prefix_default_language=False),
]

if settings.SERVE_MEDIA:
    # Production serves media from object storage or the web server; this is for `make run`.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
