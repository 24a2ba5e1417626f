"""Celery adapters of the battles: take ids, call services."""

import datetime as dt

from celery import shared_task
from django.conf import settings

from arena.battles import services


@shared_task
def conversations_purge() -> int:
    """Delete conversations older than ARENA_RETENTION_DAYS (beat: daily)."""
    return services.conversations_purge(older_than_days=settings.ARENA_RETENTION_DAYS)


@shared_task
def battles_stuck_release() -> int:
    """Release battles left in_turn past the total timeout by a process that died mid-turn (beat: 5 min)."""
    # The total timeout bounds a turn; a minute more covers recording it.
    older_than = dt.timedelta(seconds=settings.ARENA_TOTAL_TIMEOUT + 60)
    return services.battles_stuck_release(older_than=older_than)
