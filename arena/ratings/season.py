"""The public counter toward the season's vote target, shown on the home page.

Counts the votes that count (valid ones) since ARENA_SEASON_START, cached for a minute: the home page
is the busiest page and the counter need not be exact to the second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from arena.models import Vote

CACHE_KEY = "arena:season-votes"


@dataclass(frozen=True)
class SeasonProgress:
    counted: int
    target: int
    start: dt.date | None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.counted / self.target)) if self.target else 0


def season_start() -> dt.date | None:
    try:
        return dt.date.fromisoformat(settings.ARENA_SEASON_START) if settings.ARENA_SEASON_START else None
    except ValueError:
        return None


def season_progress() -> SeasonProgress:
    start = season_start()
    counted = cache.get(CACHE_KEY)
    if counted is None:
        votes = Vote.objects.filter(inclusion=Vote.Inclusion.VALID)
        if start is not None:
            since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
            votes = votes.filter(created_at__gte=since)
        counted = votes.count()
        cache.set(CACHE_KEY, counted, 60)
    return SeasonProgress(counted=counted, target=settings.ARENA_SEASON_VOTE_TARGET, start=start)
