"""`manage.py backup` and `restore`: the round trip loses nothing (every model's rows, keys
included, and every media file's bytes and name), a damaged archive is refused before anything
is written, a site with content is refused without --force, and a failed restore leaves the
site exactly as it was.

Rows written here are committed (`transactional_db`): a restore runs its own transaction, and
the constraints it defers are checked when that transaction really commits.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from news import csv_io, services
from news.backups.contents import backed_up_models
from news.caching import current_state
from news.models import Article, City, DraftCopy, OutgoingMail, Programme
from news.roles import ensure_roles
from news.services.media import upload_image
from tests.factories import (
    ArticleFactory,
    CityFactory,
    DesignationFactory,
    MetricFactory,
    MetricValueFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.services import HOST, free_port, plain_opener, stop, unavailable
from tests.test_images import jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

#: What a backup leaves out on purpose (see news/backups/contents.py); every other model's
#: rows must come back identical.
NOT_BACKED_UP = {
    "contenttypes.ContentType",
    "auth.Permission",
    "sessions.Session",
    "news.PublicationState",
    "news.OutgoingMail",
}
#: Apps a backup leaves out whole: django-axes keeps this server's sign-in attempts.
NOT_BACKED_UP_APPS = {"axes"}
#: Rows that point at these name them by natural key: their keys differ between databases.
NATURAL_KEYS = (ContentType, Permission)
PROJECT_DIR = Path(__file__).resolve().parent.parent


# --- building a site and looking at it ----------------------------------------------------------


def build_site() -> dict:
    """Content of every kind, made the way the newsroom makes it (services and factories)."""
    writer = UserFactory(username="wendy", email="wendy@example.org", is_staff=True)
    editor = UserFactory(username="edith", is_staff=True, is_superuser=True)
    ensure_roles(Group, Permission)  # a flushed test database has no role groups
    roles = {group.name: group for group in Group.objects.all()}
    writer.groups.add(roles["Writer"])
    translators = Group.objects.create(name="Translators")
    translators.permissions.add(Permission.objects.get(codename="change_city"))
    writer.user_permissions.add(Permission.objects.get(codename="view_metric"))
    services.update_preferences(user=writer, language="zh-hans", email_notifications=False)

    baotou = CityFactory(
        name="Baotou",
        name_zh="包头",
        image=upload("baotou.png", png_bytes((300, 200)), "image/png"),
    )
    hefei = CityFactory(name="Hefei", name_zh="合肥")
    programme = ProgrammeFactory(name="Innovation-driven demonstration cities")
    hero = jpeg_bytes(size=(700, 420), with_gps=False)
    skyline = upload_image(
        upload=upload("baotou-skyline.jpg", hero), by=writer, title="Skyline",
        alt_text="Baotou skyline", tags=["skyline"],
    )  # fmt: skip
    platform = upload_image(
        upload=upload("platform.jpg", hero), by=writer, title="Platform", alt_text="The platform"
    )
    article = services.create_article(
        article=Article(
            title="Baotou approved as a demonstration city",
            summary="Perovskite and graphene labs named.",
            body="<p>2,333 experts joined the platform.</p>"
            f'<img src="{platform.file.url}" alt="" data-image-id="{platform.pk}">',
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=3, microseconds=123457),
            hero=skyline,
        ),
        by=writer,
        cities=[baotou, hefei],
        programmes=[programme],
        tags=["innovation", "创新"],
    )
    changed = Article.objects.get(pk=article.pk)
    changed.body = "<p>2,333 experts and 1,135 achievements.</p>"
    article = services.edit_article(
        article=changed,
        by=editor,
        opened_version=article.version,
        change_kind="major",
        change_note="Figures for 2023 added.",
    )
    edited = Article.objects.get(pk=article.pk)
    edited.slug = "baotou-demonstration-city"
    services.edit_article(
        article=edited, by=editor, opened_version=edited.version, change_kind="minor"
    )
    draft = ArticleFactory(title="A draft about Hefei", status=Article.Status.DRAFT, author=writer)
    remark = services.add_comment(article=draft, by=editor, text="Which district of Hefei?")
    services.resolve_comment(comment=remark, by=writer)
    # The writer's autosaved, unsaved copy of the draft's form comes back too.
    DraftCopy.objects.create(
        user=writer, article=draft, data={"title": ["合肥草稿"], "body": ["<p>未保存</p>"]},
        opened_version=draft.version, saved_at=timezone.now(),
    )  # fmt: skip
    ArticleFactory(title="Second story", tags=["innovation"], cities=[hefei])
    # A gap in the keys: a deleted article's number must not be reused by the restore.
    services.delete_article(article=ArticleFactory(title="Deleted soon"), by=editor)
    DesignationFactory(programme=programme, city=baotou, source_article=article)
    metric = MetricFactory(name="Experts on the platform")
    MetricValueFactory(
        metric=metric, city=baotou, value=Decimal("2333.1250"), source_article=article
    )
    MetricValueFactory(metric=metric, city=hefei, period="2022", value=Decimal("0.0001"))
    # History rows of every kind: an admin-like edit, a CSV import (with its record), and a
    # suggested figure dismissed on the article.
    services.save_record(record=Programme.objects.get(pk=programme.pk), by=editor)
    imported = csv_io.import_metric_values(
        data=f"metric,city,period,value,source_article,source_note\n"
        f"{metric.slug},{hefei.slug},2021,17,,Statistical yearbook\n".encode(),
        by=editor,
        file_name="hefei 2021.csv",
    )
    assert imported.written
    suggestions = services.pending_suggestions(Article.objects.get(pk=article.pk))
    services.record_article_figures(
        article=article, figures=[], dismissed=suggestions[:1], by=editor
    )
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(City),
        object_id=str(baotou.pk),
        object_repr="Baotou",
        action_flag=ADDITION,
        change_message="[]",
    )
    # Files nothing points at are part of the storage too, names with spaces and Chinese too.
    default_storage.save("documents/包头 report 2023.txt", ContentFile("报告\n".encode()))
    return {"article": article, "draft": draft, "writer": writer}


def rows_of_every_model() -> dict[str, list[dict]]:
    """Every row of every installed model but those left out on purpose, every column (the
    search vector aside, which is derived), links to content types and permissions by name."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in NOT_BACKED_UP or model._meta.app_label in NOT_BACKED_UP_APPS:
            continue
        fields = [field for field in model._meta.concrete_fields if field.name != "search_vector"]
        rows = []
        for row in model._base_manager.order_by("pk").values(*[f.attname for f in fields]):
            for field in fields:
                if field.is_relation and field.related_model in NATURAL_KEYS and row[field.attname]:
                    related = field.related_model._base_manager.get(pk=row[field.attname])
                    row[field.attname] = related.natural_key()
            rows.append(row)
        snapshot[model._meta.label] = rows
    return snapshot


