"""Values every template needs: the site name, the canonical URL, the page in each language,
and the content generation's token that keys cached fragments ({% cache … content_token %})."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .caching import state_for
from .metadata import canonical_url, language_alternates


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": canonical_url(request),
        "language_alternates": language_alternates(request),
        "content_token": SimpleLazyObject(lambda: state_for(request).token),
    }
