"""Each person's preferences page (their admin language, and whether the newsroom e-mails them)
and the top bar's language switch. Both write through services.update_preferences, always for
the person signed in: no address names another user, so nobody reaches another's choices.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from news import services
from news.models import StaffProfile

from .language import browser_language, chosen_language


def language_name(code: str) -> str:
    """A language's name in that language ("English", "简体中文"), as the site lists it."""
    return dict(settings.LANGUAGES).get(code, code)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the newsroom"),
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The language of these screens and of the e-mail the newsroom sends you."
        ),
    )
    email_notifications = forms.BooleanField(
        label=gettext_lazy("E-mail me about my work"),
        required=False,
        help_text=gettext_lazy(
            "Mail when an article is submitted to you, returned, published, scheduled or "
            "withdrawn. Password reset mail is always sent."
        ),
    )

    def __init__(self, *args, browser: str, **kwargs):
        super().__init__(*args, **kwargs)
        as_browser = _("As my browser asks (now %(language)s)") % {
            "language": language_name(browser)
        }
        self.fields["language"].choices = [
            (StaffProfile.Language.BROWSER, as_browser),
            *[(code, language_name(code)) for code, _name in settings.LANGUAGES],
        ]


class LanguageSwitchForm(forms.Form):
    """The top bar's switch: one of the site's languages (a POST, so it works without script)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)


def own_profile(request) -> StaffProfile:
    """The signed-in person's choices, as the language middleware read them."""
    return getattr(request, "staff_profile", None) or StaffProfile.objects.for_user(request.user)


def preferences_view(request, admin_site):
    profile = own_profile(request)
    browser = browser_language(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST, browser=browser)
        if form.is_valid():
            try:
                profile = services.update_preferences(user=request.user, **form.cleaned_data)
            except services.NewsroomError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                # Said in the language the next page will be in.
                with translation.override(chosen_language(profile) or browser):
                    messages.success(request, _("Your preferences are saved."))
                return redirect("admin:preferences")
    else:
        form = PreferencesForm(
            initial={
                "language": profile.language,
                "email_notifications": profile.email_notifications,
            },
            browser=browser,
        )
    context = {
        **admin_site.each_context(request),
        "title": _("Your preferences"),
        "form": form,
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "admin/newsroom/preferences.html", context, status=status)


def safe_next(request, default: str) -> str:
    """Where to go back to: `next`, if it is an address on this site, else `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def language_switch_view(request, admin_site):
    """The top bar's switch: store the language as the person's choice, and go back."""
    profile = own_profile(request)
    switch = LanguageSwitchForm(request.POST)
    if not switch.is_valid():
        context = {
            **admin_site.each_context(request),
            "title": _("Your preferences"),
            "form": PreferencesForm(browser=browser_language(request)),
            "switch_error": _("Choose one of the languages offered."),
        }
        return TemplateResponse(request, "admin/newsroom/preferences.html", context, status=400)
    services.update_preferences(
        user=request.user,
        language=switch.cleaned_data["language"],
        email_notifications=profile.email_notifications,
    )
    return redirect(safe_next(request, default=reverse("admin:index", current_app=admin_site.name)))
