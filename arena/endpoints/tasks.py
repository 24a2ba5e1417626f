"""Celery adapters of the endpoints: take ids, call services."""

import asyncio

from asgiref.sync import async_to_sync
from celery import shared_task

from arena.endpoints import inference, services
from arena.models import ModelEndpoint


async def _probe_all(endpoints: list[ModelEndpoint]) -> dict[int, str]:
    async def one(endpoint: ModelEndpoint) -> tuple[int, str]:
        try:
            await inference.probe(services.endpoint_config(endpoint))
        except inference.InferenceError as error:
            return endpoint.pk, f"{error.kind}: {error.message}"
        return endpoint.pk, ""

    results = await asyncio.gather(*(one(e) for e in endpoints))
    await inference.close_shared_client()
    return dict(results)


@shared_task
def endpoints_probe() -> dict[int, str]:
    """Probe every active endpoint; the sampler skips the ones that fail until they answer again."""
    endpoints = list(ModelEndpoint.objects.filter(is_active=True))
    results = async_to_sync(_probe_all)(endpoints)
    for endpoint_id, error in results.items():
        services.endpoint_probe_record(endpoint_id=endpoint_id, error=error)
    return results
