"""Celery adapters of vote integrity."""

from celery import shared_task

from arena.integrity import ledger, review


@shared_task
def ledger_roots_publish() -> int:
    """Store the ledger root of every finished day (beat: daily, just after midnight)."""
    return len(ledger.roots_publish())


@shared_task
def voter_anomaly_scan() -> dict[str, int]:
    """Flag voters whose votes are improbable under the current ratings (beat: hourly)."""
    return review.voter_anomaly_scan()
