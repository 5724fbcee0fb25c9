"""Real services for tests that need more than one process: a throwaway Redis server and app
servers (`manage.py runserver`, or gunicorn as in production) sharing the test database, a TCP
relay to the database that can be cut, plus a small HTTP client for them.

Everything started here is stopped by its process id (terminate, wait, then kill), and listens on
127.0.0.1 on a free port from PORTS. A missing program skips the test on a laptop and fails it in
CI (CI=true), where these tests must run.
"""

import http.cookiejar
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The TCP ports these tests may listen on.
PORTS = range(18200, 18300)
HOST = "127.0.0.1"
PROJECT_DIR = Path(__file__).resolve().parent.parent
#: How long a service may take to answer its first request (`make serve` migrates and collects
#: static files first, which on a busy two-core machine takes a while), and to stop.
START_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.1
#: How long one HTTP request to an app server may take.
REQUEST_TIMEOUT = 30.0


def unavailable(reason: str):
    """Skip on a laptop without the program; fail in CI, where the test must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this test must run in CI)")
    pytest.skip(reason)


def free_port(taken: set[int] = frozenset()) -> int:
    """A port from PORTS that nothing listens on now (and not one of `taken`)."""
    candidates = [port for port in PORTS if port not in taken]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


def stop(process: subprocess.Popen) -> None:
    """Stop one process we started, by its PID: terminate, wait, kill if it will not go."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until(ready, process: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_log_tail(log)}")
        if ready():
            return
        time.sleep(POLL_INTERVAL)
    raise RuntimeError(f"{what} did not answer within {START_TIMEOUT:.0f} s:\n{_log_tail(log)}")


# --- Redis --------------------------------------------------------------------------------------


@contextmanager
def redis_server(log_dir: Path):
    """Yield the URL of a new, empty Redis (no persistence) that stops when the block ends."""
    executable = shutil.which("redis-server")
    if executable is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    log = log_dir / f"redis-{port}.log"
    command = [
        executable, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", HOST,
    ]  # fmt: skip
    url = f"redis://{HOST}:{port}/0"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    client = redis.Redis.from_url(url, socket_timeout=1)

    def answers_ping() -> bool:
        try:
            return client.ping()
        except redis.exceptions.ConnectionError:
            return False

    try:
        _wait_until(answers_ping, process, log, f"redis-server on port {port}")
        yield url
    finally:
        client.close()
        stop(process)


# --- app servers --------------------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """A postgres:// DATABASE_URL for the database Django's `settings_dict` describes."""
    quote = urllib.parse.quote
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path


def _answers_http(url: str) -> bool:
    try:
        with plain_opener().open(url, timeout=1) as response:
            return response.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


@contextmanager
def app_servers(count: int, *, env: dict[str, str], log_dir: Path):
    """Yield `count` running app servers (runserver, DEBUG on, no autoreloader), each its own
    process on its own port, with `env` added to this process's environment."""
    servers: list[AppServer] = []
    taken: set[int] = set()
    try:
        for number in range(count):
            port = free_port(taken)
            taken.add(port)
            log = log_dir / f"app-{number}-{port}.log"
            command = [
                sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload",
                "--skip-checks",
            ]  # fmt: skip
            with log.open("wb") as output:
                process = subprocess.Popen(
                    command,
                    cwd=PROJECT_DIR,
                    env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            servers.append(AppServer(f"http://{HOST}:{port}", process, log))
        for server in servers:
            _wait_until(
                lambda server=server: _answers_http(f"{server.url}/robots.txt"),
                server.process,
                server.log,
                f"app server at {server.url}",
            )
        yield servers
    finally:
        for server in servers:
            stop(server.process)


# --- an HTTP client -----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def plain_opener(*handlers) -> urllib.request.OpenerDirector:
    """An opener that never uses a proxy from the environment (the servers are local)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), *handlers)


class Browser:
    """A visitor: cookies kept in a jar, redirects followed, and every
    status (304, 400, …) returned as a Response rather than raised."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = plain_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def request(self, url: str, *, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return self._response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return self._response(error.code, error.headers, error.read())

    def get(self, url: str, headers: dict | None = None) -> Response:
        return self.request(url, headers=headers)

    def post(self, url: str, data: dict, headers: dict | None = None) -> Response:
        return self.request(url, data=data, headers=headers)

    @staticmethod
    def _response(status: int, headers, body: bytes) -> Response:
        return Response(
            status=status,
            headers={name.lower(): value for name, value in headers.items()},
            body=body.decode("utf-8", errors="replace"),
        )

    def log_in_to_admin(self, base_url: str, *, username: str, password: str) -> None:
        """Sign in through the admin's login form, as a person would (CSRF cookie included)."""
        login_url = f"{base_url}/admin/login/?next=/admin/"
        assert self.get(login_url).status == 200
        token = self.cookie("csrftoken")
        assert token, "the admin login page should set the CSRF cookie"
        response = self.post(
            login_url,
            {"username": username, "password": password, "csrfmiddlewaretoken": token,
             "next": "/admin/"},
            headers={"Referer": login_url},
        )  # fmt: skip
        assert response.status == 200, response.body[:500]
        assert self.cookie("sessionid"), "logging in should start a session"


# --- S3-compatible object storage ---------------------------------------------------------------


@contextmanager
def s3_server(log_dir: Path):
    """Yield the endpoint URL of a new, empty S3 API server (moto's standalone server, holding
    everything in memory) that stops when the block ends. Any access key is accepted; object
    reads without a signature are allowed only by a bucket policy or a public ACL, as on S3."""
    executable = Path(sys.executable).with_name("moto_server")
    if not executable.exists():
        found = shutil.which("moto_server")
        if found is None:
            unavailable("moto_server is not installed (pip install 'moto[server]')")
        executable = Path(found)
    port = free_port()
    log = log_dir / f"moto-{port}.log"
    url = f"http://{HOST}:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(executable), "--host", HOST, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until(
            lambda: _answers_http(f"{url}/moto-api/"), process, log, f"moto_server on port {port}"
        )
        yield url
    finally:
        stop(process)


