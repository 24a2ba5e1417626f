"""Celery adapters of the endpoints: take ids, call services."""

import asyncio

from asgiref.sync import async_to_sync
from celery import shared_task
from django.conf import settings

from arena.endpoints import canary, inference, services
from arena.models import ModelEndpoint


async def _probe_all(configs: dict[int, inference.Endpoint], timeout: float) -> dict[int, str]:
    async def one(endpoint_id: int, config: inference.Endpoint) -> tuple[int, str]:
        try:
            await inference.probe(config, timeout=timeout)
        except inference.InferenceError as error:
            return endpoint_id, f"{error.kind}: {error.message}"
        return endpoint_id, ""

    results = await asyncio.gather(*(one(pk, config) for pk, config in configs.items()))
    await inference.close_shared_client()
    return dict(results)


@shared_task
def endpoints_probe() -> dict[int, str]:
    """One real chat completion to every active version; the sampler skips the ones that fail until
    they answer again."""
    endpoints = ModelEndpoint.objects.active_variants().select_related("team")
    # A probe waits for its first token no longer than a citizen would, and at most 20 s.
    timeout = min(20.0, settings.ARENA_FIRST_TOKEN_TIMEOUT)
    results = async_to_sync(_probe_all)({e.pk: services.endpoint_config(e) for e in endpoints}, timeout)
    for endpoint_id, error in results.items():
        services.endpoint_probe_record(endpoint_id=endpoint_id, error=error)
    return results


@shared_task
def canaries_run() -> dict[int, str]:
    """The drift canaries for every active, attested version: outcome per endpoint id."""
    return {run.endpoint_id: run.outcome for run in canary.canaries_run()}
