"""cityinno URL configuration: the admin, the public site and, when enabled, uploaded media."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = "cityinno newsroom"
admin.site.site_title = "cityinno admin"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("news.urls")),
]

if settings.SERVE_MEDIA:
    # Production serves media from object storage or the web server; this is for `make run`.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
