"""Site load benchmark: how fast the public pages answer, from the code to the wire.

    DATABASE_URL=postgres://user:password@127.0.0.1:5432/db .venv/bin/python bench/site.py \
        [--articles N] [--duration 10] [--connections 32] [--threads 2] [--runs 20] \
        [--port-base 18000] [--pages home,article] [--skip-proxy] [--skip-static] [--json PATH]

The database must already hold the archive to measure (`manage.py seed_bench --articles N`);
this script only reads it. It picks the pages from the database, deterministically (the home
page, news pages 1 and 500, the median public article, the busiest tag, city, metric and
programme, the announcements, three searches, the feed and a sitemap page), and measures each
one four ways, because each answers a different question:

1. in process, through Django's test client: the median time of `--runs` renders and the
   number of SQL queries. What the code costs, with no network and no server.
2. through gunicorn, started with the production config (`gunicorn.conf.py`, DEBUG off,
   collected static files) and loaded with wrk: requests per second, median and 99th
   percentile latency, non-2xx answers. What one machine serves without a cache in front.
3. through nginx as a caching reverse proxy in front of that gunicorn
   (`bench/nginx/proxy-cache.conf`), which caches only what the app's Cache-Control allows:
   requests per second and whether a second request was a cache HIT. What HTTP caching buys.
4. the same bytes as static files served by nginx (`bench/nginx/static.conf`): the physical
   limit of this machine, so the proxy's figure can be read as a fraction of it.

It prints one table and writes the same, with the machine, the article counts, the wrk
parameters and the git commit, as JSON (default `bench/results/site-<public articles>.json`).
Every server it starts listens on 127.0.0.1 (ports `--port-base` to `--port-base + 2`) and is
stopped by its PID when the run ends, fails or is interrupted; its temporary files go with it.
"""

import argparse
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"
NGINX_TEMPLATES = ROOT / "bench" / "nginx"
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
TEST_CLIENT_HOST = "testserver"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}

DEFAULT_DURATION_SECONDS = 10
DEFAULT_CONNECTIONS = 32
DEFAULT_THREADS = 2
DEFAULT_RUNS = 20
DEFAULT_PORT_BASE = 18000
#: The proxy and the static server are compared in alternating runs, so a burst of background
#: work on the shared cores does not land on one side only.
DEFAULT_ROUNDS = 3
#: wrk counts a request that takes longer as a timeout error and leaves it out of the latencies.
DEFAULT_WRK_TIMEOUT_SECONDS = 10
#: Ports above --port-base: gunicorn, the caching proxy, the static server.
GUNICORN_OFFSET, PROXY_OFFSET, STATIC_OFFSET = 0, 1, 2

READY_TIMEOUT_SECONDS = 60
READY_POLL_SECONDS = 0.25
STOP_TIMEOUT_SECONDS = 40
HTTP_TIMEOUT_SECONDS = 60
WRK_GRACE_SECONDS = 30
#: nginx writes its access log at least once a second (`flush=1s` in the templates).
LOG_FLUSH_WAIT_SECONDS = 1.5
LOG_TAIL_LINES = 20
#: gunicorn counts as idle once its access log has not grown for DRAIN_QUIET_SECONDS.
DRAIN_QUIET_SECONDS = 2.0
DRAIN_POLL_SECONDS = 0.2
DRAIN_TIMEOUT_SECONDS = 300
SECRET_KEY_BYTES = 48

#: The deep news page; a smaller archive uses its last page instead.
DEEP_NEWS_PAGE = 500
#: How many public articles (lowest pks) the search words are drawn from.
WORD_SAMPLE = 300
#: How many rare-word candidates are counted through the search index, at most.
RARE_CANDIDATES = 20
#: A candidate found in this many public articles or fewer is rare enough to stop looking.
RARE_ENOUGH = 3
CHINESE_WORDS = ("包头", "城市")
WORD_PATTERN = re.compile(r"[a-z]{4,}")
HTML_TAG = re.compile(r"<[^>]*>")
STOPWORDS = {
    "about", "after", "also", "been", "data", "demo", "from", "have", "into", "more", "most",
    "over", "said", "such", "than", "that", "their", "them", "then", "there", "these", "they",
    "this", "were", "what", "when", "which", "will", "with", "year", "years",
}  # fmt: skip