# --- outages: a TCP relay that can be cut, and gunicorn -----------------------------------------


def _drop(connection: socket.socket) -> None:
    """Close a connection at once (a reset, not a goodbye), waking any thread reading it."""
    try:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


class TcpRelay:
    """Forwards a free port on 127.0.0.1 to `target`, as a network path to a database would.

    `cut()` drops every open connection and refuses new ones (each is reset as it arrives)
    until `restore()`: to the app servers behind it, the database is gone, as when its server
    stops or the network to it fails. Runs in threads of the test process; `stop()` ends them.
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener = socket.create_server((HOST, self.port))
        self._listener.settimeout(POLL_INTERVAL)
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._is_cut = False
        self._stopped = threading.Event()
        self._acceptor = threading.Thread(target=self._accept, name="relay-accept", daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        with self._lock:
            self._is_cut = True
            dropped, self._open = self._open, set()
        for connection in dropped:
            _drop(connection)

    def restore(self) -> None:
        with self._lock:
            self._is_cut = False

    def stop(self) -> None:
        self._stopped.set()
        self.cut()
        self._acceptor.join(timeout=STOP_TIMEOUT)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                refused = self._is_cut
            if refused:
                _drop(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=START_TIMEOUT)
            except OSError:
                _drop(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._is_cut:
                    _drop(client)
                    _drop(upstream)
                    continue
                self._open |= {client, upstream}
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, destination), name="relay-pump", daemon=True
                ).start()

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open -= {source, destination}
        _drop(source)
        _drop(destination)


@contextmanager
def tcp_relay(target_host: str, target_port: int):
    """Yield a running TcpRelay to `target_host:target_port`; stopped when the block ends."""
    relay = TcpRelay(target_host, target_port)
    try:
        yield relay
    finally:
        relay.stop()


@contextmanager
def gunicorn_server(*, env: dict[str, str], log_dir: Path, workers: int = 2):
    """Yield an AppServer run as production runs it: gunicorn with the project's
    gunicorn.conf.py and `workers` worker processes, with `env` added to this environment.
    Ready once /healthz answers; stopped by the master's PID (its workers leave with it)."""
    port = free_port()
    log = log_dir / f"gunicorn-{port}.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    server_env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "BIND_HOST": HOST,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        **env,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=server_env, stdout=output, stderr=subprocess.STDOUT
        )
    server = AppServer(f"http://{HOST}:{port}", process, log)
    try:
        _wait_until(
            lambda: _answers_http(f"{server.url}/healthz"),
            process,
            log,
            f"gunicorn at {server.url}",
        )
        yield server
    finally:
        stop(process)


# --- an SMTP server -----------------------------------------------------------------------------


@dataclass
class Mailbox:
    """Where a test's SMTP server listens, and every message it has received so far."""

    host: str
    port: int
    messages: list


@contextmanager
def smtp_server(*, port: int | None = None, delay: float = 0.0, refuse: frozenset = frozenset()):
    """Yield a Mailbox: a real SMTP server (aiosmtpd, in a thread of this process) on a free
    port (or `port`), keeping each message it receives as an `email.message.EmailMessage`,
    after taking `delay` seconds over each, as a busy server does. Recipients in `refuse` are
    answered "550" (no such mailbox). It stops when the block ends."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        unavailable("aiosmtpd is not installed (pip install -e '.[dev]')")
    import asyncio
    import email
    import email.policy

    mailbox = Mailbox(host=HOST, port=port or free_port(), messages=[])

    class Collect:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in refuse:
                return "550 5.1.1 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if delay:
                await asyncio.sleep(delay)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            mailbox.messages.append(message)
            return "250 Message accepted for delivery"

    controller = Controller(
        Collect(), hostname=HOST, port=mailbox.port, ready_timeout=START_TIMEOUT
    )
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
