"""Staff preferences: each person's admin language and e-mail choice, with defaults until set."""

import pytest

from news import services
from news.models import StaffProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_without_a_choice_the_browser_language_and_notifications_apply(django_assert_num_queries):
    user = UserFactory(is_staff=True)
    with django_assert_num_queries(1):
        profile = StaffProfile.objects.for_user(user)
    assert profile.pk is None
    assert (profile.language, profile.email_notifications) == ("", True)


def test_a_choice_is_stored_once_and_changed_in_place():
    user = UserFactory(is_staff=True)
    services.update_preferences(user=user, language="zh-hans", email_notifications=False)
    services.update_preferences(user=user, language="en", email_notifications=False)
    profile = StaffProfile.objects.get(user=user)
    assert (profile.language, profile.email_notifications) == ("en", False)
    assert StaffProfile.objects.count() == 1


def test_an_unknown_language_is_refused_with_the_field_named():
    user = UserFactory(is_staff=True)
    with pytest.raises(services.NewsroomError) as refused:
        services.update_preferences(user=user, language="fr", email_notifications=True)
    assert refused.value.field == "language"
    assert not StaffProfile.objects.exists()
