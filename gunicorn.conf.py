"""Production gunicorn settings for cityinno: `gunicorn -c gunicorn.conf.py` (no other argument).

Why each value:

- `wsgi_app`: the Django application, so the command line names only this file.
- `bind`: `BIND_HOST:PORT` from the environment (default 127.0.0.1:8000). Loopback by default,
  because a reverse proxy (nginx) sits in front and terminates TLS; set `BIND_HOST=0.0.0.0` only
  when the proxy runs on another machine.
- `workers`: `2 * cores + 1`, gunicorn's rule of thumb: a page spends part of its time waiting
  for PostgreSQL, so a little more than one process per core keeps the cores busy.
  `WEB_CONCURRENCY` (the usual platform variable) overrides it.
- `worker_class = "sync"`: every request renders templates and queries the database, CPU-bound
  work that threads would not speed up under the GIL; the proxy in front buffers slow clients,
  which is what sync workers need.
- `timeout = 30`: the slowest page (a sitemap page of 5,000 addresses) renders in about a
  second; a worker silent for 30 s is stuck, and is killed and replaced.
- `graceful_timeout = 30`: on a restart or deploy, requests in flight get as long to finish as
  any request may take.
- `keepalive = 5`: how long an idle keep-alive connection is held. Sync workers close every
  connection after its response (the proxy keeps the client connections), so this only
  matters if `worker_class` is changed to `gthread`; 5 s then outlasts a proxy's reuse gap.
- `accesslog = "-"`: one JSON object per request on stdout (time, method, path, query, status,
  bytes, duration in ms, remote address), which any log collector parses without a regex.
- `errorlog = "-"`: gunicorn's own messages (start, worker deaths, tracebacks) on stderr,
  apart from the access lines.
- `control_socket_disable`: gunicorn 25.1+ opens a control socket at one fixed path per user,
  which every gunicorn on the host would share; signals (HUP, TERM, TTIN, TTOU) already do
  its job. Older gunicorn ignores the setting.
"""

import json
import multiprocessing
import os
import time

from gunicorn import glogging

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"

wsgi_app = "cityinno.wsgi:application"
bind = f"{os.environ.get('BIND_HOST', DEFAULT_HOST)}:{int(os.environ.get('PORT', DEFAULT_PORT))}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
control_socket_disable = True


class StructuredLogger(glogging.Logger):
    """The access log as one JSON object per request; error logging is gunicorn's own."""

    def access(self, resp, req, environ, request_time):
        if not getattr(self, "access_log_enabled", True):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        # The address as the client sent it (percent-encoded), not the decoded PATH_INFO.
        path, _, query = environ.get("RAW_URI", environ.get("PATH_INFO", "")).partition("?")
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "method": environ.get("REQUEST_METHOD"),
            "path": path,
            "query": query,
            "status": int(status),
            "bytes": getattr(resp, "sent", None) or 0,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
        }
        try:
            self.access_log.info(json.dumps(record))
        except Exception:
            self.exception("Could not write the access log line")


logger_class = StructuredLogger
