"""Changes to the city register: saving, deleting and merging cities.

A city's names are part of the search document of every article about it, so a rename
re-indexes those articles here, in the service, not in whichever screen made the change.
A city's image gets its renditions here, once, and replaced or deleted files go when the
transaction commits, as an article's images do. Every change is on the history of the records
it touches (news/models/changes.py), naming the person who made it.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_update_with_history

from news import images, phrases
from news.caching import content_changed
from news.models import Article, City, Designation, MetricValue
from news.search.index import refresh_articles_about

from .changes import attribute, person
from .errors import CityRecordError

logger = logging.getLogger(__name__)

#: How many article titles a refusal names before it says "and N more".
NAMED_IN_REFUSAL = 5


#: The fields whose change alters the search document of the articles about a city.
INDEXED_FIELDS = {"name", "name_zh"}


@transaction.atomic
def save_city(*, city: City, by=None, changed_fields=(), reason: str = "") -> City:
    """Save a city from a form (its image already checked by news.images.clean_upload);
    renaming it re-indexes the articles about it."""
    renamed = city.pk is not None and INDEXED_FIELDS & set(changed_fields)
    stored = City.objects.filter(pk=city.pk).values("image", "image_renditions").first()
    attribute(city, by=by, reason=reason)
    city.save()
    _process_image(city, previous=stored or {"image": "", "image_renditions": []})
    if renamed:
        refresh_articles_about([city.pk])
    content_changed()
    logger.info("City %s saved by %s", city, by)
    return city


def _process_image(city: City, *, previous: dict) -> None:
    """A new or removed image: make the new one's renditions once; drop the old files when the
    transaction commits, so a failed save keeps them."""
    if city.image.name == previous["image"]:
        return
    if city.image:
        city.image_renditions, (city.image_width, city.image_height) = images.make_renditions(
            city.image.name
        )
    else:
        city.image_renditions, city.image_width, city.image_height = [], None, None
    # Derived from the image just saved (its history row holds the image's name).
    City.objects.filter(pk=city.pk).update(
        image_renditions=city.image_renditions,
        image_width=city.image_width,
        image_height=city.image_height,
    )
    _delete_image_on_commit(previous["image"], previous["image_renditions"])


def _delete_image_on_commit(name: str, renditions) -> None:
    if name:
        transaction.on_commit(lambda: images.delete_files(name, renditions or []))


def city_delete_blockers(city: City) -> list[str]:
    """Why `city` cannot be deleted (empty if it can): everything that still refers to it."""
    reasons = []
    titles = list(city.articles.order_by("title").values_list("title", flat=True))
    if titles:
        named = gettext(", ").join(f"“{title}”" for title in titles[:NAMED_IN_REFUSAL])
        if len(titles) > NAMED_IN_REFUSAL:
            named = gettext("%(titles)s and %(count)s more") % {
                "titles": named,
                "count": len(titles) - NAMED_IN_REFUSAL,
            }
        reasons.append(
            gettext("%(count)s article(s) are about it: %(titles)s")
            % {"count": len(titles), "titles": named}
        )
    designations = city.designations.count()
    if designations:
        reasons.append(gettext("it has %(count)s designation(s)") % {"count": designations})
    values = city.metric_values.count()
    if values:
        reasons.append(gettext("it has %(count)s metric value(s)") % {"count": values})
    return reasons


def delete_city(*, city: City, by=None) -> None:
    """Delete a city no article, designation or figure refers to; otherwise refuse and explain.

    Deleting a city would silently drop its rows from the Article ↔ City link table, so articles
    would lose the city they are about. That is never done: the editor removes the city from
    those articles, or merges it into the right city, first.
    """
    with transaction.atomic():
        city = City.objects.select_for_update().get(pk=city.pk)
        reasons = city_delete_blockers(city)
        if reasons:
            raise CityRecordError(
                gettext(
                    "%(city)s cannot be deleted because %(reasons)s. "
                    "Remove it from those records or merge it into another city first."
                )
                % {"city": city, "reasons": gettext("; ").join(reasons)}
            )
        logger.info("City %s deleted by %s", city, by)
        attribute(city, by=by).delete()
        _delete_image_on_commit(city.image.name, city.image_renditions)
        content_changed()


def merge_cities(*, source: City, into: City, by=None) -> City:
    """Move everything that refers to `source` onto `into`, then delete `source`.

    Articles keep every link (they are re-pointed, never dropped). A merge that would need two
    designations in one programme, or two values for one metric and period, is refused with the
    clash named, so the editor decides which record is right.
    """
    if source.pk == into.pk:
        raise CityRecordError(gettext("A city cannot be merged into itself."))
    with transaction.atomic():
        clashes = []
        programmes = set(into.designations.values_list("programme_id", flat=True))
        for designation in source.designations.select_related("programme"):
            if designation.programme_id in programmes:
                clashes.append(
                    gettext("both have a designation in “%(programme)s”")
                    % {"programme": designation.programme}
                )
        keys = set(into.metric_values.values_list("metric_id", "period"))
        for value in source.metric_values.select_related("metric"):
            if (value.metric_id, value.period) in keys:
                clashes.append(
                    gettext("both have a value for “%(metric)s”, %(period)s")
                    % {"metric": value.metric.name, "period": value.period}
                )
        if clashes:
            raise CityRecordError(
                gettext(
                    "%(source)s cannot be merged into %(into)s: %(clashes)s. "
                    "Delete or correct one of each pair first."
                )
                % {"source": source, "into": into, "clashes": gettext("; ").join(clashes)}
            )
        for article in Article.objects.filter(cities=source):
            article.cities.add(into)
        source.articles.clear()
        reason = phrases.MERGED(source=source, into=into)
        designations = list(source.designations.all())
        values = list(source.metric_values.all())
        now = timezone.now()
        for record in [*designations, *values]:
            record.city = into
        for value in values:
            value.changed_at = now
        history = {"default_user": person(by), "default_change_reason": reason}
        bulk_update_with_history(designations, Designation, ["city"], **history)
        bulk_update_with_history(values, MetricValue, ["city", "changed_at"], **history)
        logger.info("City %s merged into %s by %s", source, into, by)
        attribute(source, by=by, reason=reason).delete()
        _delete_image_on_commit(source.image.name, source.image_renditions)
        content_changed()
    return into
