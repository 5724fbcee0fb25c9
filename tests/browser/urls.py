"""The site's URLs plus uploaded media, so the browser test can load the images it uploads."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from cityinno.urls import urlpatterns as site_urlpatterns


def media(request, path):
    # MEDIA_ROOT is a fresh folder per test, so it is read at request time.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", media)]