# --- Options and environment -------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load-test the public pages in process, through gunicorn, through a "
        "caching nginx and as static files (see bench/README.md)."
    )
    parser.add_argument(
        "--articles",
        type=int,
        help="Expected number of articles in the database (refuses to run on another count). "
        "Default: whatever the database holds; this script does not seed (manage.py seed_bench).",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=DEFAULT_DURATION_SECONDS,
        help="Seconds of each wrk run (default %(default)s).",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=DEFAULT_CONNECTIONS,
        help="wrk connections (default %(default)s).",
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="wrk threads (default %(default)s)."
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_WRK_TIMEOUT_SECONDS,
        help="wrk request timeout in seconds (default %(default)s).",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help="In-process renders per page, after one warm-up (default %(default)s).",
    )
    parser.add_argument(
        "--port-base",
        type=int,
        default=DEFAULT_PORT_BASE,
        help="First of three loopback ports (default %(default)s).",
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="Where to write the results (default bench/results/site-<public articles>.json).",
    )
    parser.add_argument(
        "--pages",
        help="Comma-separated page names to run (default: all). "
        f"Names: {', '.join(name for name, _ in PAGE_PICKERS)}.",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help="Alternating proxy/static wrk runs per page; each side's median is reported "
        "(default %(default)s).",
    )
    parser.add_argument("--skip-proxy", action="store_true", help="Skip the caching nginx.")
    parser.add_argument("--skip-static", action="store_true", help="Skip the static nginx.")
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.threads, args.runs, args.timeout, args.rounds) < 1:
        parser.error(
            "--duration, --connections, --threads, --runs, --timeout and --rounds must be >= 1"
        )
    if args.connections < args.threads:
        parser.error("wrk needs at least one connection per thread: --connections >= --threads")
    if not 1024 <= args.port_base <= 65535 - STATIC_OFFSET:
        parser.error("--port-base must leave three ports between 1024 and 65535")
    known = [name for name, _ in PAGE_PICKERS]
    args.page_names = known
    if args.pages:
        args.page_names = [name.strip() for name in args.pages.split(",") if name.strip()]
        unknown = sorted(set(args.page_names) - set(known))
        if unknown:
            parser.error(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return args


def require_postgres_url() -> None:
    """The benchmark describes production, which runs on PostgreSQL: refuse anything else."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = url.split(":", 1)[0].lower()
    if scheme not in POSTGRES_SCHEMES:
        found = f"DATABASE_URL uses {scheme!r}" if url else "DATABASE_URL is not set"
        sys.exit(
            f"bench/site.py measures the production setup, which runs on PostgreSQL, and {found}; "
            "SQLite (the default) is not measured.\nSet DATABASE_URL=postgres://user:password@"
            "127.0.0.1:5432/<database> for a database seeded with `manage.py seed_bench "
            "--articles N` (see bench/README.md)."
        )


def require_tools(args: argparse.Namespace) -> dict[str, str]:
    tools = {"wrk": shutil.which("wrk"), "gunicorn": str(GUNICORN) if GUNICORN.exists() else None}
    if not (args.skip_proxy and args.skip_static):
        tools["nginx"] = shutil.which("nginx") or (
            "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
        )
    missing = [name for name, path in tools.items() if not path]
    if missing:
        sys.exit(
            f"Missing {', '.join(missing)} (Debian: apt-get install wrk nginx; gunicorn is "
            "in the virtualenv: make install)."
        )
    return tools


def require_free_ports(ports: list[int]) -> None:
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers do, so that connections of an earlier run in TIME_WAIT don't count.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
            except OSError:
                sys.exit(f"Port {HOST}:{port} is in use; choose another --port-base.")


def production_environment(static_root: Path) -> dict[str, str]:
    """What a production start sets (README, "Running on PostgreSQL"), over this environment,
    so DATABASE_URL, REDIS_URL and the HTTP cache settings pass through."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="cityinno.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(SECRET_KEY_BYTES),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
    )
    return environment


def collect_static(environment: dict[str, str]) -> None:
    subprocess.run(
        [str(PYTHON), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=600,
    )


def setup_django(environment: dict[str, str]) -> None:
    """Django in this process with the production settings; the test client's host allowed."""
    os.environ.update(environment)
    os.environ["ALLOWED_HOSTS"] = f"{environment['ALLOWED_HOSTS']},{TEST_CLIENT_HOST}"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"The database is {connection.vendor}, not PostgreSQL; see bench/README.md.")
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in unapplied)
        sys.exit(f"The database lacks migrations ({names}): run `manage.py migrate` first.")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Choosing the pages ------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    note: str
    results: dict = field(default_factory=dict)


