"""Load and outage benchmark: `make serve` on PostgreSQL under 64 connections, steady and while
PostgreSQL restarts.

    sudo .venv/bin/python bench/resilience.py [--articles 10000] [--duration 60]
        [--connections 64] [--threads 2] [--outage-at 20] [--outage-seconds 15] [--json PATH]

It starts a private PostgreSQL 15 cluster (initdb in a temporary folder, on a free port, run
as the `postgres` user, so no other database on the machine is touched), fills it with
`manage.py seed_bench --articles N`, starts `make serve` (gunicorn with gunicorn.conf.py, DEBUG
off) against it, and loads a mix of public pages with wrk (bench/wrk/status_timeline.lua counts
the answers per second and status):

1. **steady**: `--duration` seconds at `--connections`; every answer must be a 200 and wrk must
   see no socket error (no connection refused, reset or timed out).
2. **restart**: the same load; `--outage-at` seconds in, PostgreSQL is stopped (`pg_ctl stop -m
   fast`, which drops every connection), and started again `--outage-seconds` later. While it is
   down the site must answer 503 (with Retry-After), never 500; once it is back, 200s again
   with no restart of the app.

It prints the timeline (answers per second by status) and a verdict, writes them as JSON
(default bench/results/resilience.json), and exits non-zero if the verdict fails. Every process
it starts is stopped by its PID (make serve by its process group), and the cluster's folder is
removed at the end.
"""

