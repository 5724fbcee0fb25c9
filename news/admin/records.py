"""What every register and figures screen shares: saves and deletes through services.records,
so each change made in the admin moves the public content generation on (news/caching.py) and
is on the record's history with the person who made it, inline rows (a city's figures, a
programme's designations) included."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from news import services
from news.caching import content_changed

from .busy import BusyDatabaseAdminMixin


class InlineRowsThroughServicesMixin:
    """Inline rows saved and deleted one by one through services.records, not by the formset."""

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)  # new and changed rows, linked to the saved parent
        if formset.deleted_objects:
            services.delete_records(records=formset.deleted_objects, by=request.user)
        for row in rows:
            services.save_record(record=row, by=request.user)


class RecordAdminMixin(InlineRowsThroughServicesMixin, BusyDatabaseAdminMixin):
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

    @admin.action(description=_("Merge selected tags"))
    def render_tag_form(self, request, queryset):
        """taggit's merge action, named in the reader's language (taggit names it in English)."""
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        response = super().merge_tags_view(request)
        if request.method == "POST":
            content_changed()
        return response
