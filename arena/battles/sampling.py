"""Pair sampling for battles: pure functions, no Django.

The first model is drawn in proportion to its weight, the rival from the rest in proportion to theirs,
and the sides are a fair coin. The probability of the unordered pair is returned with the draw so the
leaderboard can reweight by inverse propensity later.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairDraw:
    a: int  # index of the model shown as "A"
    b: int  # index of the model shown as "B"
    probability: float  # P(this unordered pair) under the weights


def pair_probability(weights: Sequence[float], i: int, j: int) -> float:
    total = float(sum(weights))
    wi, wj = weights[i], weights[j]
    return wi / total * wj / (total - wi) + wj / total * wi / (total - wj)


def draw_pair(weights: Sequence[float], rng: random.Random) -> PairDraw:
    """Draw two distinct indices. Needs at least two positive weights."""
    candidates = [i for i, w in enumerate(weights) if w > 0]
    if len(candidates) < 2:
        raise ValueError("need at least two models with a positive weight")
    first = rng.choices(candidates, weights=[weights[i] for i in candidates])[0]
    rest = [i for i in candidates if i != first]
    second = rng.choices(rest, weights=[weights[i] for i in rest])[0]
    a, b = (first, second) if rng.random() < 0.5 else (second, first)
    return PairDraw(a=a, b=b, probability=pair_probability(weights, first, second))


# --- Equal exposure per team ----------------------------------------------------------------------
#
# The unit of fairness is the team, not the version: a team gets the same share of battles whether it
# runs one version or three, so testing more variants buys no extra exposure. Two teams are drawn
# first (the first in proportion to its team weight, the rival from the other teams in proportion to
# theirs), then one version inside each team in proportion to its version weight. Two versions of one
# team never meet. With equal team weights (the default) every team appears in 2/K of the battles.


@dataclass(frozen=True)
class TeamPairDraw:
    a: int  # index of the version shown as "A"
    b: int  # index of the version shown as "B"
    probability: float  # P(this unordered pair of versions)


def team_pair_probability(team_weights: Sequence[float], t: int, u: int) -> float:
    """P(the unordered pair of teams t, u) under the team weights (same rule as `pair_probability`)."""
    return pair_probability(team_weights, t, u)


def exposure_targets(team_weights: Sequence[float]) -> list[float]:
    """Each team's target share of battles: P(the team appears in a battle)."""
    k = len(team_weights)
    if sum(1 for w in team_weights if w > 0) < 2:
        return [0.0] * k
    return [
        sum(team_pair_probability(team_weights, t, u) for u in range(k) if u != t and team_weights[u] > 0)
        if team_weights[t] > 0
        else 0.0
        for t in range(k)
    ]


def _team_totals(teams: Sequence[int], weights: Sequence[float], n_teams: int) -> list[float]:
    totals = [0.0] * n_teams
    for team, weight in zip(teams, weights, strict=True):
        if weight > 0:
            totals[team] += weight
    return totals


def version_pair_probability(
    teams: Sequence[int], weights: Sequence[float], team_weights: Sequence[float], i: int, j: int
) -> float:
    """P(the unordered pair of versions i, j). `teams[i]` is version i's team index."""
    totals = _team_totals(teams, weights, len(team_weights))
    effective = [tw if totals[t] > 0 else 0.0 for t, tw in enumerate(team_weights)]
    t, u = teams[i], teams[j]
    if t == u or weights[i] <= 0 or weights[j] <= 0 or effective[t] <= 0 or effective[u] <= 0:
        return 0.0
    return team_pair_probability(effective, t, u) * weights[i] / totals[t] * weights[j] / totals[u]


def draw_team_pair(
    teams: Sequence[int], weights: Sequence[float], team_weights: Sequence[float], rng: random.Random
) -> TeamPairDraw:
    """Draw two versions of two different teams. Needs two teams with a positive weight and at least
    one version of positive weight each."""
    totals = _team_totals(teams, weights, len(team_weights))
    effective = [tw if totals[t] > 0 else 0.0 for t, tw in enumerate(team_weights)]
    pair = draw_pair(effective, rng)  # raises ValueError with fewer than two drawable teams

    def version_of(team: int) -> int:
        members = [i for i, t in enumerate(teams) if t == team and weights[i] > 0]
        return rng.choices(members, weights=[weights[i] for i in members])[0]

    a, b = version_of(pair.a), version_of(pair.b)
    return TeamPairDraw(a=a, b=b, probability=version_pair_probability(teams, weights, team_weights, a, b))
