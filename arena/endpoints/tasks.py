"""Celery adapters of the endpoints: take ids, call services."""

import asyncio

from asgiref.sync import async_to_sync
from celery import shared_task

from arena.endpoints import inference, services
from arena.models import ModelEndpoint


async def _probe_all(configs: dict[int, inference.Endpoint]) -> dict[int, str]:
    async def one(endpoint_id: int, config: inference.Endpoint) -> tuple[int, str]:
        try:
            await inference.probe(config)
        except inference.InferenceError as error:
            return endpoint_id, f"{error.kind}: {error.message}"
        return endpoint_id, ""

    results = await asyncio.gather(*(one(pk, config) for pk, config in configs.items()))
    await inference.close_shared_client()
    return dict(results)


@shared_task
def endpoints_probe() -> dict[int, str]:
    """Probe every active endpoint; the sampler skips the ones that fail until they answer again."""
    endpoints = ModelEndpoint.objects.filter(is_active=True).select_related("team")
    results = async_to_sync(_probe_all)({e.pk: services.endpoint_config(e) for e in endpoints})
    for endpoint_id, error in results.items():
        services.endpoint_probe_record(endpoint_id=endpoint_id, error=error)
    return results
