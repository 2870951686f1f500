"""Structured logs for the service: one JSON object per line, with the fields passed as `extra=`.

Why JSON: the service runs behind a log shipper (Loki, ELK, Alibaba Cloud SLS) that indexes fields;
`log.info("live session closed", extra={"session_id": ...})` becomes a searchable `session_id`. The
text format is for a developer's terminal (DEALWISE_LOG_FORMAT=text).
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from datetime import UTC, datetime
from typing import Any

# attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_"))
        line = f"{self.formatTime(record)} {record.levelname:7} {record.name}: {record.getMessage()}" + (f"  {fields}" if fields else "")
        return line + ("\n" + self.formatException(record.exc_info) if record.exc_info else "")


def configure(log_format: str = "json", level: str = "INFO") -> dict[str, Any]:
    """Log through one stderr handler; returns the same setup as a dictConfig for uvicorn's `log_config`."""
    formatter = "service.logs.JsonFormatter" if log_format == "json" else "service.logs.TextFormatter"
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": formatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "default", "stream": sys.stderr}},
        "root": {"handlers": ["stderr"], "level": level},
        # requests are logged once, with their route, status and duration, by the app's middleware
        "loggers": {"uvicorn.access": {"level": "WARNING"}, "uvicorn": {"level": level}, "uvicorn.error": {"level": level}},
    }
    logging.config.dictConfig(config)
    return config
