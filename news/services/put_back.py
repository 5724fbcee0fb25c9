"""Putting a city, programme, designation, metric or value back as one of its history rows
shows it: a change of its own, by the person who asked, on the same history; nothing is lost.

A record deleted since is not brought back here (its links may lead nowhere now); a version that
no longer fits the register (a figure for a metric, city and period that another value now
holds, a source article deleted since) is refused with the reason, and nothing is changed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from news import phrases
from news.models import City, Designation, Metric, MetricValue, Programme

from .errors import NewsroomError
from .records import save_record
from .register import save_city

#: Models whose records can be put back as they were.
PUT_BACK_MODELS = (City, Programme, Designation, Metric, MetricValue)
#: Fields a put-back leaves as they are now: a replaced image's files are deleted with it, so
#: an old image name would lead nowhere; "last changed" moves on with the put-back itself.
KEPT_AS_THEY_ARE = {"image", "image_width", "image_height", "image_renditions", "changed_at"}


class PutBackError(NewsroomError):
    """A record could not be put back as it was."""


def put_back_fields(model) -> list:
    """The fields a put-back restores: everything an editor can change but the image."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in KEPT_AS_THEY_ARE
    ]


def differences(entry, current) -> list[str]:
    """Names of the fields whose value in history row `entry` differs from `current`."""
    then = entry.instance
    return [
        field.name
        for field in put_back_fields(type(current))
        if field.value_from_object(then) != field.value_from_object(current)
    ]


@transaction.atomic
def put_back_record(*, entry, by):
    """Make the record as history row `entry` shows it; returns the record as saved."""
    model = entry.instance_type
    if model not in PUT_BACK_MODELS:
        raise PutBackError(gettext("Records of this kind cannot be put back."))
    names = model._meta.verbose_name_plural
    if not by.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
        raise PutBackError(
            gettext("You do not have permission to change %(kind)s.") % {"kind": names}
        )
    when = f"{timezone.localtime(entry.history_date):%Y-%m-%d %H:%M}"
    current = model._default_manager.select_for_update().filter(pk=entry.id).first()
    if current is None:
        deleted = (
            model.history.filter(id=entry.id, history_type="-")
            .select_related("history_user")
            .order_by("-history_date")
            .first()
        )
        values = {"kind": model._meta.verbose_name, "when": when}
        if deleted is None:
            message = gettext(
                "This %(kind)s was deleted, so it cannot be put back as it was on %(when)s. "
                "Nothing was changed; its history is kept."
            )
        else:
            message = gettext(
                "This %(kind)s was deleted by %(who)s on %(deleted)s, so it cannot be put back "
                "as it was on %(when)s. Nothing was changed; its history is kept."
            )
            values["who"] = (
                deleted.history_user.get_username() if deleted.history_user else gettext("someone")
            )
            values["deleted"] = f"{timezone.localtime(deleted.history_date):%Y-%m-%d %H:%M}"
        raise PutBackError(message % values)
    changed = differences(entry, current)
    if not changed:
        raise PutBackError(
            gettext("It is already as it was on %(when)s: nothing to put back.") % {"when": when}
        )
    then = entry.instance
    for name in changed:
        field = model._meta.get_field(name)
        setattr(current, field.attname, field.value_from_object(then))
    try:
        current.full_clean(exclude=sorted(KEPT_AS_THEY_ARE))
    except ValidationError as error:
        problems = " ".join(
            (
                gettext("%(field)s: %(problems)s")
                % {"field": _label(model, name), "problems": " ".join(messages)}
            ).rstrip(".。")
            + pgettext("the end of a sentence", ".")
            for name, messages in error.message_dict.items()
        )
        raise PutBackError(
            gettext(
                "It cannot be put back as it was on %(when)s: %(problems)s Nothing was changed."
            )
            % {"when": when, "problems": problems}
        ) from error
    reason = phrases.PUT_BACK(when=when)
    if model is City:
        return save_city(city=current, by=by, changed_fields=changed, reason=reason)
    return save_record(record=current, by=by, reason=reason)


def _label(model, name: str) -> str:
    if name == "__all__":
        return gettext("The record")
    return str(model._meta.get_field(name).verbose_name).capitalize()
