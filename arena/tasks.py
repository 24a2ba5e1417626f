"""Celery adapters: take ids, call services."""

from asgiref.sync import async_to_sync
from celery import shared_task

from arena import inference, services, streaming
from arena.models import ModelEndpoint


async def _probe_all(configs: dict[int, inference.Endpoint]) -> dict[int, str]:
    import asyncio

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
    results = async_to_sync(_probe_all)({e.pk: streaming.endpoint_config(e) for e in endpoints})
    for endpoint_id, error in results.items():
        services.endpoint_probe_record(endpoint_id=endpoint_id, error=error)
    return results


@shared_task
def leaderboard_refresh() -> int:
    """Refit every leaderboard view from the votes now stored; returns the number of snapshots."""
    from arena.leaderboard import snapshot_recompute

    return len(snapshot_recompute())


@shared_task
def conversations_purge() -> int:
    """Delete conversations older than ARENA_RETENTION_DAYS (beat: daily)."""
    from django.conf import settings

    return services.conversations_purge(older_than_days=settings.ARENA_RETENTION_DAYS)


@shared_task
def ledger_roots_publish() -> int:
    """Store the ledger root of every finished day (beat: daily, just after midnight)."""
    from arena.ledger import roots_publish

    return len(roots_publish())


@shared_task
def voter_anomaly_scan() -> dict[str, int]:
    """Set aside bursts of first-time voters from one network, then flag voters whose votes are
    improbable under the current ratings (beat: hourly)."""
    from arena.integrity import network_burst_scan
    from arena.integrity import voter_anomaly_scan as scan

    networks = network_burst_scan()
    return {**scan(), **{f"network_{k}": v for k, v in networks.items()}}


@shared_task
def battles_stuck_release() -> int:
    """Release battles left in_turn past the total timeout by a process that died mid-turn (beat: 5 min)."""
    import datetime as dt

    from django.conf import settings

    # The total timeout bounds a turn; a minute more covers recording it.
    older_than = dt.timedelta(seconds=settings.ARENA_TOTAL_TIMEOUT + 60)
    return services.battles_stuck_release(older_than=older_than)
