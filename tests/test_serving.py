"""`make serve` is the production configuration on one machine: gunicorn with gunicorn.conf.py,
DEBUG off, collected and compressed static files, JSON log lines on stdout; and the nginx site
in deploy/ works in front of it as written (TLS, the HTTP redirect, the proxy headers).

Both start real processes on free ports, against a throwaway SQLite file (so the database the
test suite uses is untouched), and stop them by their process group.
"""

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import services as running

PROJECT = running.PROJECT_DIR
NGINX_SITE = PROJECT / "deploy" / "nginx-cityinno.conf"
PUBLIC_HOST = "news.example.org"


def serve_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return {
        **env,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_CONCURRENCY": "2",
        **extra,
    }


@contextmanager
def make_serve(tmp_path: Path, **extra: str):
    """`make serve` on a free port; yields (base URL, the stdout log file)."""
    if shutil.which("make") is None:
        running.unavailable("make is not installed")
    port = running.free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=PROJECT,
            env=serve_env(tmp_path, port, **extra),
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: make, the shell and gunicorn's master and workers stop
            # together.
            start_new_session=True,
        )
    url = f"http://{running.HOST}:{port}"
    try:
        running._wait_until(
            lambda: running._answers_http(f"{url}/robots.txt"), process, log, "make serve"
        )
        yield url, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=running.STOP_TIMEOUT * 4)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def log_lines(log: Path) -> list[dict]:
    """Every line gunicorn and Django wrote after start-up, each one JSON object."""
    text = log.read_text()
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def test_make_serve_runs_gunicorn_with_production_settings(tmp_path):
    """On the port PORT names, with DEBUG off, static files collected, JSON logs."""
    with make_serve(tmp_path) as (url, log):
        browser = running.Browser()
        home = browser.get(f"{url}/")
        assert home.status == 200
        assert home.header("Server") == "gunicorn"
        # DEBUG is off: an unknown address is our 404 page, not Django's debug page.
        missing = browser.get(f"{url}/no-such-page/")
        assert missing.status == 404
        assert "Page not found" in missing.body
        assert "Django tried these URL patterns" not in missing.body
        # Static files are collected with hashed names and served compressed, for a year.
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home.body)
        assert stylesheet, "the page should link the hashed, collected stylesheet"
        css = browser.get(url + stylesheet[1], {"Accept-Encoding": "gzip"})
        assert css.status == 200
        assert css.header("Content-Encoding") == "gzip"
        assert "immutable" in css.header("Cache-Control")
        time.sleep(0.5)  # let the access lines reach the log

    lines = log_lines(log)
    assert lines, "gunicorn should log JSON lines on stdout"
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert {(line["method"], line["path"], line["status"]) for line in access} >= {
        ("GET", "/", 200),
        ("GET", "/no-such-page/", 404),
    }
    assert all(line["time"].endswith("Z") for line in lines), "log times are UTC"
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and not_found[0]["status"] == 404


# --- the nginx site in deploy/ ------------------------------------------------------------------


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        running.unavailable("openssl is not installed")
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={PUBLIC_HOST}", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def site_for_test(prefix: Path, *, app_port: int, http_port: int, https_port: int) -> str:
    """deploy/nginx-cityinno.conf with this machine's ports and folders put in its place."""
    certificate, key = self_signed_certificate(prefix)
    site = NGINX_SITE.read_text()
    replacements = {
        "server 127.0.0.1:8000": f"server 127.0.0.1:{app_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/news.example.org/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/news.example.org/privkey.pem": str(key),
        "/var/cache/nginx/cityinno": str(prefix / "cache"),
        "/srv/cityinno/media/": str(prefix / "media") + "/",
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx-cityinno.conf no longer contains {old!r}"
        site = site.replace(old, new)
    return re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)


