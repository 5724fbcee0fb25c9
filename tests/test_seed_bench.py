"""`manage.py seed_bench`: the same N gives the same archive every time, public where it should
be, and a database with real content is refused unless --force (which never deletes it)."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from news import bench_data
from news.models import Article, City, Designation, Metric, MetricValue, Programme, PublicationState
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

#: Small enough to stay fast, big enough that every status and kind shows up.
ARTICLES = 60
PREFIX = bench_data.PREFIX


def seed_bench(**options) -> str:
    out = StringIO()
    call_command("seed_bench", articles=ARTICLES, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def bench_articles():
    return Article.objects.filter(slug__startswith=PREFIX)


def archive_digest() -> str:
    """Everything seed_bench decides, by natural keys (primary keys differ between runs)."""
    articles = [
        [
            article.slug,
            article.title,
            article.kind,
            article.status,
            article.published_at.isoformat() if article.published_at else None,
            article.hero.file.name if article.hero else None,
            sorted(city.slug for city in article.cities.all()),
            sorted(tag.name for tag in article.tags.all()),
        ]
        for article in bench_articles()
        .order_by("slug")
        .select_related("hero")
        .prefetch_related("cities", "tags")
    ]
    designations = sorted(
        [
            item.programme.slug,
            item.city.slug,
            item.status,
            item.announced_on.isoformat(),
            item.source_article.slug if item.source_article else None,
        ]
        for item in Designation.objects.select_related("programme", "city", "source_article")
    )
    values = sorted(
        [
            item.metric.slug,
            item.city.slug,
            item.period,
            str(item.value.normalize()),
            item.source_article.slug if item.source_article else None,
            item.source_note,
        ]
        for item in MetricValue.objects.select_related("metric", "city", "source_article")
    )
    text = json.dumps([articles, designations, values], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def bench_row_counts() -> dict[str, int]:
    return {
        "articles": bench_articles().count(),
        "cities": City.objects.filter(slug__startswith=PREFIX).count(),
        "programmes": Programme.objects.filter(slug__startswith=PREFIX).count(),
        "metrics": Metric.objects.filter(slug__startswith=PREFIX).count(),
        "designations": Designation.objects.count(),
        "metric values": MetricValue.objects.count(),
    }


# --- the archive --------------------------------------------------------------------------------


def test_seeding_twice_gives_identical_rows():
    seed_bench()
    first = archive_digest()
    first_counts = bench_row_counts()
    seed_bench()
    assert bench_row_counts() == first_counts
    assert archive_digest() == first
    assert first_counts["articles"] == ARTICLES


def test_seeded_archive_has_public_scheduled_and_draft_articles():
    report = seed_bench()
    assert f"Seeded {ARTICLES} articles" in report
    statuses = set(bench_articles().values_list("status", flat=True))
    assert {Article.Status.PUBLISHED, Article.Status.DRAFT} <= statuses
    assert bench_articles().filter(status=Article.Status.DRAFT, published_at=None).exists()
    assert Designation.objects.exists() and MetricValue.objects.exists()

    public = Article.objects.public()
    assert public.count() > ARTICLES // 2
    newest = public.newest_first().first()
    assert newest.title in Client().get("/news/").content.decode()

    scheduled = bench_articles().filter(
        status=Article.Status.PUBLISHED, published_at__gte=bench_data.SCHEDULED_FROM
    )
    assert scheduled.exists(), "the archive should hold articles scheduled far ahead"
    assert not public.filter(pk__in=scheduled.values("pk")).exists()
    reader = Client()
    for article in scheduled:
        assert reader.get(article.get_absolute_url()).status_code == 404
    assert all(slug.startswith(PREFIX) for slug in Article.objects.values_list("slug", flat=True))


def test_seeding_moves_the_content_generation_on():
    before = PublicationState.objects.filter(pk=1).values_list("generation", flat=True).first()
    seed_bench()
    after = PublicationState.objects.get(pk=1).generation
    assert before is None or after > before


# --- real content is refused -------------------------------------------------------------------


def test_database_with_real_content_is_refused_and_nothing_written(settings):
    real = ArticleFactory(title="A real story", slug="a-real-story")
    with pytest.raises(CommandError, match=r"not benchmark data \(1 articles\)"):
        seed_bench()
    assert bench_row_counts() == dict.fromkeys(bench_row_counts(), 0)
    assert list(Article.objects.values_list("pk", flat=True)) == [real.pk]
    assert not list((settings.MEDIA_ROOT / "articles").glob(f"{PREFIX}*"))


def test_force_adds_the_archive_beside_real_content_and_keeps_it():
    real = ArticleFactory(title="A real story", slug="a-real-story", tags=["local"])
    seed_bench(force=True)
    assert bench_articles().count() == ARTICLES
    kept = Article.objects.get(pk=real.pk)
    assert (kept.title, kept.status) == ("A real story", Article.Status.PUBLISHED)
    assert list(kept.tags.names()) == ["local"]
    assert "A real story" in Client().get("/news/").content.decode()


def test_force_keeps_real_tags_that_share_a_bench_topic_name():
    """A real newsroom tags stories "innovation" or "hydrogen", the bench topics' names."""
    real = ArticleFactory(title="A real story", slug="a-real-story", tags=["hydrogen"])
    seed_bench(force=True)
    assert bench_articles().count() == ARTICLES
    assert list(Article.objects.get(pk=real.pk).tags.names()) == ["hydrogen"]


def test_real_and_bench_content_together_are_refused_even_with_force():
    ArticleFactory(title="A real story", slug="a-real-story")
    seed_bench(force=True)
    counts = bench_row_counts()
    with pytest.raises(CommandError, match="real content and an earlier benchmark archive"):
        seed_bench(force=True)
    with pytest.raises(CommandError, match="not benchmark data"):
        seed_bench()
    assert bench_row_counts() == counts
    assert Article.objects.filter(slug="a-real-story").exists()
