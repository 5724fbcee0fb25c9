"""The outbox, for superusers only and read only: what the newsroom mailed, what waits for a
retry and what was given up on, with the mail server's last answer. Nothing is written here;
`manage.py send_queued_mail --retry-given-up` queues given-up mail again."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from news.models import OutgoingMail

#: OutgoingMail.state, said for people.
STATES = {"waiting": _("waiting"), "sent": _("sent"), "given up": _("given up")}


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting")), ("sent", _("Sent")), ("given-up", _("Given up"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.waiting()
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "given-up":
            return queryset.filter(failed_at__isnull=False)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


def language_name(code: str) -> str:
    """A language as its own speakers name it ("English", "简体中文", as settings.LANGUAGES
    does), whatever the reader's."""
    return dict(settings.LANGUAGES).get(code, code)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "kind", "to_address", "subject", "state", "attempts", "next_attempt_at",
        "sent_at", "last_error",
    ]  # fmt: skip
    list_filter = [StateFilter, "kind", LanguageFilter]
    search_fields = ["to_address", "subject"]
    date_hierarchy = "created_at"
    list_select_related = False
    readonly_fields = ["language_name"]
    fields = [
        "kind", "recipient", "to_address", "language_name", "article", "subject", "body",
        "created_at", "attempts", "last_error", "next_attempt_at", "claimed_until", "sent_at",
        "failed_at",
    ]  # fmt: skip

    @admin.display(description=_("language"))
    def language_name(self, mail: OutgoingMail) -> str:
        return language_name(mail.language)

    @admin.display(description=_("state"))
    def state(self, mail: OutgoingMail) -> str:
        return STATES[mail.state]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
