"""GET /metrics: Prometheus text for the monitoring system, 404 for everyone else.

Readers: addresses in METRICS_NETWORKS (loopback by default: a Prometheus or agent on the node), or
a request carrying `Authorization: Bearer <METRICS_TOKEN>` when that is set. Anyone else is told
there is nothing here. Under gunicorn (PROMETHEUS_MULTIPROC_DIR set) the answer adds up every worker
process of this node; a scrape of each node, not of the load balancer, sees the whole site.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector


def _may_read(request) -> bool:
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_NETWORKS)


def registry():
    """Every worker's values when they live in files (multi-process), this process's otherwise."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    collected = CollectorRegistry()
    MultiProcessCollector(collected)
    return collected


@never_cache
@require_GET
def metrics(request):
    if not _may_read(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