def public_articles():
    from news.models import Article

    return Article.objects.public()


def pick_home():
    return "/", "home page"


def pick_news():
    from django.urls import reverse

    return reverse("news:article-list"), "news list, page 1"


def pick_news_deep():
    from django.urls import reverse

    from news.views.articles import NEWS_PAGE_SIZE

    pages = max(1, math.ceil(public_articles().count() / NEWS_PAGE_SIZE))
    page = min(DEEP_NEWS_PAGE, pages)
    return f"{reverse('news:article-list')}?page={page}", f"news list, page {page} of {pages}"


def pick_article():
    articles = public_articles().order_by("pk")
    count = articles.count()
    if not count:
        return None
    article = articles[count // 2]
    return article.get_absolute_url(), f"median public article by pk (pk {article.pk})"


def pick_tag():
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from django.urls import reverse
    from taggit.models import Tag, TaggedItem

    from news.models import Article

    busiest = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=public_articles().values("pk"),
        )
        .values("tag_id")
        .annotate(articles=Count("pk"))
        .order_by("-articles", "tag_id")
        .first()
    )
    if not busiest:
        return None
    tag = Tag.objects.get(pk=busiest["tag_id"])
    url = reverse("news:tag-detail", kwargs={"slug": tag.slug})
    return url, f"tag {tag.name!r}, {busiest['articles']} public articles"


def pick_city():
    from django.db.models import Count

    from news.models import Article, City

    busiest = (
        Article.cities.through.objects.filter(article__in=public_articles())
        .values("city_id")
        .annotate(articles=Count("pk"))
        .order_by("-articles", "city_id")
        .first()
    )
    if not busiest:
        return None
    city = City.objects.get(pk=busiest["city_id"])
    return city.get_absolute_url(), f"city {city.name!r}, {busiest['articles']} public articles"


def pick_metric():
    from django.db.models import Count

    from news.models import Metric

    metric = Metric.objects.annotate(count=Count("values")).order_by("-count", "pk").first()
    if not metric:
        return None
    return metric.get_absolute_url(), f"metric {metric.name!r}, {metric.count} values"


def pick_programme():
    from django.db.models import Count

    from news.models import Programme

    programme = (
        Programme.objects.annotate(count=Count("designations")).order_by("-count", "pk").first()
    )
    if not programme:
        return None
    return programme.get_absolute_url(), f"programme {programme.name!r}, {programme.count} cities"


def pick_announcements():
    from django.urls import reverse

    return reverse("news:designation-list"), "designations list, page 1"


def search_url(word: str) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    return f"{reverse('news:search')}?{urlencode({'q': word})}"


def search_matches(word: str) -> int:
    """How many public articles the search page finds for `word` (through the index)."""
    from news.search.query import parse_query, search_articles

    return search_articles(public_articles(), parse_query(word)).count()


def sample_words(texts: Iterator[str]) -> Counter:
    """How many of the texts contain each word (four letters or more, no stopwords)."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(set(WORD_PATTERN.findall(text.lower())) - STOPWORDS)
    return counts


def pick_search_common():
    titles = public_articles().order_by("pk").values_list("title", flat=True)[:WORD_SAMPLE]
    counts = sample_words(iter(titles))
    if not counts:
        return None
    word = min(counts, key=lambda candidate: (-counts[candidate], candidate))
    return search_url(word), f"common word {word!r}, {search_matches(word)} public articles"


def pick_search_rare():
    """The word of the sampled articles' text that the fewest public articles contain, among
    the sample's rarest words (a bounded number of index counts)."""
    rows = public_articles().order_by("pk").values_list("title", "summary", "body")[:WORD_SAMPLE]
    # Tags become spaces, so that "</h2><p>" does not glue two words together.
    counts = sample_words(
        f"{title} {summary} {HTML_TAG.sub(' ', body)}" for title, summary, body in rows
    )
    candidates = sorted(counts, key=lambda candidate: (counts[candidate], candidate))
    best: tuple[str, int] | None = None
    for word in candidates[:RARE_CANDIDATES]:
        found = search_matches(word)
        if found and (best is None or found < best[1]):
            best = (word, found)
        if best and best[1] <= RARE_ENOUGH:
            break
    if not best:
        return None
    return search_url(best[0]), f"rare word {best[0]!r}, {best[1]} public articles"


