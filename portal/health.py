"""Readiness probes for /healthz: is each backing service usable right now?

Each probe returns (ok, detail). Details name the failure but never echo credentials from URLs.
"""

import asyncio
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

Probe = Callable[[], tuple[bool, str]]


def _database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def _cache() -> tuple[bool, str]:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key) == "1"
    cache.delete(key)
    return found, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


async def _channel_roundtrip() -> bool:
    # A layer of the probe's own, built from the same settings: it reaches the same Redis, and a
    # receive left pending on the process's shared layer by another event loop (channels_redis allows
    # one loop per layer) cannot make a healthy node report itself unready.
    layer = channel_layers.make_backend("default")
    try:
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        return message.get("type") == "healthz.ping"
    finally:
        close = getattr(layer, "close_pools", None)  # the Redis layer's connections; memory has none
        if close is not None:
            await close()


def _channel_layer() -> tuple[bool, str]:
    ok = async_to_sync(_channel_roundtrip)()
    return ok, settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]


def _celery_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (no broker: tasks run inline)"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True, "connected"


PROBES: dict[str, Probe] = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "celery_broker": _celery_broker,
}


def health_report() -> tuple[bool, dict[str, dict[str, object]]]:
    """Run every probe; one failing probe never hides the others."""
    report: dict[str, dict[str, object]] = {}
    for name, probe in PROBES.items():
        try:
            ok, detail = probe()
        except Exception as exc:  # noqa: BLE001 - any failure means "not usable", reported by type
            ok, detail = False, f"{type(exc).__name__}"
        report[name] = {"ok": ok, "detail": detail}
    return all(item["ok"] for item in report.values()), report
