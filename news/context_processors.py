"""Values every template needs: the site name, the canonical URL and the page in each language."""

from django.conf import settings

from .metadata import canonical_url, language_alternates


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": canonical_url(request),
        "language_alternates": language_alternates(request),
    }