def media_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def site_state():
    return rows_of_every_model(), media_files()


def empty_the_site() -> None:
    """What a new server has: a migrated database holding only what migrations make, numbered
    its own way, and an empty media storage."""
    call_command("flush", interactive=False, verbosity=0)
    # migrate on another machine numbers content types and permissions differently.
    ContentType.objects.filter(app_label="news").delete()
    ContentType.objects.clear_cache()
    news = apps.get_app_config("news")
    create_contenttypes(news, verbosity=0)
    create_permissions(news, verbosity=0)
    ensure_roles(Group, Permission)  # as migration 0003 does
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def backup(tmp_path, name="site.tar.gz") -> Path:
    path = tmp_path / name
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def restore(path, *options) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *options, stdout=out)
    return out.getvalue()


# --- the round trip -----------------------------------------------------------------------------


def test_restore_into_a_new_site_brings_back_every_row_and_every_file(client, tmp_path):
    made = build_site()
    rows, files = site_state()
    assert [label for label, found in rows.items() if not found] == []  # every model has rows
    article_type = ContentType.objects.get_for_model(Article).pk
    generation = current_state().token
    assert len(files) >= 8, files.keys()  # hero, body image, renditions, city image, document
    archive = backup(tmp_path)

    empty_the_site()
    assert ContentType.objects.get_for_model(Article).pk != article_type
    assert media_files() == {}
    output = restore(archive)

    restored_rows, restored_files = site_state()
    assert restored_rows == rows
    assert restored_files == files
    assert {ct.natural_key() for ct in ContentType.objects.all()} >= {("news", "article")}
    assert f"Restored {sum(len(r) for r in rows.values())} rows" in output
    assert f"{len(files)} media files" in output
    assert "news.article: 3 rows" in output
    # The site works as before: the article at its address with its image, the old address
    # redirecting, the generation moved on (nothing cached before the restore is served).
    article = Article.objects.get(pk=made["article"].pk)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert default_storage.url(article.hero.renditions[0]["name"]) in page.content.decode()
    old_address = client.get(made["article"].get_absolute_url())
    assert (old_address.status_code, old_address["Location"]) == (301, article.get_absolute_url())
    assert current_state().token != generation


