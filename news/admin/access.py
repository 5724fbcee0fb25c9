"""Getting into the newsroom: the client's address behind a trusted proxy, the lockout page after
too many failed sign-ins, and password reset by e-mail for staff (Django's own views).

django-axes counts failed sign-ins per username and address (settings, "Security") and calls
`client_ip_address` and `lockout_response` here; the reset views are wired in cityinno/urls.py.
"""

import ipaddress
import math

from axes.helpers import get_cool_off
from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def client_ip_address(request) -> str:
    """The address a sign-in came from. Behind a trusted proxy (BEHIND_PROXY) that is the entry
    the proxies appended to X-Forwarded-For, PROXY_COUNT from the right; anything further left
    was written by the client and proves nothing. Otherwise it is the connection's address."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    candidate = forwarded[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """The admin-styled page for a refused sign-in: 429, when to try again, whom to ask."""
    wait = get_cool_off(request)
    # Each attempt during a lockout starts the wait again, so it ends `wait` from now.
    unlock_at = timezone.localtime(timezone.now() + wait)
    minutes = math.ceil(wait.total_seconds() / 60)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Too many failed sign-ins"),
        "is_nav_sidebar_enabled": False,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "unlock_at": unlock_at,
        "minutes": minutes,
        "whom_to_ask": whom_to_ask(settings.ADMINS),
    }
    # Drawn here, not as a TemplateResponse: the middleware that calls this runs after rendering.
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response


def whom_to_ask(admins) -> str:
    """The site's administrators as mail links ("A, B or C"); empty if there are none."""
    links = [
        format_html('<a href="mailto:{}">{}</a>', address, name or address)
        for name, address in admins
    ]
    if len(links) < 2:
        return links[0] if links else ""
    return format_html(
        gettext("{names} or {last}"),
        names=mark_safe(gettext(", ").join(links[:-1])),  # each link escaped by format_html
        last=links[-1],
    )


class StaffPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, for accounts that may use the admin: the reset link is the
    admin's "Forgotten your login credentials?". The answer is the same for every address."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)


class AdminLook:
    """What the admin's templates (admin/base_site.html) need to look like this admin: the
    site's names, in the language of the request."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "site_header": admin.site.site_header,
            "site_title": admin.site.site_title,
        }


class PasswordResetView(AdminLook, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    extra_email_context = {"site_name": settings.SITE_NAME}


class PasswordResetDoneView(AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminLook, auth_views.PasswordResetConfirmView):
    """Setting a new password also lifts a sign-in lockout on the account: whoever can read its
    e-mail may choose its password anyway."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_sign_in_failures(username=form.user.get_username())
        return response


class PasswordResetCompleteView(AdminLook, auth_views.PasswordResetCompleteView):
    pass