def pick_search_chinese():
    for word in CHINESE_WORDS:
        found = search_matches(word)
        if found:
            break
    return search_url(word), f"Chinese word {word!r}, {found} public articles"


def pick_feed():
    from django.urls import reverse

    return reverse("news:feed-rss"), "RSS feed of all news"


def pick_sitemap():
    from django.urls import reverse

    return f"{reverse('sitemap-section', kwargs={'section': 'articles'})}?p=1", (
        "articles sitemap, page 1"
    )


PAGE_PICKERS: list[tuple[str, Callable[[], tuple[str, str] | None]]] = [
    ("home", pick_home),
    ("news", pick_news),
    ("news-deep", pick_news_deep),
    ("article", pick_article),
    ("tag", pick_tag),
    ("city", pick_city),
    ("metric", pick_metric),
    ("programme", pick_programme),
    ("announcements", pick_announcements),
    ("search-common", pick_search_common),
    ("search-rare", pick_search_rare),
    ("search-chinese", pick_search_chinese),
    ("feed", pick_feed),
    ("sitemap", pick_sitemap),
]


def pick_pages(names: list[str]) -> list[Page]:
    pickers = dict(PAGE_PICKERS)
    pages = []
    for name in names:
        picked = pickers[name]()
        if picked is None:
            log(f"  {name:<15} skipped: the database has nothing to show on it")
            continue
        url, note = picked
        log(f"  {name:<15} {url}  ({note})")
        pages.append(Page(name, url, note))
    return pages


def database_summary() -> dict:
    from django.db import connection

    from news.models import Article, City, Designation, Metric, MetricValue, Programme

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "name": connection.settings_dict["NAME"],
        "server_version": version,
        "articles": Article.objects.count(),
        "public_articles": public_articles().count(),
        "cities": City.objects.count(),
        "programmes": Programme.objects.count(),
        "designations": Designation.objects.count(),
        "metrics": Metric.objects.count(),
        "metric_values": MetricValue.objects.count(),
    }


# --- 1. In process -----------------------------------------------------------------------------


def measure_in_process(pages: list[Page], runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    for page in pages:
        with CaptureQueriesContext(connection) as first_queries:
            started = time.perf_counter()
            response = client.get(page.url)
            first_ms = (time.perf_counter() - started) * 1000
        timings, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(page.url)
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        page.results["in_process"] = {
            "status": response.status_code,
            "first_ms": round(first_ms, 2),
            "first_queries": len(first_queries),
            "median_ms": round(statistics.median(timings), 2),
            "queries": queries,
            "runs": runs,
        }
        log(
            f"  {page.name:<15} {response.status_code} {statistics.median(timings):8.1f} ms "
            f"{queries:4d} queries"
        )
    connection.close()


# --- Processes and HTTP ------------------------------------------------------------------------


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop(process: subprocess.Popen, name: str) -> None:
    """SIGTERM to the PID, then SIGKILL to its process group if it has not exited in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        log(f"{name} (pid {process.pid}) did not stop in {STOP_TIMEOUT_SECONDS} s; killing it")
        with suppress(ProcessLookupError):  # its own group: started with start_new_session
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


@contextmanager
def running(
    name: str, command: list[str], env: dict[str, str], logs: Path
) -> Iterator[subprocess.Popen]:
    """Start `command` in its own session with stdout and stderr in `logs`; always stop it."""
    stdout_path, stderr_path = logs / f"{name}.out.log", logs / f"{name}.err.log"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    log(f"started {name} (pid {process.pid})")
    try:
        yield process
    except BaseException:
        log(f"--- last lines of {name}'s error log ---\n{tail(stderr_path)}")
        raise
    finally:
        stop(process, name)
        log(f"stopped {name} (pid {process.pid})")


def fetch(port: int, url: str) -> tuple[int, dict[str, str], bytes]:
    """One GET on loopback (http.client: no proxy settings from the environment apply)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT_SECONDS)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def wait_until_answering(port: int, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before answering")
        try:
            fetch(port, "/robots.txt")
            return
        except (OSError, http.client.HTTPException):
            time.sleep(READY_POLL_SECONDS)
    raise RuntimeError(f"{name} did not answer on port {port} in {READY_TIMEOUT_SECONDS} s")


# --- wrk ---------------------------------------------------------------------------------------

TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
LATENCY_LINE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
REQUESTS_PER_SECOND = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
REQUEST_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles (ms), non-2xx answers and socket errors from wrk's text."""
    rate = REQUESTS_PER_SECOND.search(output)
    total = REQUEST_TOTAL.search(output)
    if not rate or not total:
        raise ValueError(f"could not read wrk's output:\n{output}")
    latencies = {
        f"p{percent}_ms": round(float(value) * TIME_UNITS_MS[unit], 3)
        for percent, value, unit in LATENCY_LINE.findall(output)
    }
    non_2xx = NON_2XX.search(output)
    errors = SOCKET_ERRORS.search(output)
    connect, read, write, timeout = (
        (int(count) for count in errors.groups()) if errors else (0,) * 4
    )
    return {
        "requests_per_second": float(rate.group(1)),
        "requests": int(total.group(1)),
        **latencies,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": {"connect": connect, "read": read, "write": write, "timeout": timeout},
    }


def run_wrk(args: argparse.Namespace, port: int, url: str) -> dict:
    command = [
        "wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
        "--timeout", f"{args.timeout}s", "--latency", f"http://{HOST}:{port}{url}",
    ]  # fmt: skip
    finished = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=args.duration + args.timeout + WRK_GRACE_SECONDS,
    )
    return parse_wrk(finished.stdout)


