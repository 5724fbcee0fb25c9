"""The article list's filters for what the start page counts: "see all" on a panel opens the
list filtered the same way (the rules are ArticleQuerySet's: scheduled(), returned() …)."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: "Published recently" means within this many days, on the start page as in the list.
RECENT_DAYS = 7


class DeskFilter(admin.SimpleListFilter):
    title = _("desk list")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [
            ("returned", _("Returned to the writer")),
            ("scheduled", _("Scheduled")),
            ("recent", _("Published in the last %(days)s days") % {"days": RECENT_DAYS}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "returned":
            return queryset.returned()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "recent":
            return queryset.published_since(timezone.now() - timedelta(days=RECENT_DAYS))
        return queryset


class WrittenByFilter(admin.SimpleListFilter):
    title = _("author")
    parameter_name = "by"

    def lookups(self, request, model_admin):
        return [("me", _("Me"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(author=request.user)
        return queryset