def test_new_rows_after_a_restore_get_new_keys_and_search_finds_restored_articles(client, tmp_path):
    build_site()
    last_article = Article.objects.order_by("pk").last().pk
    archive = backup(tmp_path)
    empty_the_site()
    restore(archive)

    created = ArticleFactory(title="Written after the restore", body="<p>Desalination.</p>")
    assert created.pk > last_article
    UserFactory(username="new-after-restore")
    response = client.get("/search/", {"q": "perovskite"})
    assert [item.title for item, _ in response.context["results"]] == [
        "Baotou approved as a demonstration city"
    ]
    response = client.get("/search/", {"q": "desalination"})
    assert [item.title for item, _ in response.context["results"]] == [created.title]


def test_archive_holds_a_manifest_with_counts_and_checksums(tmp_path):
    build_site()
    archive = backup(tmp_path)
    assert os.stat(archive).st_mode & 0o777 == 0o600  # it holds password hashes
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[-1] == "manifest.json"
    assert "data/news.article.jsonl" in names and "media/documents/包头 report 2023.txt" in names
    assert manifest["format_version"] == 1
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["counts"]["news.article"] == 3
    assert manifest["counts"]["auth.group"] == 4
    assert "news" in manifest["migrations"]
    media = {item["name"]: item for item in manifest["media"]}
    assert media["media/documents/包头 report 2023.txt"]["size"] == len("报告\n".encode())
    assert all(len(item["sha256"]) == 64 for item in manifest["data"] + manifest["media"])
    assert not [name for name in names if "sessions" in name or "contenttype" in name]


def test_check_verifies_an_archive_and_writes_nothing(tmp_path):
    build_site()
    archive = backup(tmp_path)
    before = site_state()
    output = restore(archive, "--check")
    assert "is complete" in output and "match its manifest" in output
    assert site_state() == before


def test_backup_never_overwrites_an_existing_file(tmp_path):
    archive = tmp_path / "kept.tar.gz"
    archive.write_bytes(b"an older archive")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"an older archive"