def describe(result: dict) -> str:
    errors = sum(result["socket_errors"].values())
    return (
        f"{result['requests_per_second']:9.1f} req/s  p50 {result.get('p50_ms', 0):8.1f} ms  "
        f"p99 {result.get('p99_ms', 0):8.1f} ms  non-2xx {result['non_2xx']}  errors {errors}"
    )


# --- 2. gunicorn -------------------------------------------------------------------------------


def wait_until_idle(access_log: Path) -> float:
    """Wait until gunicorn has logged no request for a while, and return the seconds waited.

    wrk stops at its deadline, but the requests its connections left in gunicorn's queue are
    still served, one after the other; the next page's run must not pay for them.
    """
    started = time.monotonic()
    size, changed_at = -1, started
    while time.monotonic() - started < DRAIN_TIMEOUT_SECONDS:
        current = access_log.stat().st_size
        if current != size:
            size, changed_at = current, time.monotonic()
        elif time.monotonic() - changed_at >= DRAIN_QUIET_SECONDS:
            return round(changed_at - started, 1)
        time.sleep(DRAIN_POLL_SECONDS)
    log(f"warning: gunicorn still busy after {DRAIN_TIMEOUT_SECONDS} s; going on")
    return float(DRAIN_TIMEOUT_SECONDS)


def measure_server(args, pages: list[Page], port: int, pages_root: Path, access_log: Path) -> None:
    """Fetch every page once (status, headers, body kept for the static copy), then load it."""
    for page in pages:
        status, headers, body = fetch(port, page.url)
        (pages_root / page.name).write_bytes(body)
        page.results["server"] = {
            "status": status,
            "bytes": len(body),
            "cache_control": headers.get("cache-control", ""),
            "etag": headers.get("etag", ""),
            "last_modified": headers.get("last-modified", ""),
        }
    for page in pages:
        result = page.results["server"]
        result.update(run_wrk(args, port, page.url))
        result["drain_s"] = wait_until_idle(access_log)
        log(f"  {page.name:<15} {describe(result)}  (queue drained in {result['drain_s']} s)")


def gunicorn_workers(stderr_log: Path) -> int:
    return len(re.findall(r"Booting worker", stderr_log.read_text(errors="replace")))


# --- 3 and 4. nginx ----------------------------------------------------------------------------


