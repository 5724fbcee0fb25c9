"""What every register and figures screen shares: saves and deletes through services.records,
so each change made in the admin moves the public content generation on (news/caching.py)."""

from django.contrib import admin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from news import services
from news.caching import content_changed

from .busy import BusyDatabaseAdminMixin


class RecordAdminMixin(BusyDatabaseAdminMixin):
    """For rows with no rule beyond their form: one service call per save or delete (and, like
    every admin form, the form again with a message if SQLite's lock was not free in time)."""

    def save_model(self, request, obj, form, change):
        services.save_record(record=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_records(records=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_records(records=queryset, by=request.user)


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(RecordAdminMixin, TaggitTagAdmin):
    """taggit's tag admin (with its merge screen); tag names are shown on public pages."""

    def merge_tags_view(self, request):
        response = super().merge_tags_view(request)
        if request.method == "POST":
            content_changed()
        return response
