"""Request guards that sit in front of code we do not own, and the health checks' door."""

from django.core.exceptions import BadRequest
from django.http import HttpResponseNotAllowed
from django.urls import reverse

from news.views import health


class HealthCheckMiddleware:
    """Answer /healthz and /readyz (news/views/health.py) before any other middleware runs.

    It stands first in MIDDLEWARE, ahead of SecurityMiddleware and CommonMiddleware, so these
    two addresses answer whatever Host header a load balancer sends (often the instance's IP,
    which ALLOWED_HOSTS does not list) and over plain HTTP (no redirect to HTTPS), and no
    middleware reads the database or a session for them. Only these exact paths are answered
    so; every other request goes on to host validation as before.
    """

    VIEWS = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.VIEWS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request)


class QueryStringGuard:
    """Refuse, with a 400 on every address, a query string Django will not read: more than
    DATA_UPLOAD_MAX_NUMBER_FIELDS fields raise TooManyFieldsSent when `request.GET` is read.

    Reading it here makes the answer the same for every page, whether or not its view reads
    the query string, and outside any view or template (where the same error, raised again
    while the 400 page is drawn, became a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET  # noqa: B018 (read for its check: TooManyFieldsSent is a 400)
        return self.get_response(request)


class AdminNullCharacterGuard:
    """Refuse admin requests whose query string carries a NUL character, with a 400.

    The admin's list filters pass query values straight to the database, and PostgreSQL
    cannot hold a NUL in a string, so `?province=%00` would otherwise be a server error. The
    public pages parse every parameter with a form, which drops or refuses such characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest("Query parameters may not contain NUL characters.")
        return self.get_response(request)
