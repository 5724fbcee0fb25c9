"""The server error page, and the one readers see while the database cannot be reached.

`server_error` is the site's handler500 (cityinno/urls.py). Django turns an exception raised in
any view or middleware into that handler's response before an outer middleware sees it, so
this is the one place that catches a database outage wherever it surfaces: the HTTP cache
middleware's generation read, a session being loaded or saved, a view, a template, the admin.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.log import log_response
from django.views import defaults

#: What a database that is down, restarting or unreachable raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
#: Seconds a client is asked to wait before trying again (the `Retry-After` header).
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: a 503 page if the error is the database being unavailable, else the 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(request, error)
    return defaults.server_error(request)


def database_unavailable(request, error: Exception) -> HttpResponse:
    """503 with `Retry-After`, never stored, in the language the address names.

    Drawn without the database: a plain context (no context processors, which read the
    content generation), and the language from the path, because the error may come from a
    middleware that runs before LocaleMiddleware. Logged as one line, without the traceback.
    """
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "site_name": settings.SITE_NAME,
            "home_url": reverse("news:home"),
            "stylesheet": _stylesheet(),
            "retry_after": RETRY_AFTER_SECONDS,
        }
        body = loader.render_to_string("503.html", context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    summary = str(error).strip().splitlines()[0] if str(error).strip() else ""
    log_response(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        summary,
        response=response,
        request=request,
    )
    return response


def _stylesheet() -> str | None:
    """The site's stylesheet, if its address can be had (production needs collectstatic)."""
    try:
        return static("css/site.css")
    except ValueError:
        return None
