"""The one rule for what the public may see of an article, as a Q any model can ask of it.

It lives apart from the models so that every queryset (articles, the designations and figures
that point at an article, the cities counting theirs) spells it the same way, with a prefix
for the relation, without importing one another.
"""

from django.db.models import Q

PUBLISHED = "published"
WITHDRAWN = "withdrawn"


def visible_condition(now, prefix: str = "") -> Q:
    """Published, due and not expired at `now`; `prefix` ("source_article__") asks it of a
    related article. Article.is_public is the in-memory twin for an article already loaded."""
    return Q(
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now}),
        **{f"{prefix}status": PUBLISHED, f"{prefix}published_at__lte": now},
    )


def reachable_condition(now, prefix: str = "") -> Q:
    """What answers at its own address: visible articles, and withdrawn ones (with a notice)."""
    return visible_condition(now, prefix) | Q(
        **{f"{prefix}status": WITHDRAWN, f"{prefix}published_at__lte": now}
    )
