"""Logging set-up: text for people, JSON lines for log collectors (ESM_LOG_FORMAT). Structured
fields travel as `extra={...}` on the record; nothing here ever receives a secret."""
from __future__ import annotations

import datetime as _dt
import json
import logging
import re

# attributes every LogRecord has; anything else on a record was passed as `extra` (uvicorn
# adds `color_message`, its message with terminal colour codes: never shown)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "color_message", "esm_logger"}


_LINE_BREAKERS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def escape_controls(text: str) -> str:
    """Control characters as escapes, so that nothing a request carries (a path with %0A, a
    header, an id) can end a log line and forge the next one."""
    return _LINE_BREAKERS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                              else f"\\u{ord(m.group()):04x}", text)


def extra_fields(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


def timestamp(record: logging.LogRecord) -> str:
    """RFC 3339, UTC, milliseconds: 2026-12-03T12:00:00.123Z."""
    return _dt.datetime.fromtimestamp(record.created, _dt.timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def logger_name(record: logging.LogRecord) -> str:
    """uvicorn's loggers (`uvicorn.error` logs the server's start and stop) as the ESM's."""
    return "esm.server" if record.name.startswith("uvicorn") else record.name


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": timestamp(record), "level": record.levelname,
                "logger": logger_name(record), "message": record.getMessage(), **extra_fields(record)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(esm_logger)s: %(message)s")

    def formatTime(self, record, datefmt=None) -> str:
        return timestamp(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)  # the traceback, added after, keeps its lines
        record.esm_logger = logger_name(record)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = extra_fields(record)
        if fields:
            text += " " + " ".join(f"{k}={escape_controls(str(v))}" for k, v in fields.items()
                                   if v is not None)
        return text


def configure(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