@contextmanager
def nginx_in_front(tmp_path: Path, app_port: int):
    executable = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if executable is None:
        running.unavailable("nginx is not installed (apt-get install nginx)")
    prefix = tmp_path / "nginx"
    for folder in ("logs", "temp", "cache", "media/cities"):
        (prefix / folder).mkdir(parents=True)
    # Started as root, nginx's workers run as an unprivileged user: let them into the prefix.
    for folder in [prefix, *prefix.parents]:
        if folder.stat().st_uid != os.geteuid():
            break
        folder.chmod(folder.stat().st_mode | 0o755)
    for folder in prefix.rglob("*"):
        folder.chmod(0o777 if folder.is_dir() else 0o644)
    http_port = running.free_port({app_port})
    https_port = running.free_port({app_port, http_port})
    site = site_for_test(prefix, app_port=app_port, http_port=http_port, https_port=https_port)
    (prefix / "nginx.conf").write_text(
        "pid nginx.pid;\nerror_log logs/error.log warn;\nevents {}\nhttp {\n"
        "  client_body_temp_path temp/client; proxy_temp_path temp/proxy;\n"
        "  fastcgi_temp_path temp/fastcgi; uwsgi_temp_path temp/uwsgi; scgi_temp_path temp/scgi;\n"
        "  access_log logs/access.log;\n"
        f"{site}\n}}\n"
    )
    command = [executable, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
               "-e", str(prefix / "logs" / "error.log")]  # fmt: skip
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    log = prefix / "logs" / "nginx.out"
    with log.open("wb") as output:
        process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=output, stderr=output)
    try:
        running._wait_until(lambda: listening(https_port), process, log, "nginx")
        yield {"http": http_port, "https": https_port, "media": prefix / "media"}
    finally:
        running.stop(process)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((running.HOST, port)) == 0


def https_get(port: int, path: str) -> tuple[int, dict, str]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(
        f"https://{running.HOST}:{port}{path}", headers={"Host": PUBLIC_HOST}
    )
    opener = running.plain_opener(urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=running.REQUEST_TIMEOUT) as response:
            return response.status, dict(response.headers), response.read().decode("latin-1")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read().decode("latin-1")


def test_the_nginx_site_in_deploy_serves_the_app_over_tls(tmp_path):
    served = {"ALLOWED_HOSTS": PUBLIC_HOST, "SERVE_MEDIA": "false", "BEHIND_PROXY": "true"}
    with make_serve(tmp_path, **served) as (url, _log):
        app_port = int(url.rsplit(":", 1)[1])
        with nginx_in_front(tmp_path, app_port) as ports:
            # Plain HTTP is sent to HTTPS.
            plain = running.Browser()
            plain.opener = running.plain_opener(NoRedirect())
            redirect = plain.get(
                f"http://{running.HOST}:{ports['http']}/news/", {"Host": PUBLIC_HOST}
            )
            assert redirect.status == 301
            assert redirect.header("Location") == f"https://{PUBLIC_HOST}/news/"

            status, headers, body = https_get(ports["https"], "/news/")
            assert status == 200
            assert headers.get("X-Request-ID")
            # The app knows it is served over HTTPS under its public name.
            assert f'<link rel="canonical" href="https://{PUBLIC_HOST}/news/">' in body
            # A second read is a hit in the proxy's cache (the app allows it).
            assert https_get(ports["https"], "/news/")[1].get("X-Cache-Status") in {
                "HIT",
                "REVALIDATED",
            }

            # Media on this machine's disk is served by nginx itself.
            (ports["media"] / "cities" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            status, headers, body = https_get(ports["https"], "/media/cities/x.png")
            assert status == 200 and headers["Content-Type"] == "image/png"
            assert body.startswith("\x89PNG")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("path", ["deploy/cityinno.service", "deploy/release.sh"])
def test_deploy_files_name_what_the_project_has(path):
    """The unit and the release script call files and commands that exist in the project."""
    text = (PROJECT / path).read_text()
    assert "gunicorn.conf.py" in text or "collectstatic" in text
    for command in re.findall(r"manage\.py (\w+)", text):
        builtin = {"migrate", "collectstatic", "check"}
        assert (
            command in builtin
            or (PROJECT / "news" / "management" / "commands" / f"{command}.py").exists()
        ), command
