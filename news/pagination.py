"""Pagination whose total is counted once per content generation, for every app server.

Counting tens of thousands of public articles takes longer than showing a page of them; the
count only changes when the content generation does, so it is cached under it.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from news.caching import cached


class CachedCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, request=None, count_key=(), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.request, self.count_key = request, count_key

    @cached_property
    def count(self) -> int:
        if self.request is None or not self.count_key:
            return super().count
        return cached(
            self.request, "count", *self.count_key, build=lambda: Paginator.count.func(self)
        )


class CachedCountMixin:
    """For a ListView: its paginator counts through the cache, under `count_key()`."""

    paginator_class = CachedCountPaginator

    def count_key(self) -> tuple:
        raise NotImplementedError

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            request=self.request,
            count_key=self.count_key(),
            **kwargs,
        )
