"""What list pages share: a filter form read from the query string, and their feed twins."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView

from news.forms import filter_choices, form_query
from news.pagination import CachedCountMixin


def lazy(build):
    """The value `build()` returns, computed the first time a template (or anything) uses it:
    a page whose fragment is cached then runs none of the queries behind it."""
    return SimpleLazyObject(build)


def feed_links(scope: str = "", *, slug: str = "", query: str = "") -> dict:
    """The RSS and Atom twins of a page, for autodiscovery links and the subscribe line."""
    prefix = f"{scope}-" if scope else ""
    kwargs = {"slug": slug} if slug else None
    suffix = f"?{query}" if query else ""
    return {
        "rss": reverse(f"news:{prefix}feed-rss", kwargs=kwargs) + suffix,
        "atom": reverse(f"news:{prefix}feed-atom", kwargs=kwargs) + suffix,
    }


class FilteredListView(CachedCountMixin, ListView):
    """A list narrowed by a filter form read from the query string; any bad value makes the
    page answer 400 with the form's explanation and no results, never a server error."""

    filter_form_class = None

    def get(self, request, *args, **kwargs):
        self.form = self.filter_form_class(
            request.GET or None, choices=filter_choices(request, self.filter_form_class)
        )
        self.filters_are_valid = not self.form.is_bound or self.form.is_valid()
        response = super().get(request, *args, **kwargs)
        if not self.filters_are_valid:
            response.status_code = 400
        return response

    def get_queryset(self):
        if not self.filters_are_valid:
            return self.model.objects.none()
        return self.filtered_queryset(self.form.filters() if self.form.is_bound else {})

    def filtered_queryset(self, filters: dict):
        raise NotImplementedError

    def count_key(self) -> tuple:
        if not self.filters_are_valid:
            return ()
        return (self.model._meta.label, form_query(self.form) if self.form.is_bound else "")

    def get_context_data(self, **kwargs):
        usable = self.form.is_bound and self.filters_are_valid
        return super().get_context_data(
            form=self.form,
            active_filters=self.form.active_filters() if usable else {},
            feed_query=form_query(self.form) if usable else "",
            **kwargs,
        )
