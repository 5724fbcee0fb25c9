"""A deterministic archive of the size a real newsroom reaches, for benchmarks (seed_bench).

The same `articles` count always gives the same rows: every choice comes from one seeded random
generator and every date from a fixed anchor, never from the clock. Proportions follow a city
news site: most articles public, some drafts, a few in review, scheduled, withdrawn or archived;
cities, tags and programmes used with a long tail (a few very often, most rarely); a hero image
on four articles in ten, drawn from a small pool whose renditions are made once and shared.

Rows are written with bulk inserts and the search vectors refreshed once, at the end, in
batches: the article services' one-at-a-time path would take hours at 100,000 articles.
Everything seeded has a slug starting with `bench-`, which is how the command tells a bench
database from a real one.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from news import images
from news.caching import content_changed
from news.demo import demo_image
from news.models import (
    Article,
    ArticleEvent,
    ArticleRedirect,
    ArticleRevision,
    ChangeNote,
    City,
    Designation,
    Image,
    Metric,
    MetricValue,
    Programme,
    ReviewComment,
    TaggedImage,
)
from news.search.index import refresh_search_vectors

PREFIX = "bench-"
#: Where the shared hero images live in storage.
POOL_FOLDER = "articles/bench-pool"
SEED = 20230704
#: Articles are spread over the years before this moment; scheduled ones come long after it.
ANCHOR = datetime(2026, 6, 30, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
SCHEDULED_FROM = datetime(2040, 1, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
CITY_COUNT, TAG_COUNT, PROGRAMME_COUNT, METRIC_COUNT, IMAGE_POOL = 300, 240, 8, 12, 6
PERIODS = ["2021", "2022", "2023"]
BATCH = 2000
#: (status, share of articles): what a working newsroom's archive holds.
STATUSES = [
    (Article.Status.PUBLISHED, 0.90), (Article.Status.DRAFT, 0.04),
    (Article.Status.IN_REVIEW, 0.02), ("scheduled", 0.02),
    (Article.Status.WITHDRAWN, 0.01), (Article.Status.ARCHIVED, 0.01),
]  # fmt: skip
KINDS = [
    (Article.Kind.NEWS, 0.60), (Article.Kind.ANNOUNCEMENT, 0.15), (Article.Kind.FEATURE, 0.10),
    (Article.Kind.POLICY, 0.08), (Article.Kind.DATA_RELEASE, 0.07),
]  # fmt: skip
TOPICS = [
    "innovation", "hydrogen", "semiconductor", "talent", "rare earth", "steel", "wind power",
    "biomedicine", "logistics", "software", "robotics", "agriculture", "tourism", "education",
    "science popularisation", "patents", "incubator", "venture capital", "carbon", "batteries",
]  # fmt: skip
#: Words that appear in about one article in a thousand: what a "rare word" search finds.
RARE_WORDS = ["graphene", "perovskite", "superconductor", "desalination"]
WORDS = (  # noqa: SIM905 (a sentence is easier to edit than a list)
    "city government platform experts achievements released academic events training sessions "
    "engineers managers education bases national society association programme approved "
    "demonstration pilot review district park enterprise industry research university "
    "laboratory funding million yuan project plan report survey year district county "
    "residents service digital green transport water energy network centre"
).split()
CHINESE = ["包头", "示范城市", "创新驱动", "科技", "人才", "氢能"]


@dataclass
class Seeded:
    articles: int
    public: int
    cities: int
    tags: int
    metric_values: int
    designations: int


def existing_content() -> dict[str, int]:
    """How many rows that are not bench rows the database holds, by kind (empty if none)."""
    counts = {
        "articles": Article.objects.exclude(slug__startswith=PREFIX).count(),
        "cities": City.objects.exclude(slug__startswith=PREFIX).count(),
        "programmes": Programme.objects.exclude(slug__startswith=PREFIX).count(),
        "metrics": Metric.objects.exclude(slug__startswith=PREFIX).count(),
    }
    return {name: count for name, count in counts.items() if count}


def has_bench_content() -> bool:
    return (
        Article.objects.filter(slug__startswith=PREFIX).exists()
        or City.objects.filter(slug__startswith=PREFIX).exists()
    )


def clear_bench_database() -> None:
    """Empty the newsroom's tables of a database that holds bench rows only, fast (no cascade
    collection in Python), so a new seed starts from the same state as the last one."""
    assert not existing_content(), "only a database with nothing but bench rows is cleared"
    models = [
        TaggedItem, Tag, Article.cities.through, Article.programmes.through, MetricValue,
        Designation, ArticleRevision, ChangeNote, ArticleEvent, ArticleRedirect, ReviewComment,
        Article, TaggedImage, Image, City, Programme, Metric,
    ]  # fmt: skip
    with transaction.atomic():
        for model in models:
            model.objects.all()._raw_delete(connection.alias)


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


class LongTail:
    """Draws distinct items, the first ones far more often than the rest (Zipf-like), as cities,
    tags and programmes are used in a real archive."""

    def __init__(self, items: list):
        self.items = items
        total, self.cumulative = 0.0, []
        for rank in range(len(items)):
            total += 1 / (rank + 1)
            self.cumulative.append(total)

    def draw(self, rng: random.Random, count: int) -> list:
        chosen: dict = {}
        while len(chosen) < min(count, len(self.items)):
            item = rng.choices(self.items, cum_weights=self.cumulative)[0]
            chosen[item.pk] = item
        return list(chosen.values())


def _sentence(rng: random.Random, topic: str) -> str:
    words = rng.choices(WORDS, k=rng.randint(10, 18))
    words.insert(rng.randrange(len(words)), topic)
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 9999):,}")
    if rng.random() < 0.004:
        words.append(rng.choice(RARE_WORDS))
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, topic: str, chinese: str) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        text = " ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4)))
        paragraphs.append(f"<p>{text}</p>")
    if chinese:
        paragraphs.append(f"<p>{chinese}：{chinese}建设取得新进展。</p>")
    if rng.random() < 0.3:
        paragraphs.insert(2, f"<h2>{topic.capitalize()} in figures</h2>")
    return "".join(paragraphs)


def _image_pool(rng: random.Random) -> list[Image]:
    """A few library images with their renditions, the heroes of many articles. The pool's folder is
    emptied first, so the files (and the names stored on the articles) are the same each time.

    The folder is listed without asking whether it exists: a bucket has no folders (its
    `exists()` says no to a prefix), and a disk without the folder raises FileNotFoundError."""
    for folder in (f"{POOL_FOLDER}/renditions", POOL_FOLDER):
        try:
            names = default_storage.listdir(folder)[1]
        except FileNotFoundError:
            names = []
        for name in names:
            default_storage.delete(f"{folder}/{name}")
    pool = []
    for number in range(IMAGE_POOL):
        image = demo_image(f"Benchmark {number}", hue=rng.randint(0, 255))
        name = default_storage.save(f"{POOL_FOLDER}/hero-{number}.jpg", image)
        renditions, (width, height) = images.make_renditions(name)
        pool.append(
            Image.objects.create(
                title=f"Benchmark {number}",
                alt_text="A benchmark illustration: coloured bands and rings.",
                file=name, width=width, height=height, renditions=renditions,
            )
        )  # fmt: skip
    return pool


def _register(rng: random.Random):
    cities = City.objects.bulk_create(
        City(
            name=f"Bench City {number}",
            name_zh=f"基准市{number}",
            slug=f"{PREFIX}city-{number}",
            province=f"Province {number % 31}",
            level=City.Level.PREFECTURE if number % 10 else City.Level.MUNICIPALITY,
            division_code=f"{900000 + number:06d}",
            summary=f"A benchmark city, number {number}.",
            is_featured=number < 6,
        )
        for number in range(CITY_COUNT)
    )
    programmes = Programme.objects.bulk_create(
        Programme(
            name=f"Bench programme {number}",
            slug=f"{PREFIX}programme-{number}",
            issuing_body="China Association for Science and Technology",
            start_year=2016 + number,
            end_year=2018 + number if number % 3 else None,
        )
        for number in range(PROGRAMME_COUNT)
    )
    metrics = Metric.objects.bulk_create(
        Metric(name=f"Bench metric {number}", slug=f"{PREFIX}metric-{number}", unit="people")
        for number in range(METRIC_COUNT)
    )
    names = [*TOPICS, *(f"{PREFIX}topic-{number}" for number in range(TAG_COUNT - len(TOPICS)))]
    # A real site may have a tag of the same name (seeding beside real content): use it.
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    Tag.objects.bulk_create(
        Tag(name=name, slug=PREFIX + slugify(name.removeprefix(PREFIX)))
        for name in names
        if name not in existing
    )
    tags = list(Tag.objects.filter(name__in=names).order_by("name"))
    tags.sort(key=lambda tag: names.index(tag.name))
    return cities, programmes, metrics, tags


def _article(rng: random.Random, number: int, pool) -> Article:
    status = _weighted(rng, STATUSES)
    topic = rng.choice(TOPICS)
    chinese = rng.choice(CHINESE) if rng.random() < 0.05 else ""
    published_at = ANCHOR - timedelta(minutes=number * 37 + rng.randint(0, 30))
    if status == "scheduled":
        status, published_at = Article.Status.PUBLISHED, SCHEDULED_FROM + timedelta(hours=number)
    elif status in {Article.Status.DRAFT, Article.Status.IN_REVIEW}:
        published_at = None
    title = (
        f"{topic.capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)} in Bench City {number % 97}"
    )
    article = Article(
        title=(f"{chinese} " if chinese else "") + title,
        slug=f"{PREFIX}{number}",
        summary=_sentence(rng, topic),
        body=_body(rng, topic, chinese),
        kind=_weighted(rng, KINDS),
        status=status,
        published_at=published_at,
        updated_on=published_at.date() if published_at else None,
        last_major_update_at=published_at,
        byline="Benchmark desk",
        is_featured=rng.random() < 0.01,
    )
    if status == Article.Status.WITHDRAWN:
        article.withdrawn_at, article.withdrawal_reason = published_at, "Benchmark withdrawal."
    if rng.random() < 0.4:
        article.hero = rng.choice(pool)
    return article


def seed(*, articles: int, progress=None) -> Seeded:
    """Write the archive for `articles` articles (on a database with no bench rows yet)."""
    rng = random.Random(SEED)
    pool = _image_pool(rng)
    with transaction.atomic():
        cities, programmes, metrics, tags = _register(rng)
        article_type = ContentType.objects.get_for_model(Article)
        city_tail, programme_tail, tag_tail = LongTail(cities), LongTail(programmes), LongTail(tags)
        city_links, programme_links, tag_links, created = [], [], [], []
        for start in range(0, articles, BATCH):
            batch = [
                _article(rng, number, pool) for number in range(start, min(start + BATCH, articles))
            ]
            batch = Article.objects.bulk_create(batch)
            for article in batch:
                for city in city_tail.draw(rng, rng.randint(1, 3)):
                    city_links.append(
                        Article.cities.through(article_id=article.pk, city_id=city.pk)
                    )
                for programme in programme_tail.draw(rng, rng.choice([0, 0, 1, 1, 2])):
                    programme_links.append(
                        Article.programmes.through(article_id=article.pk, programme_id=programme.pk)
                    )
                for tag in tag_tail.draw(rng, rng.randint(2, 5)):
                    tag_links.append(
                        TaggedItem(content_type=article_type, object_id=article.pk, tag=tag)
                    )
            created.extend(batch)
            if progress:
                progress("articles", len(created), articles)
        Article.cities.through.objects.bulk_create(city_links, batch_size=BATCH * 2)
        Article.programmes.through.objects.bulk_create(programme_links, batch_size=BATCH * 2)
        TaggedItem.objects.bulk_create(tag_links, batch_size=BATCH * 2)
        public = [item for item in created if item.status == Article.Status.PUBLISHED
                  and item.published_at and item.published_at <= ANCHOR]  # fmt: skip
        designations = _designations(rng, cities, programmes, public)
        values = _figures(rng, cities, metrics, public)
        content_changed()
    pks = [article.pk for article in created]
    for start in range(0, len(pks), BATCH * 2):
        refresh_search_vectors(pks[start : start + BATCH * 2])
        if progress:
            progress("indexing", min(start + BATCH * 2, len(pks)), len(pks))
    return Seeded(len(created), len(public), len(cities), len(tags), values, designations)


def _designations(rng: random.Random, cities, programmes, public) -> int:
    announcements = [item for item in public if item.kind == Article.Kind.ANNOUNCEMENT]
    rows = []
    for programme in programmes:
        for city in rng.sample(cities, k=rng.randint(20, 80)):
            rows.append(
                Designation(
                    programme=programme,
                    city=city,
                    status=rng.choice(Designation.Status.values),
                    announced_on=date(programme.start_year, rng.randint(1, 12), rng.randint(1, 28)),
                    source_article=rng.choice(announcements)
                    if announcements and rng.random() < 0.5
                    else None,
                )
            )
    return len(Designation.objects.bulk_create(rows, batch_size=BATCH))


def _figures(rng: random.Random, cities, metrics, public) -> int:
    rows = []
    for city in cities:
        for metric in rng.sample(metrics, k=rng.randint(2, 6)):
            for period in PERIODS:
                sourced = public and rng.random() < 0.6
                rows.append(
                    MetricValue(
                        metric=metric,
                        city=city,
                        period=period,
                        value=Decimal(rng.randint(1, 5000)),
                        source_article=rng.choice(public) if sourced else None,
                        source_note="" if sourced else "Benchmark statistics bureau",
                    )
                )
    return len(MetricValue.objects.bulk_create(rows, batch_size=BATCH))
