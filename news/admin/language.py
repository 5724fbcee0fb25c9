"""The admin's language, per person: their choice (StaffProfile.language), else the browser's.

The public site takes its language from the address (/zh-hans/…), so LocaleMiddleware gives
every unprefixed address, /admin/ among them, LANGUAGE_CODE. Under /admin/ this middleware
then activates the person's own choice or, without one, the best of settings.LANGUAGES their
browser asks for (Accept-Language), and says which in Content-Language. Public pages are left
as LocaleMiddleware made them. Admin responses stay `private, no-store` (Django's never_cache,
and news.caching for the rest): they differ per person.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from news.models import StaffProfile


def browser_language(request) -> str:
    """The first language of settings.LANGUAGES the browser asks for, else LANGUAGE_CODE.
    (Django's own reading of the header, without the cookie and the address it also reads.)"""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def chosen_language(profile: StaffProfile | None) -> str:
    """The language a stored choice names, if it is still one the site offers."""
    if profile is None or not profile.language:
        return ""
    try:
        return translation.get_supported_language_variant(profile.language)
    except LookupError:
        return ""


def is_admin_path(request) -> bool:
    return request.path.startswith(reverse("admin:index"))


class AdminLanguageMiddleware:
    """Activate the admin's language for the person asking (see the module docstring). The
    profile read here is kept as `request.staff_profile` for the page's top bar."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_admin_path(request):
            return self.get_response(request)
        user = request.user
        profile = StaffProfile.objects.for_user(user) if user.is_authenticated else None
        request.staff_profile = profile
        translation.activate(chosen_language(profile) or browser_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers["Content-Language"] = request.LANGUAGE_CODE
        patch_vary_headers(response, ["Accept-Language"])
        return response
