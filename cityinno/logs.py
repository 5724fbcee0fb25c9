"""One JSON object per log line, for Django's logs and gunicorn's alike.

A log collector (journald, a container runtime, Loki, CloudWatch) then reads every line without a
regex, and a traceback stays inside its record instead of spreading over forty lines that
interleave with other workers' output. Every line has `time`, `level`, `logger` and `message`;
request logs add `method`, `path`, `status` and the proxy's `request_id` (nginx's
`$request_id`, passed as `X-Request-ID`), so one request can be followed from proxy to app.
"""

import json
import logging
from datetime import UTC, datetime

#: Attributes every LogRecord has; anything else on a record was passed as `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
#: Objects Django attaches to its records that are not worth a field (the request is summarised).
_SKIPPED = {"request", "server_time"}


def utc_time(timestamp: float | None = None) -> str:
    """An ISO 8601 time in UTC, to the millisecond: the same on every server and in every log,
    whatever TIME_ZONE the site shows its readers."""
    moment = datetime.now(UTC) if timestamp is None else datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: Django calls the status `status_code`; gunicorn's access lines and ours call it `status`.
_RENAMED = {"status_code": "status"}


class JsonFormatter(logging.Formatter):
    """time, level, logger and message; the request's method, path and id for Django's request
    logs; any `extra=` values; the traceback as one escaped string."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            line["method"] = request.method
            line["path"] = getattr(request, "path", "")
            request_id = getattr(request, "META", {}).get("HTTP_X_REQUEST_ID")
            if request_id:
                line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _SKIPPED:
                line.setdefault(_RENAMED.get(key, key), value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
