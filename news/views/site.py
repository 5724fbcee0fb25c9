"""Site-wide files: robots.txt."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation


def robots_txt(request):
    """Crawlers may read the public site, not the admin or endless search pages."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines.append(f"Disallow: {reverse('news:search')}")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
