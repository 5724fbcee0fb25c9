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
- `accesslog = "-"`, `errorlog = "-"`: everything on stdout, one JSON object per line in the
  same shape as Django's own log lines (cityinno/logs.py): an access line has time, level,
  logger, message, method, path, query, status, bytes, duration in ms, the remote address and
  the proxy's request id; gunicorn's own messages (start, worker deaths, tracebacks) are lines
  of the `gunicorn.error` logger. Any log collector reads them without a regex.
- Reload: `kill -HUP <master pid>` (systemd: `systemctl reload cityinno`) starts new workers
  with new code and settings and retires the old ones once their requests are done, with no
  refused connection.
- `control_socket_disable`: gunicorn 25.1+ opens a control socket at one fixed path per user,
  which every gunicorn on the host would share; signals (HUP, TERM, TTIN, TTOU) already do
  its job. Older gunicorn ignores the setting.
"""

import json
import logging
import multiprocessing
import os
import sys

from gunicorn import glogging

from cityinno.logs import JsonFormatter, utc_time

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
    """gunicorn's error and access logs as JSON lines on stdout, shaped like Django's."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
                    handler.setStream(sys.stdout)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not getattr(self, "access_log_enabled", True):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        # The address as the client sent it (percent-encoded), not the decoded PATH_INFO.
        path, _, query = environ.get("RAW_URI", environ.get("PATH_INFO", "")).partition("?")
        method = environ.get("REQUEST_METHOD")
        record = {
            "time": utc_time(),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{method} {path} {status}",
            "method": method,
            "path": path,
            "query": query,
            "status": int(status),
            "bytes": getattr(resp, "sent", None) or 0,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
        }
        if request_id := environ.get("HTTP_X_REQUEST_ID"):
            record["request_id"] = request_id
        try:
            self.access_log.info(json.dumps(record))
        except Exception:
            self.exception("Could not write the access log line")


logger_class = StructuredLogger