def fill_template(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise ValueError(f"{template} has placeholders the harness does not fill: {left}")
    return text


def prepare_nginx(nginx: str, template: Path, prefix: Path, values: dict[str, str]) -> list[str]:
    """Write the filled-in config inside `prefix`, test it, and return the command to run it."""
    for folder in ("logs", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(fill_template(template, values))
    base = [nginx, "-p", f"{prefix}/", "-c", str(config), "-e", str(prefix / "logs" / "error.log")]
    checked = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=30)
    if checked.returncode:
        raise RuntimeError(f"nginx refused {template.name}:\n{checked.stderr}")
    return [*base, "-g", "daemon off;"]


def cache_statuses(access_log: Path, offset: int) -> Counter:
    """How often each $upstream_cache_status occurs in the lines logged after byte `offset`."""
    with access_log.open("rb") as lines:
        lines.seek(offset)
        data = lines.read()
    return Counter(line.split(b" ", 1)[0].decode() or "-" for line in data.splitlines() if line)


def measure_proxy(args, pages: list[Page], port: int, access_log: Path) -> None:
    for page in pages:
        _, first_headers, _ = fetch(port, page.url)
        status, headers, _ = fetch(port, page.url)
        time.sleep(LOG_FLUSH_WAIT_SECONDS)
        offset = access_log.stat().st_size if access_log.exists() else 0
        result = {
            "status": status,
            "first_request_cache": first_headers.get("x-cache-status", "-"),
            "second_request_cache": headers.get("x-cache-status", "-"),
        }
        result.update(run_wrk(args, port, page.url))
        time.sleep(LOG_FLUSH_WAIT_SECONDS)
        counts = cache_statuses(access_log, offset)
        result["cache_statuses_under_load"] = dict(sorted(counts.items()))
        page.results["proxy"] = result
        log(
            f"  {page.name:<15} {describe(result)}  2nd: {result['second_request_cache']}  "
            f"under load: {result['cache_statuses_under_load']}"
        )


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests per second, with every round's figure beside it."""
    ordered = sorted(runs, key=lambda run: run["requests_per_second"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["rounds_requests_per_second"] = [run["requests_per_second"] for run in runs]
    return chosen


def measure_proxy_and_static(args, pages: list[Page], ports: dict, access_log: Path) -> None:
    """Proxy and static side by side: per page, `--rounds` alternating wrk runs on each."""
    for page in pages:
        _, first_headers, _ = fetch(ports["proxy"], page.url)
        status, headers, _ = fetch(ports["proxy"], page.url)
        time.sleep(LOG_FLUSH_WAIT_SECONDS)
        offset = access_log.stat().st_size if access_log.exists() else 0
        proxy_runs, static_runs = [], []
        for _ in range(args.rounds):
            proxy_runs.append(run_wrk(args, ports["proxy"], page.url))
            static_runs.append(run_wrk(args, ports["static"], f"/{page.name}"))
        time.sleep(LOG_FLUSH_WAIT_SECONDS)
        proxy = {
            "status": status,
            "first_request_cache": first_headers.get("x-cache-status", "-"),
            "second_request_cache": headers.get("x-cache-status", "-"),
            **median_run(proxy_runs),
            "cache_statuses_under_load": dict(sorted(cache_statuses(access_log, offset).items())),
        }
        page.results["proxy"], page.results["static"] = proxy, median_run(static_runs)
        log(
            f"  {page.name:<15} proxy {proxy['rounds_requests_per_second']} req/s, static "
            f"{page.results['static']['rounds_requests_per_second']} req/s, 2nd: "
            f"{proxy['second_request_cache']}, under load: {proxy['cache_statuses_under_load']}"
        )


def measure_static(args, pages: list[Page], port: int) -> None:
    for page in pages:
        result = run_wrk(args, port, f"/{page.name}")
        page.results["static"] = result
        log(f"  {page.name:<15} {describe(result)}")


# --- Report ------------------------------------------------------------------------------------


def git_commit() -> dict:
    def git(*arguments: str) -> str:
        finished = subprocess.run(
            ["git", "--no-optional-locks", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return finished.stdout.strip() if finished.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def machine() -> dict:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory_kib, model = 0, platform.processor()
    if Path("/proc/meminfo").exists():
        found = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory_kib = int(found.group(1)) if found else 0
    if Path("/proc/cpuinfo").exists():
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = found.group(1).strip() if found else model
    return {
        "nproc": cpus,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "cpu_model": model,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def tool_versions(tools: dict[str, str]) -> dict[str, str]:
    commands = {"wrk": ["-v"], "nginx": ["-v"], "gunicorn": ["--version"]}
    versions = {}
    for name, path in tools.items():
        finished = subprocess.run(
            [path, *commands[name]], capture_output=True, text=True, timeout=30
        )
        text = (finished.stdout + finished.stderr).strip().splitlines()
        versions[name] = text[0] if text else ""
    return versions


def number(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


TABLE_COLUMNS = [
    # (heading, right-aligned, how to read it from a page)
    ("page", False, lambda p: p.name),
    ("status", True, lambda p: str(p.results.get("in_process", {}).get("status", "-"))),
    ("in-proc ms", True, lambda p: number(p.results.get("in_process", {}).get("median_ms"))),
    ("first ms", True, lambda p: number(p.results.get("in_process", {}).get("first_ms"))),
    ("queries", True, lambda p: str(p.results.get("in_process", {}).get("queries", "-"))),
    ("server req/s", True, lambda p: number(p.results.get("server", {}).get("requests_per_second"))),
    ("p50 ms", True, lambda p: number(p.results.get("server", {}).get("p50_ms"))),
    ("p99 ms", True, lambda p: number(p.results.get("server", {}).get("p99_ms"))),
    ("non-2xx", True, lambda p: str(p.results.get("server", {}).get("non_2xx", "-"))),
    ("proxy req/s", True, lambda p: number(p.results.get("proxy", {}).get("requests_per_second"))),
    ("cache", False, lambda p: p.results.get("proxy", {}).get("second_request_cache", "-")),
    ("static req/s", True, lambda p: number(p.results.get("static", {}).get("requests_per_second"))),
    ("proxy/static", True, lambda p: number(p.results.get("proxy_to_static"), 2)),
]  # fmt: skip


def table(pages: list[Page]) -> str:
    rows = [[read(page) for _, _, read in TABLE_COLUMNS] for page in pages]
    headings = [heading for heading, _, _ in TABLE_COLUMNS]
    widths = [max(len(cell) for cell in column) for column in zip(headings, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, (_, right, _) in zip(cells, widths, TABLE_COLUMNS, strict=True)
        ).rstrip()

    return "\n".join(
        [line(headings), line(["-" * width for width in widths])] + [line(r) for r in rows]
    )


def add_ratios(pages: list[Page]) -> None:
    for page in pages:
        proxy, static = page.results.get("proxy"), page.results.get("static")
        if proxy and static and static["requests_per_second"]:
            ratio = proxy["requests_per_second"] / static["requests_per_second"]
            page.results["proxy_to_static"] = round(ratio, 3)


def error_notes(pages: list[Page]) -> list[str]:
    notes = []
    for page in pages:
        for stage in ("server", "proxy", "static"):
            errors = page.results.get(stage, {}).get("socket_errors", {})
            if any(errors.values()):
                notes.append(f"{page.name} ({stage}): socket errors {errors}")
    return notes


# --- Main --------------------------------------------------------------------------------------


@dataclass
class Scratch:
    """The run's temporary folder: collected static files, page copies, logs, nginx prefixes."""

    root: Path

    @property
    def static(self) -> Path:
        return self.root / "static"

    @property
    def pages(self) -> Path:
        return self.root / "pages"

    @property
    def logs(self) -> Path:
        return self.root / "logs"


@contextmanager
def scratch_folder() -> Iterator[Scratch]:
    scratch = Scratch(Path(tempfile.mkdtemp(prefix="cityinno-bench-site-")))
    try:
        # nginx's workers run as an unprivileged user when it is started as root: let them in.
        scratch.root.chmod(0o755)
        for folder in (scratch.static, scratch.pages, scratch.logs):
            folder.mkdir(mode=0o755)
        yield scratch
    finally:
        shutil.rmtree(scratch.root, ignore_errors=True)


def check_database(args: argparse.Namespace) -> dict:
    database = database_summary()
    if args.articles is not None and database["articles"] != args.articles:
        sys.exit(
            f"The database holds {database['articles']:,} articles, not {args.articles:,}: seed "
            f"it with `manage.py seed_bench --articles {args.articles}` (see bench/README.md)."
        )
    return database


def wrk_label(args: argparse.Namespace) -> str:
    return f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"


def load_servers(args, tools, ports, environment, scratch: Scratch, pages: list[Page]) -> int:
    """Stages 2 to 4; returns how many workers gunicorn booted."""
    wrk = wrk_label(args)
    gunicorn_env = {**environment, "PORT": str(ports["gunicorn"]), "BIND_HOST": HOST}
    command = [tools["gunicorn"], "-c", str(GUNICORN_CONFIG)]
    with running("gunicorn", command, gunicorn_env, scratch.logs) as gunicorn:
        wait_until_answering(ports["gunicorn"], gunicorn, "gunicorn")
        workers = gunicorn_workers(scratch.logs / "gunicorn.err.log")
        log(f"gunicorn ({workers} workers), {wrk}:")
        access_log = scratch.logs / "gunicorn.out.log"
        measure_server(args, pages, ports["gunicorn"], scratch.pages, access_log)
        if not args.skip_proxy:
            prefix = scratch.root / "nginx-proxy"
            values = {"LISTEN_PORT": str(ports["proxy"]), "UPSTREAM_PORT": str(ports["gunicorn"])}
            template = NGINX_TEMPLATES / "proxy-cache.conf"
            command = prepare_nginx(tools["nginx"], template, prefix, values)
            with running("nginx-proxy", command, environment, scratch.logs) as nginx:
                wait_until_answering(ports["proxy"], nginx, "nginx (proxy)")
                proxy_log = prefix / "logs" / "access.log"
                if args.skip_static:
                    log(f"caching proxy, {wrk}:")
                    measure_proxy(args, pages, ports["proxy"], proxy_log)
                    return workers
                static_prefix = scratch.root / "nginx-static"
                values = {"LISTEN_PORT": str(ports["static"]), "PAGES_ROOT": str(scratch.pages)}
                template = NGINX_TEMPLATES / "static.conf"
                command = prepare_nginx(tools["nginx"], template, static_prefix, values)
                with running("nginx-static", command, environment, scratch.logs) as static:
                    wait_until_answering(ports["static"], static, "nginx (static)")
                    log(
                        f"caching proxy and static files, {args.rounds} alternating rounds of {wrk}:"
                    )
                    measure_proxy_and_static(args, pages, ports, proxy_log)
                return workers
    if not args.skip_static:
        prefix = scratch.root / "nginx-static"
        values = {"LISTEN_PORT": str(ports["static"]), "PAGES_ROOT": str(scratch.pages)}
        command = prepare_nginx(tools["nginx"], NGINX_TEMPLATES / "static.conf", prefix, values)
        with running("nginx-static", command, environment, scratch.logs) as nginx:
            wait_until_answering(ports["static"], nginx, "nginx (static)")
            log(f"static files, {wrk}:")
            measure_static(args, pages, ports["static"])
    return workers


def report(args, tools, environment, database: dict, pages: list[Page], workers: int) -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_commit(),
        "tools": tool_versions(tools),
        "database": database,
        "parameters": {
            "wrk": {
                "threads": args.threads,
                "connections": args.connections,
                "duration_s": args.duration,
                "timeout_s": args.timeout,
            },
            "in_process_runs": args.runs,
            "gunicorn_workers": workers,
            "redis": bool(environment.get("REDIS_URL")),
            "proxy": not args.skip_proxy,
            "static": not args.skip_static,
        },
        "pages": [
            {"name": page.name, "url": page.url, "note": page.note, **page.results}
            for page in pages
        ],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    require_postgres_url()
    tools = require_tools(args)
    ports = {
        "gunicorn": args.port_base + GUNICORN_OFFSET,
        "proxy": args.port_base + PROXY_OFFSET,
        "static": args.port_base + STATIC_OFFSET,
    }
    require_free_ports(list(ports.values()))
    # SIGTERM ends the run like Ctrl-C: the finally blocks stop every server and clean up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    with scratch_folder() as scratch:
        environment = production_environment(scratch.static)
        setup_django(environment)
        database = check_database(args)
        log("collecting static files…")
        collect_static(environment)
        log(
            f"{database['name']}: {database['articles']:,} articles, "
            f"{database['public_articles']:,} public; picking pages:"
        )
        pages = pick_pages(args.page_names)
        if not pages:
            sys.exit("No page to measure.")

        log(f"in process, median of {args.runs} runs:")
        measure_in_process(pages, args.runs)
        failing = [page.name for page in pages if page.results["in_process"]["status"] != 200]
        if failing:
            log(f"warning: not 200 in process, measured anyway: {', '.join(failing)}")

        workers = load_servers(args, tools, ports, environment, scratch, pages)

    add_ratios(pages)
    print()
    print(
        f"{database['public_articles']:,} public articles ({database['articles']:,} in all); "
        f"{wrk_label(args)}; gunicorn {workers} workers; in-process median of {args.runs}"
    )
    print(table(pages))
    for note in error_notes(pages):
        print(f"note: {note}")
    path = args.json or RESULTS_DIR / f"site-{database['public_articles']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    result = report(args, tools, environment, database, pages, workers)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
