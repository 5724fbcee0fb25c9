"""One JSON object per log line, for Django's logs and gunicorn's error log alike.

A log collector (journald, a container runtime, Loki, CloudWatch) then reads every line without a
regex, and a traceback stays inside its record instead of spreading over forty lines that
interleave with other workers' output.
"""

import json
import logging

#: Attributes every LogRecord has; anything else on a record was passed as `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
#: Objects Django attaches to its records that are not worth a field (the request is summarised).
_SKIPPED = {"request", "server_time"}


class JsonFormatter(logging.Formatter):
    """time, level, logger and message; the request's method and path and the status code for
    Django's request logs; any `extra=` values; the traceback as one escaped string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = getattr(request, "path", "")
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _SKIPPED and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
