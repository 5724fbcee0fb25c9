"""Fixtures and test-only settings: fast hashing, throwaway media and private folders, plain
static files."""

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.SECURE_SSL_REDIRECT = False
    # Files on disk in the test's folder, even if the shell has a bucket configured.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private" / "imports"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back database may reuse a generation."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request to a /zh-hans/ page leaves Chinese active in the test thread; reset it."""
    yield
    translation.activate("en")


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def roles(db):
    """The three role groups (a migration creates them; a flushed test database may not)."""
    from django.contrib.auth.models import Group, Permission

    from news.roles import EDITOR, RECORDS_ADMIN, WRITER, ensure_roles

    ensure_roles(Group, Permission)
    return {name: Group.objects.get(name=name) for name in (WRITER, EDITOR, RECORDS_ADMIN)}


def _member(roles, role: str, username: str):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(roles[role])
    return user


@pytest.fixture
def writer(roles):
    return _member(roles, "Writer", "wendy-writer")


@pytest.fixture
def other_writer(roles):
    return _member(roles, "Writer", "walter-writer")


@pytest.fixture
def editor(roles):
    return _member(roles, "Editor", "edith-editor")


@pytest.fixture
def second_editor(roles):
    return _member(roles, "Editor", "eddie-editor")


@pytest.fixture
def records_admin(roles):
    return _member(roles, "Records admin", "rita-records")