def test_backup_into_a_folder_names_the_archive_by_its_time(tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    (made,) = tmp_path.glob("cityinno-backup-*.tar.gz")
    assert f"to {made}" in out.getvalue()
    assert not list(tmp_path.glob("*.partial"))


def test_every_link_of_a_backed_up_row_points_at_a_backed_up_or_named_row():
    """A backed-up model linking to a left-out one would not restore (say, a new model of an
    app whose rows stay out): each foreign key leads to rows the archive holds, or names a
    content type or permission by natural key."""
    kept = set(backed_up_models())
    dangling = [
        f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
        for model in kept
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model not in kept
        and field.related_model not in NATURAL_KEYS
    ]
    assert dangling == []
    left_out = {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_BACKED_UP_APPS
    } - {model._meta.label for model in kept}
    assert left_out == NOT_BACKED_UP


# --- refusing a site with content ---------------------------------------------------------------


def test_a_database_with_content_is_refused_without_force(tmp_path):
    build_site()
    archive = backup(tmp_path)
    before = site_state()
    with pytest.raises(CommandError, match=r"database is not empty \(.*3 news.Article"):
        restore(archive)
    assert site_state() == before


def test_a_storage_with_files_is_refused_without_force(tmp_path):
    build_site()
    archive = backup(tmp_path)
    empty_the_site()
    default_storage.save("left/over.txt", ContentFile(b"x"))
    with pytest.raises(CommandError, match="media storage is not empty .*left/over.txt"):
        restore(archive)
    assert media_files() == {"left/over.txt": b"x"}


def test_force_replaces_the_content_files_sessions_and_outbox(client, tmp_path):
    made = build_site()
    rows, files = site_state()
    archive = backup(tmp_path)
    # Meanwhile the site changed: a new article, a changed file, a new file, a sign-in, and
    # mail waiting to tell the writer about their article.
    ArticleFactory(title="Written after the backup")
    City.objects.filter(name="Baotou").update(summary="Changed after the backup")
    hero = made["article"].hero.file.name
    default_storage.delete(hero)
    default_storage.save(hero, ContentFile(b"changed"))
    default_storage.save("new/file.txt", ContentFile(b"new"))
    client.force_login(made["writer"])
    assert Session.objects.exists()
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.PUBLISHED, recipient=made["writer"], article=made["article"],
        to_address="wendy@example.org", language="en", subject="Published", body="…",
    )  # fmt: skip

    output = restore(archive, "--force")
    assert site_state() == (rows, files)
    assert not Session.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert "1 media files the archive does not hold were deleted" in output


# --- damaged archives ---------------------------------------------------------------------------


def rewrite(archive: Path, damaged: Path, change) -> Path:
    """Copy the archive member by member, letting `change(name, data)` alter, drop (None) or
    add members: the gzip stream stays valid, so only the manifest can tell."""
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            for name, content in change(member.name, data):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                target.addfile(info, io.BytesIO(content))
    return damaged


def flip_byte(name, data):
    if name == "media/documents/包头 report 2023.txt":
        data = bytes([data[0] ^ 0x01]) + data[1:]
    yield name, data


def drop_manifest(name, data):
    if name != "manifest.json":
        yield name, data


def wrong_row_count(name, data):
    if name == "manifest.json":
        manifest = json.loads(data)
        for entry in manifest["data"]:
            if entry["name"] == "data/news.article.jsonl":
                entry["rows"] += 1
        manifest["counts"]["news.article"] += 1
        data = json.dumps(manifest).encode()
    yield name, data


def extra_file(name, data):
    if name == "manifest.json":
        yield "media/planted.html", b"<script>alert(1)</script>"
    yield name, data


def dropped_data(name, data):
    if name != "data/news.city.jsonl":
        yield name, data


