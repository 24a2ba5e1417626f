"""Celery adapters of the battles: take ids, call services."""

from celery import shared_task
from django.conf import settings

from arena.battles import services


@shared_task
def conversations_purge() -> int:
    """Delete conversations older than ARENA_RETENTION_DAYS (beat: daily)."""
    return services.conversations_purge(older_than_days=settings.ARENA_RETENTION_DAYS)
