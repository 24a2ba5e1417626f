"""Equal exposure, published: per team and 7-day window, the share of battles it appeared in against
its target share, and the pair probabilities behind the target.

Windows are calendar weeks in the portal's time zone (Monday 00:00 to Monday 00:00, Asia/Seoul). A
team's share is the battles it appeared in (as A or B) over the window's battles; every battle the
sampler drew counts, voted or not. Its target is what the sampler gives it: with equal team weights
(the default) every team taking part appears in 2/K of the battles. The teams taking part in a window
are those that appeared in it, and, for the current window, those with a version the sampler may draw
now, so a team left out entirely shows as 0% rather than not at all. One grouped query reads any
number of battles (tests/benchmarks/bench_canaries.py times a million).
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from arena.battles import sampling
from arena.battles.services import sampler_pool, team_weights
from arena.models import Battle, Team

WINDOW_DAYS = 7


@dataclass(frozen=True)
class TeamExposure:
    team_id: int
    team: str
    battles: int
    share: float
    target: float
    noise: float  # half-width of the 95% band chance alone gives a share with this many battles
    alert: bool  # further than ARENA_EXPOSURE_TOLERANCE from the target

    @property
    def gap(self) -> float:
        return self.share - self.target

    # In percent and percentage points, for pages.
    @property
    def share_pct(self) -> float:
        return 100 * self.share

    @property
    def target_pct(self) -> float:
        return 100 * self.target

    @property
    def gap_pp(self) -> float:
        return 100 * self.gap

    @property
    def noise_pp(self) -> float:
        return 100 * self.noise


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime
    battles: int
    teams: list[TeamExposure]
    current: bool

    @property
    def alerts(self) -> list[TeamExposure]:
        return [t for t in self.teams if t.alert]


@dataclass(frozen=True)
class PairProbability:
    first: str
    second: str
    probability: float


def _week_start(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time()))


def exposure_windows(*, weeks: int = 8, now: dt.datetime | None = None) -> list[Window]:
    """The last `weeks` windows, newest first, each with every team's share and target."""
    now = now or timezone.now()
    current = _week_start(now)
    since = current - dt.timedelta(days=WINDOW_DAYS * (weeks - 1))
    counts: dict[dt.datetime, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[dt.datetime, int] = defaultdict(int)
    rows = (
        Battle.objects.filter(created_at__gte=since)
        .annotate(week=TruncWeek("created_at", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)))
        .values_list("week", "model_a__team_id", "model_b__team_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for week, team_a, team_b, n in rows:
        week = _week_start(week)
        totals[week] += n
        counts[week][team_a] += n
        if team_b != team_a:
            counts[week][team_b] += n
    endpoints, _teams, _weights = sampler_pool()
    drawable_now = {e.team_id for e in endpoints}
    names = dict(Team.objects.values_list("id", "name"))
    windows = []
    for i in range(weeks):
        start = current - dt.timedelta(days=WINDOW_DAYS * i)
        taking_part = set(counts[start]) | (drawable_now if i == 0 else set())
        windows.append(_window(start, totals[start], counts[start], sorted(taking_part), names, i == 0))
    return windows


def exposure_windows_cached(*, weeks: int = 8) -> list[Window]:
    """The same, read at most once a minute for pages and the API: a million battles take about two
    seconds to group (tests/benchmarks/bench_canaries.py), too long for every page view."""
    return cache.get_or_set(f"arena:exposure:{weeks}", lambda: exposure_windows(weeks=weeks), 60)


def _window(start, total: int, counts, team_ids: list[int], names, current: bool) -> Window:
    targets = sampling.exposure_targets(team_weights(team_ids))
    tolerance = settings.ARENA_EXPOSURE_TOLERANCE
    teams = []
    for team_id, target in zip(team_ids, targets, strict=True):
        n = counts.get(team_id, 0)
        share = n / total if total else 0.0
        noise = 1.96 * math.sqrt(target * (1 - target) / total) if total else 1.0
        teams.append(
            TeamExposure(
                team_id=team_id,
                team=names.get(team_id, f"#{team_id}"),
                battles=n,
                share=share,
                target=target,
                noise=noise,
                alert=total > 0 and abs(share - target) > tolerance,
            )
        )
    teams.sort(key=lambda t: t.team)
    return Window(start, start + dt.timedelta(days=WINDOW_DAYS), total, teams, current)


def pair_probabilities_now() -> tuple[list[PairProbability], list[PairProbability]]:
    """The sampler's probabilities now: per unordered pair of teams, and per pair of versions."""
    endpoints, teams, team_weights = sampler_pool()
    weights = [e.weight for e in endpoints]
    team_names: dict[int, str] = {}
    for endpoint, index in zip(endpoints, teams, strict=True):
        team_names[index] = endpoint.team.name
    team_pairs = [
        PairProbability(team_names[t], team_names[u], sampling.team_pair_probability(team_weights, t, u))
        for t in range(len(team_weights))
        for u in range(t + 1, len(team_weights))
    ]
    version_pairs = [
        PairProbability(
            f"{endpoints[i].name} ({endpoints[i].team.name})",
            f"{endpoints[j].name} ({endpoints[j].team.name})",
            sampling.version_pair_probability(teams, weights, team_weights, i, j),
        )
        for i in range(len(endpoints))
        for j in range(i + 1, len(endpoints))
        if teams[i] != teams[j]
    ]
    return team_pairs, version_pairs
