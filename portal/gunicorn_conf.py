"""gunicorn's configuration for a portal node: `gunicorn -c python:portal.gunicorn_conf portal.asgi:application`.

Everything has an environment variable, so the image, the compose file and a bare host start nodes
the same way:

- PORTAL_BIND (0.0.0.0:8000), WEB_CONCURRENCY worker processes (2), the portal's uvicorn worker;
- a graceful timeout longer than PORTAL_DRAIN_SECONDS, so a SIGTERM lets battles finish;
- logs as JSON lines through the same configuration as Django (core/logs.py);
- Prometheus multi-process mode: PROMETHEUS_MULTIPROC_DIR (default a fresh directory under /tmp) is
  emptied when the node starts and a dead worker's gauges are dropped, so /metrics adds up only the
  live workers of this node.
"""

import os
import shutil
import tempfile

from core.logs import logging_config

bind = os.environ.get("PORTAL_BIND", "0.0.0.0:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "portal.workers.UvicornWorker"
graceful_timeout = int(float(os.environ.get("PORTAL_DRAIN_SECONDS", "60"))) + 15
# A worker that blocks its event loop this long is restarted (the heartbeat is the loop's).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
keepalive = 5
accesslog = None  # portal/request_log.py logs each request, without the client's address
logconfig_dict = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"), json=os.environ.get("LOG_FORMAT", "json") == "json"
)

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kai-metrics-")
# Emptied as the node starts (this file is read before any worker or metric exists): files of an
# earlier run would add dead processes' counters to this one's.
shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