import argparse
import json
import os
import platform
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
LUA = ROOT / "bench" / "wrk" / "status_timeline.lua"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "postgres"
DATABASE = "cityinno"
PORTS = range(18400, 18500)
READY_TIMEOUT = 60
STOP_TIMEOUT = 40
#: wrk counts a request slower than this as a timeout error.
WRK_TIMEOUT = "10s"
#: After PostgreSQL is back, how long the site may take to answer 200s again.
RECOVERY_SECONDS = 10
#: Seconds either side of a stop or start in which both answers are expected (requests in
#: flight when it happened).
EDGE_SECONDS = 1
TIMELINE = re.compile(r"^TIMELINE (.*)$", re.M)
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(\w+)")
LATENCY = re.compile(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)", re.M)


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(taken=()) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", PG_USER, "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@contextmanager
def private_postgres():
    """A throwaway cluster; yields (DATABASE_URL, start(), stop())."""
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL server programs not found in {PG_BIN} (set PG_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="cityinno-resilience-"))
    data = folder / "data"
    if os.geteuid() == 0:
        user = pwd.getpwnam(PG_USER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    port = free_port()
    as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", PG_USER])
    options = f"-p {port} -k {folder} -c listen_addresses={HOST} -c max_connections=200"

    def start():
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                     "-l", str(folder / "postgres.log"), "start"])  # fmt: skip

    def stop():
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])

    start()
    try:
        as_postgres([str(PG_BIN / "createdb"), "-h", HOST, "-p", str(port), DATABASE])
        yield f"postgres://{PG_USER}@{HOST}:{port}/{DATABASE}", start, stop
    finally:
        subprocess.run(
            ["runuser", "-u", PG_USER, "--"] * (os.geteuid() == 0)
            + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def manage(env: dict, *arguments: str) -> str:
    done = subprocess.run(
        [str(PYTHON), "manage.py", *arguments], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


PAGES_SCRIPT = """
import json
from news.models import Article, City
article = Article.objects.public().order_by("pk")[Article.objects.public().count() // 2]
city = City.objects.order_by("pk").first()
print(json.dumps([
    "/", "/news/", "/news/?page=2", article.get_absolute_url(), f"/cities/{city.slug}/",
    "/announcements/", "/search/?q=innovation", "/news/feed/", "/zh-hans/news/",
]))
"""


@contextmanager
def make_serve(env: dict, port: int, log_path: Path):
    with log_path.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"], cwd=ROOT,
            env={**env, "PORT": str(port)}, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if process.poll() is not None:
                raise SystemExit(f"make serve exited:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("make serve did not answer") from None
                time.sleep(0.5)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def run_wrk(args, port: int, pages: list[str]) -> dict:
    command = [
        "wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
        "--timeout", WRK_TIMEOUT, "--latency", "-s", str(LUA), f"http://{HOST}:{port}", "--",
        *pages,
    ]  # fmt: skip
    started = time.time()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    shown = " ".join(command).replace(f"{ROOT}/", "")  # paths in the project, not this machine's
    return {"command": shown, "started": started, "output": output}


def parse(run: dict) -> dict:
    output = run["output"]
    timeline: dict[int, Counter] = defaultdict(Counter)
    for part in filter(None, TIMELINE.search(output)[1].split(",")):
        key, count = part.split("=")
        second, status = key.split(":")
        timeline[int(second)][int(status)] += int(count)
    errors = SOCKET_ERRORS.search(output)
    totals = Counter()
    for counts in timeline.values():
        totals.update(counts)
    latency = LATENCY.search(output)
    return {
        "command": run["command"],
        "timeline": {second - int(run["started"]): dict(timeline[second]) for second in sorted(timeline)},
        "statuses": dict(totals),
        "requests": sum(totals.values()),
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
        if errors else {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "latency": dict(zip(("average", "stdev", "max"), latency.groups(), strict=True)) if latency else {},
        "raw": output,
    }  # fmt: skip


def steady_verdict(result: dict) -> list[str]:
    problems = []
    if set(result["statuses"]) != {200}:
        problems.append(f"answers other than 200: {result['statuses']}")
    if any(result["socket_errors"].values()):
        problems.append(f"socket errors: {result['socket_errors']}")
    return problems


def restart_verdict(result: dict, down_at: float, up_at: float) -> list[str]:
    problems = []
    if 500 in result["statuses"]:
        problems.append(f"{result['statuses'][500]} answers were 500")
    unexpected = set(result["statuses"]) - {200, 503}
    if unexpected:
        problems.append(f"answers other than 200 and 503: {sorted(unexpected)}")
    for second, counts in result["timeline"].items():
        if counts.get(503) and not (down_at - EDGE_SECONDS <= second <= up_at + RECOVERY_SECONDS):
            problems.append(f"503s at second {second}, outside the outage")
        if second > up_at + RECOVERY_SECONDS and set(counts) != {200}:
            problems.append(f"second {second}, after recovery: {counts}")
    if not any(counts.get(200) and second > up_at for second, counts in result["timeline"].items()):
        problems.append("no 200 after PostgreSQL came back")
    if not any(down_at + 1 <= second <= up_at - 1 and counts.get(503)
               for second, counts in result["timeline"].items()):  # fmt: skip
        problems.append("no 503 while PostgreSQL was down")
    return problems


def print_timeline(result: dict, marks: dict[int, str]) -> None:
    statuses = sorted(result["statuses"])
    print("  second  " + "  ".join(f"{status:>6}" for status in statuses))
    for second, counts in result["timeline"].items():
        cells = "  ".join(f"{counts.get(status, 0):>6}" for status in statuses)
        print(f"  {second:>6}  {cells}  {marks.get(second, '')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--outage-at", type=int, default=20)
    parser.add_argument("--outage-seconds", type=int, default=15)
    parser.add_argument("--json", type=Path, default=RESULTS / "resilience.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    scratch = Path(tempfile.mkdtemp(prefix="cityinno-resilience-app-"))
    try:
        with private_postgres() as (database_url, start_postgres, stop_postgres):
            env = {
                **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
                "DATABASE_URL": database_url,
                "DEBUG": "false",
                "SECRET_KEY": "resilience-" + os.urandom(24).hex(),
                "STATIC_ROOT": str(scratch / "static"),
                "MEDIA_ROOT": str(scratch / "media"),
            }
            log(f"migrating and seeding {args.articles:,} articles")
            manage(env, "migrate", "--noinput")
            manage(env, "seed_bench", "--articles", str(args.articles))
            pages = json.loads(manage(env, "shell", "-c", PAGES_SCRIPT).strip().splitlines()[-1])
            port = free_port()
            with make_serve(env, port, scratch / "serve.log"):
                log(f"make serve on port {port}; warming up")
                for page in pages:
                    urllib.request.urlopen(f"http://{HOST}:{port}{page}", timeout=30).read()

                log(f"steady: {args.duration} s at {args.connections} connections")
                steady = parse(run_wrk(args, port, pages))

                log(f"restart: PostgreSQL stops at {args.outage_at} s for {args.outage_seconds} s")
                events = {}

                def outage(started: float):
                    time.sleep(max(0.0, started + args.outage_at - time.time()))
                    events["down"] = time.time() - started
                    stop_postgres()
                    time.sleep(args.outage_seconds)
                    events["starting"] = time.time() - started
                    start_postgres()
                    events["up"] = time.time() - started

                started = time.time()
                chaos = threading.Thread(target=outage, args=(started,))
                chaos.start()
                run = run_wrk(args, port, pages)
                chaos.join()
                run["started"] = started
                restart = parse(run)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    down_at, up_at = events["down"], events["up"]
    steady_problems = steady_verdict(steady)
    restart_problems = restart_verdict(restart, down_at, up_at)
    print(f"\nsteady: {steady['requests']:,} requests, statuses {steady['statuses']}, "
          f"socket errors {steady['socket_errors']}, latency {steady['latency']}")  # fmt: skip
    print(f"restart: {restart['requests']:,} requests, statuses {restart['statuses']}, "
          f"socket errors {restart['socket_errors']}; PostgreSQL down at {down_at:.1f} s, "
          f"up at {up_at:.1f} s")  # fmt: skip
    print_timeline(restart, {int(down_at): "← PostgreSQL stopped", int(up_at): "← started"})
    for name, problems in (("steady", steady_problems), ("restart", restart_problems)):
        print(f"{name}: {'PASS' if not problems else 'FAIL: ' + '; '.join(problems)}")

    args.json.parent.mkdir(parents=True, exist_ok=True)
    for result in (steady, restart):
        result.pop("raw")
    args.json.write_text(json.dumps({
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip(),
        "arguments": {
            key: str(value).replace(f"{ROOT}/", "") for key, value in vars(args).items()
        },
        "pages": pages,
        "steady": {**steady, "problems": steady_problems},
        "restart": {**restart, "down_at": down_at, "up_at": up_at, "problems": restart_problems},
    }, indent=2) + "\n")  # fmt: skip
    return 1 if steady_problems or restart_problems else 0


if __name__ == "__main__":
    sys.exit(main())
