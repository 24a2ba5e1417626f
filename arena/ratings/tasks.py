"""Celery adapters of the ratings."""

from celery import shared_task

from arena.ratings.snapshots import snapshot_recompute


@shared_task
def leaderboard_refresh() -> int:
    """Refit every leaderboard view from the votes now stored; returns the number of snapshots."""
    return len(snapshot_recompute())