DAMAGES = {
    "a flipped byte in a media file": (
        flip_byte,
        r"media/documents/包头 report 2023.txt: checksum does not match the manifest; the "
        r"archive is damaged",
    ),
    "no manifest": (drop_manifest, r"has no manifest.json"),
    "a changed row count": (
        wrong_row_count,
        r"data/news.article.jsonl: holds 3 rows, the manifest says 4; the archive is damaged",
    ),
    "a file not in the manifest": (
        extra_file,
        r"media/planted.html: is in the archive but not in the manifest",
    ),
    "a missing data file": (
        dropped_data,
        r"data/news.city.jsonl: is in the manifest but missing from the archive",
    ),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_archive_is_refused_and_nothing_changes_even_with_force(damage, tmp_path):
    build_site()
    archive = backup(tmp_path)
    change, message = DAMAGES[damage]
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz", change)
    before = site_state()
    for options in [(), ("--force",), ("--check",)]:
        with pytest.raises(CommandError, match=message):
            restore(damaged, *options)
        assert site_state() == before


@pytest.mark.parametrize("cut", ["truncated", "flipped"])
def test_a_truncated_or_corrupted_file_is_refused_before_anything_is_written(cut, tmp_path):
    build_site()
    archive = backup(tmp_path)
    raw = bytearray(archive.read_bytes())
    if cut == "truncated":
        raw = raw[: len(raw) // 2]
    else:
        raw[len(raw) // 2] ^= 0xFF
    archive.write_bytes(bytes(raw))
    empty_the_site()
    before = site_state()
    with pytest.raises(CommandError, match="the archive is (truncated or )?damaged"):
        restore(archive)
    assert site_state() == before


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not an archive")
    with pytest.raises(CommandError, match="notes.txt: cannot be read to the end"):
        restore(path)
    with pytest.raises(CommandError, match="missing.tar.gz: no such archive"):
        restore(tmp_path / "missing.tar.gz")


def test_a_media_name_reaching_outside_the_storage_is_refused(tmp_path):
    build_site()
    archive = backup(tmp_path)

    def escape(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["media"][0]["name"] = "media/../../outside.txt"
            data = json.dumps(manifest).encode()
        yield name, data

    damaged = rewrite(archive, tmp_path / "escape.tar.gz", escape)
    with pytest.raises(CommandError, match="is not a safe media file name"):
        restore(damaged, "--force")
    assert not (tmp_path / "outside.txt").exists()


def test_an_archive_of_other_migrations_is_refused_with_the_way_forward(tmp_path):
    build_site()
    archive = backup(tmp_path)

    def newer(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"]["news"].append("0099_from_the_future")
            data = json.dumps(manifest).encode()
        yield name, data

    damaged = rewrite(archive, tmp_path / "newer.tar.gz", newer)
    empty_the_site()
    before = site_state()
    with pytest.raises(CommandError, match=r"migration 0099_from_the_future.*migrate news"):
        restore(damaged)
    assert site_state() == before


# --- a restore that fails half way --------------------------------------------------------------


def test_rows_that_do_not_fit_together_roll_back_everything(tmp_path):
    """An archive whose checksums were made to match rows edited by hand: the link to a city
    that is not there is found when the rows are in, and nothing stays."""
    build_site()
    archive = backup(tmp_path)
    edited = {}

    def dangling(name, data):
        if name == "data/news.designation.jsonl":
            rows = [json.loads(line) for line in data.splitlines()]
            rows[0]["fields"]["city"] = 999_999
            data = "".join(json.dumps(row) + "\n" for row in rows).encode()
            edited[name] = data
        if name == "manifest.json":
            manifest = json.loads(data)
            for entry in manifest["data"]:
                if entry["name"] in edited:
                    entry["size"] = len(edited[entry["name"]])
                    entry["sha256"] = hashlib.sha256(edited[entry["name"]]).hexdigest()
            data = json.dumps(manifest).encode()
        yield name, data

    damaged = rewrite(archive, tmp_path / "dangling.tar.gz", dangling)
    empty_the_site()
    before = site_state()
    with pytest.raises(CommandError, match="rows do not fit together"):
        restore(damaged)
    assert site_state() == before


class FullDiskStorage(FileSystemStorage):
    """A storage whose disk fills up after a few files: what a real restore can meet."""

    room = 3

    def _save(self, name, content):
        if FullDiskStorage.room <= 0:
            raise OSError(28, "No space left on device")
        FullDiskStorage.room -= 1
        return super()._save(name, content)


def test_a_restore_that_fails_writing_media_rolls_back_and_deletes_what_it_wrote(
    settings, tmp_path
):
    build_site()
    archive = backup(tmp_path)
    empty_the_site()
    before = site_state()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FullDiskStorage"},
    }
    FullDiskStorage.room = 3
    with pytest.raises(CommandError, match=r"media/.*: the media storage refused it .*No space"):
        restore(archive)
    assert site_state() == before
    assert FullDiskStorage.room == 0  # three files were written, then taken back


class RenamingStorage(FileSystemStorage):
    """A storage that never overwrites and finds every name taken, as an object storage set
    not to overwrite would when something else writes the same name meanwhile."""

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(f"{name}.taken", max_length)


def test_a_file_the_storage_would_rename_is_refused_and_taken_back(settings, tmp_path):
    build_site()
    archive = backup(tmp_path)
    empty_the_site()
    before = site_state()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RenamingStorage"},
    }
    with pytest.raises(CommandError, match=r"the storage saved it as .*\.taken, not under its own"):
        restore(archive)
    assert site_state() == before


# --- across database engines --------------------------------------------------------------------


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def archived_rows(archive: Path) -> dict[str, list]:
    """The rows an archive holds, as parsed JSON (an engine may order a JSON object's keys its
    own way), and its media files' checksums."""
    found = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name.startswith("data/"):
                found[member.name] = [json.loads(line) for line in data.splitlines()]
            elif member.name == "manifest.json":
                found["media"] = json.loads(data)["media"]
    return found


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="restores a SQLite archive")
def test_an_archive_from_sqlite_restores_into_postgresql_and_back(tmp_path):
    sqlite = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "laptop-media"),
    }
    manage("migrate", "--noinput", env=sqlite)
    manage("load_demo", env=sqlite)
    from_sqlite = tmp_path / "from-sqlite.tar.gz"
    manage("backup", str(from_sqlite), env=sqlite)

    empty_the_site()
    restore(from_sqlite)
    from_postgres = backup(tmp_path, "from-postgres.tar.gz")
    assert archived_rows(from_postgres) == archived_rows(from_sqlite)

    again = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'again.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "again-media"),
    }
    manage("migrate", "--noinput", env=again)
    assert "Restored" in manage("restore", str(from_postgres), env=again)
    back_on_sqlite = tmp_path / "back-on-sqlite.tar.gz"
    manage("backup", str(back_on_sqlite), env=again)
    assert archived_rows(back_on_sqlite) == archived_rows(from_sqlite)


