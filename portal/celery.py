"""The Celery app. Settings come from Django's CELERY_* settings; with no broker they run eagerly.

A worker started with CELERY_METRICS_PORT serves its own Prometheus metrics on that port (leaderboard
refresh durations, exclusions found by the scans): its prefork children write them to
PROMETHEUS_MULTIPROC_DIR and the worker's main process adds them up, as gunicorn's workers do.
"""

import os
import tempfile

from celery import Celery
from celery.signals import worker_process_shutdown, worker_ready
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
if os.environ.get("CELERY_METRICS_PORT", "0") not in ("", "0") and not os.environ.get(
    "PROMETHEUS_MULTIPROC_DIR"
):
    # Before prometheus_client is first imported: it chooses its mode once.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kai-celery-metrics-")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each arena context keeps its tasks next to its services; autodiscovery looks one level deep only.
ARENA_CONTEXTS = ["arena.endpoints", "arena.battles", "arena.ratings", "arena.integrity"]
app.autodiscover_tasks(lambda: [*settings.INSTALLED_APPS, *ARENA_CONTEXTS])


@worker_ready.connect
def _serve_metrics(**kwargs) -> None:
    if not settings.CELERY_METRICS_PORT:
        return
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    start_http_server(
        settings.CELERY_METRICS_PORT, addr=os.environ.get("CELERY_METRICS_ADDR", "0.0.0.0"), registry=registry
    )


@worker_process_shutdown.connect
def _forget_child(pid=None, **kwargs) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
