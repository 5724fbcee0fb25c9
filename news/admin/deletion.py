"""The delete confirmation without the rows that only link two records.

Django lists each link row that a deletion removes (an article's cities, a group's permissions)
as "Article-city relationship: Article_cities object (1)": words made up from model names that
no catalogue can translate, about rows nobody needs to confirm — deleting a record removes its
links, and the records on the other side stay, as the rest of the page says. The newsroom's admin
site adds this to every model admin it registers (news/admin/site.py).
"""

from django.apps import apps
from django.utils.text import capfirst


class LinkRowsHiddenMixin:
    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [
            model._meta
            for model in apps.get_models(include_auto_created=True)
            if model._meta.auto_created
        ]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return _without(to_delete, prefixes), counts, perms_needed, protected


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    """The nested list Django's delete page shows, without the entries that start with one of
    `prefixes` (a link row has no rows of its own beneath it)."""
    kept = []
    for item in items:
        if isinstance(item, list):
            if inner := _without(item, prefixes):
                kept.append(inner)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept
