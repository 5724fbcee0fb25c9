"""Staff preferences: the admin's language and whether the newsroom e-mails them."""

from django.db import transaction
from django.utils.translation import gettext

from news.models import StaffProfile

from .errors import NewsroomError


@transaction.atomic
def update_preferences(*, user, language: str, email_notifications: bool) -> StaffProfile:
    """Store what `user` chose for themselves (nobody else's choices are theirs to change)."""
    if language not in StaffProfile.Language.values:
        raise NewsroomError(
            gettext("Unknown language: %(code)r.") % {"code": language}, field="language"
        )
    profile, _created = StaffProfile.objects.update_or_create(
        user=user,
        defaults={"language": language, "email_notifications": email_notifications},
    )
    return profile
