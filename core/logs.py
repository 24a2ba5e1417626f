"""Structured logs: one JSON object per line, each with the request id of the request or websocket
it belongs to, and never a raw client address.

What the portal logs is written never to contain prompts, answers or endpoint keys (the turn logs
counts and timings, the inference client scrubs keys from error text). Two nets catch what a
library might add: every address-like string (IPv4, IPv6) in a message is replaced by `[ip]`, and
the loggers that would print websocket frames or HTTP bodies at DEBUG are held at INFO
(`QUIET_LOGGERS`), whatever LOG_LEVEL says.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.json import JsonFormatter

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A request id a proxy sends is taken as is only if it cannot carry anything but an id.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# Libraries that log frames, request bodies or SQL with parameters at DEBUG.
QUIET_LOGGERS = ("websockets", "uvicorn.protocols", "httpx", "httpcore", "django.db.backends", "asyncio")

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# Full and compressed IPv6 forms (at least two groups around a '::', or eight groups).
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4})(?![\w:])"
)


def request_id() -> str:
    return _request_id.get()


def request_id_begin(offered: str | None = None) -> str:
    """Set the id of the request this context serves: the proxy's X-Request-ID when well formed,
    otherwise a new one. Returns it (the response echoes it back)."""
    value = offered if offered and _WELL_FORMED.fullmatch(offered) else uuid.uuid4().hex
    _request_id.set(value)
    return value


def scrub_addresses(text: str) -> str:
    text = _IPV4.sub("[ip]", text)
    return _IPV6.sub(lambda m: "[ip]" if m.group(0).count(":") >= 2 else m.group(0), text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class PortalJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, with addresses scrubbed from the message and the traceback."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "processName": "process"})
        kwargs.setdefault("timestamp", "time")  # ISO 8601 in UTC, whatever the process's time zone
        # processName tells a Celery pool's children (ForkPoolWorker-1) from the worker itself.
        super().__init__("%(levelname)s %(name)s %(processName)s %(message)s %(request_id)s", *args, **kwargs)

    def process_log_record(self, log_data: dict) -> dict:
        log_data.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
        for key in ("message", "exc_info", "stack_info"):
            if isinstance(log_data.get(key), str):
                log_data[key] = scrub_addresses(log_data[key])
        return log_data


class PlainFormatter(logging.Formatter):
    """For a developer's terminal (`make run`): one readable line, addresses scrubbed all the same."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub_addresses(super().format(record))


def logging_config(*, level: str, json: bool) -> dict:
    """The LOGGING dict of the settings (and of gunicorn's own logger, portal/gunicorn_conf.py)."""
    server_level = level if logging.getLevelName(level.upper()) >= logging.INFO else "INFO"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "core.logs.PortalJsonFormatter"},
            "plain": {
                "()": "core.logs.PlainFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(processName)s [%(request_id)s] %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            **{name: {"level": "WARNING" if name.startswith("http") else "INFO"} for name in QUIET_LOGGERS},
            # gunicorn's and uvicorn's own loggers go through the same handler (not their own), at
            # LOG_LEVEL but never below INFO: uvicorn says "connection open" for every websocket at
            # INFO, which WARNING silences, and its DEBUG is per-message noise.
            **{
                name: {"handlers": ["console"], "level": server_level, "propagate": False}
                for name in ("gunicorn.error", "uvicorn.error")
            },
            # uvicorn's access log carries the client's address: the portal logs requests itself.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
