"""Search and feeds at scale: timings, query counts and the search plan on a throwaway database.

    DATABASE_URL=postgres://user:password@host:5432/db .venv/bin/python bench/search.py [articles]

Creates a test database beside the configured one (`test_<name>`), fills it with `articles`
public articles (default 20,000) with cities and tags, measures the search page and the feeds
through the test client, prints the plan of the core search query, and drops the database.
Runs on SQLite too (contains match), where it shows why PostgreSQL is the production database.
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityinno.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

COMMON = [
    "innovation", "city", "demonstration", "pilot", "experts", "platform", "academic", "events",
    "training", "engineers", "science", "programme", "region", "approved", "talent", "industry",
]  # fmt: skip
RARE = [
    "hydrogen", "graphene", "robotics", "wetland", "semiconductor", "battery", "rare", "earth",
    "grassland", "tourism", "agriculture", "logistics",
]  # fmt: skip
CHINESE = ["包头", "呼和浩特", "创新", "示范", "城市", "专家", "平台", "学术", "活动", "培训"]
RUNS = 5
SEARCHES = [
    "innovation",
    "hydrogen robotics",
    '"rare earth" -tourism',
    "graphene or semiconductor",
    "包头",
    "grafene",
    "a",
]


def populate(count: int) -> None:
    from news.models import Article, City
    from news.search.index import refresh_search_vectors

    rng = random.Random(2023)
    # Thousands of made-up words, so rare words are rare and the GIN index has work to do.
    filler = ["".join(rng.choices("bcdfghklmnprstvz", k=3)) + rng.choice(["an", "or", "et", "ium"])
              for _ in range(3000)]  # fmt: skip

    def words(k: int) -> str:
        chosen = rng.choices(filler, k=k) + rng.choices(COMMON, k=max(1, k // 6))
        if rng.random() < 0.02:
            chosen.append(rng.choice(RARE))
        if rng.random() < 0.05:
            chosen.append(rng.choice(CHINESE))
        rng.shuffle(chosen)
        return " ".join(chosen)

    cities = City.objects.bulk_create(
        City(name=f"City {index}", name_zh=f"城市{index}", slug=f"city-{index}", province="Bench")
        for index in range(60)
    )
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=words(6).capitalize(),
            slug=f"bench-{index}",
            summary=words(20) + ".",
            body="".join(f"<p>{words(60)}.</p>" for _ in range(6)),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=index),
        )
        for index in range(count)
    )
    through = Article.cities.through
    through.objects.bulk_create(
        through(article_id=article.pk, city_id=rng.choice(cities).pk) for article in articles
    )
    for start in range(0, len(articles), 1000):
        for article in articles[start : start + 1000]:
            article.tags.add(rng.choice(COMMON))
        refresh_search_vectors([article.pk for article in articles[start : start + 1000]])


def measure(client, url) -> tuple[float, int]:
    timings, queries = [], 0
    for _ in range(RUNS):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, url
        queries = len(captured)
    return statistics.median(timings) * 1000, queries


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        populate(count)
        print(
            f"{connection.vendor}: {count} articles loaded in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        print(f"{'page':<52} {'median ms':>10} {'queries':>8}")
        for query in SEARCHES:
            url = f"/search/?q={query}"
            elapsed, queries = measure(client, url)
            print(f"{url:<52} {elapsed:>10.1f} {queries:>8}")
        for url in ["/news/feed/", "/news/feed/atom/?city=city-7", "/sitemap-articles.xml"]:
            elapsed, queries = measure(client, url)
            print(f"{url:<52} {elapsed:>10.1f} {queries:>8}")
        if connection.vendor == "postgresql":
            from news.models import Article
            from news.search.query import parse_query, search_articles

            queryset = search_articles(Article.objects.public(), parse_query("hydrogen robotics"))
            print("\nPlan of the core search query (first page):")
            print(queryset[:20].explain(analyze=True))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
