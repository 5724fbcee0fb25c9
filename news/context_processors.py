"""Values every template needs: the site name and the main navigation."""

from django.conf import settings


def site(request):
    return {"site_name": settings.SITE_NAME}
