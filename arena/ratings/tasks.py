"""Celery adapters of the ratings."""

from celery import shared_task

from arena.ratings.snapshots import snapshot_recompute
from core import metrics


@shared_task
def leaderboard_refresh() -> int:
    """Refit every leaderboard view from the votes now stored; returns the number of snapshots."""
    with metrics.refresh_timed():
        snapshots = snapshot_recompute()
    metrics.snapshots_observed(snapshots)
    return len(snapshots)
