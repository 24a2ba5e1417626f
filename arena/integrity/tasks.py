"""Celery adapters of vote integrity."""

from celery import shared_task

from arena.integrity import ledger, review


@shared_task
def ledger_roots_publish() -> int:
    """Store the ledger root of every finished day (beat: daily, just after midnight)."""
    return len(ledger.roots_publish())


@shared_task
def voter_anomaly_scan() -> dict[str, int]:
    """Set aside bursts of first-time voters from one network, then flag voters whose votes are
    improbable under the current ratings, then weigh what is left by voter trust and set aside
    heavy-underdog wins from new accounts (beat: hourly). The order is the red team's
    (arena/integrity/defences.py)."""
    networks = review.network_burst_scan()
    voters = review.voter_anomaly_scan()
    weights = review.vote_weights_scan()
    return {
        **voters,
        **{f"network_{k}": v for k, v in networks.items()},
        **{f"weights_{k}": v for k, v in weights.items()},
    }