# --- on object storage --------------------------------------------------------------------------

BUCKET = "cityinno-media"


@pytest.fixture
def object_storage(settings, tmp_path):
    """Media in an S3-compatible object storage (moto's server, a real process on a free port)
    through django-storages, as production may keep it. Yields a function listing its files."""
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if executable is None:
        unavailable("moto_server is not installed (pip install 'moto[server]')")
    import boto3

    port = free_port()
    url = f"http://{HOST}:{port}"
    with (tmp_path / "moto.log").open("wb") as log:
        process = subprocess.Popen(
            [executable, "-H", HOST, "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                plain_opener().open(url, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"moto_server did not start on {url}") from None
                time.sleep(0.1)
        options = {
            "bucket_name": BUCKET,
            "endpoint_url": url,
            "access_key": "backup-test",
            "secret_key": "backup-test-secret",
            "region_name": "us-east-1",
        }
        client = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id=options["access_key"],
            aws_secret_access_key=options["secret_key"],
            region_name=options["region_name"],
        )
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        }

        def stored_objects() -> dict[str, bytes]:
            listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
            return {
                item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
                for item in listed
            }

        def empty_bucket() -> None:
            for key in stored_objects():
                client.delete_object(Bucket=BUCKET, Key=key)

        stored_objects.empty = empty_bucket
        yield stored_objects
    finally:
        stop(process)


def test_backup_and_restore_work_unchanged_on_object_storage(object_storage, tmp_path):
    build_site()
    rows, files = rows_of_every_model(), object_storage()
    assert "documents/包头 report 2023.txt" in files and len(files) >= 8
    assert media_files() == {}  # nothing went to the local folder
    archive = backup(tmp_path)

    empty_the_site()
    object_storage.empty()
    output = restore(archive)
    assert rows_of_every_model() == rows
    assert object_storage() == files
    assert f"{len(files)} media files" in output

    # Forced over changed files: the changed one replaced, the extra one gone, names exact.
    hero = Article.objects.exclude(hero=None).get().hero.file.name
    default_storage.delete(hero)
    default_storage.save(hero, ContentFile(b"changed"))
    default_storage.save("new/file.txt", ContentFile(b"new"))
    restore(archive, "--force")
    assert object_storage() == files
