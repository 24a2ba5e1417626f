"""Pair sampling for battles: pure functions, no Django.

The first model is drawn in proportion to its weight, the rival from the rest in proportion to theirs,
and the sides are a fair coin. The probability of the unordered pair is returned with the draw so the
leaderboard can reweight by inverse propensity later.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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


# --- Active sampling ------------------------------------------------------------------------------
#
# Spend votes where they buy the certainty that matters (LMArena's active sampling, Chiang et al.
# 2024 eq. 9; UniCBE, arXiv 2502.11454). With the board's current ratings and battle counts:
# 1. Information: I = sum over pairs of n_ij p_ij (1 - p_ij) (e_i - e_j)(e_i - e_j)^T, the Fisher
#    information of the Bradley-Terry fit (logits), and its pseudo-inverse S, the covariance.
# 2. What one more vote on pair (i, j) would do: by the rank-one update, model m's variance falls by
#    w (S d)_m^2 / (1 + w d^T S d), with d = e_i - e_j and w = p_ij (1 - p_ij).
# 3. What matters: models whose 95% half-width is still above the target count fully, the others
#    SETTLED_WEIGHT; a model whose rank spread straddles the cut line (the last place that passes)
#    counts CUT_BOOST times more, so the overlap around the line is resolved first.
# 4. P(pair) = (1 - FLOOR_SHARE) * gain / sum(gain) + FLOOR_SHARE / pairs: every allowed pair keeps
#    at least FLOOR_SHARE / pairs. The fit then weighs each battle by P_reference(pair) / P(pair)
#    (stored on the battle), so the ratings estimate what the reference design would, unbiased.

FLOOR_SHARE = 0.3
SETTLED_WEIGHT = 0.1
CUT_BOOST = 3.0
PRIOR_GAMES = 1.0  # a pair never played counts as one game at p = 1/2, so S exists from the start


@dataclass(frozen=True)
class PairPlan:
    probability: np.ndarray  # (n, n) symmetric, zero diagonal; the upper triangle sums to one
    floor: float  # the least probability of any allowed pair


def active_plan(
    theta,
    games,
    half_width,
    *,
    target: float,
    cut: int | None = None,
    best=None,
    worst=None,
    allowed=None,
    floor_share: float = FLOOR_SHARE,
) -> PairPlan:
    """Pair probabilities for the next battles.

    theta: (n,) ratings in logits; games: (n, n) battles so far per pair; half_width: (n,) the
    board's 95% half-widths (any unit, same as `target`); cut, best, worst: the cut line and each
    model's rank spread (optional); allowed: (n, n) bool, the pairs that may meet (default: all)."""
    theta = np.asarray(theta, dtype=float)
    n = len(theta)
    games = np.asarray(games, dtype=float)
    allowed = np.ones((n, n), dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    allowed = allowed & allowed.T & ~np.eye(n, dtype=bool)
    i, j = np.nonzero(np.triu(allowed, 1))
    if len(i) == 0:
        raise ValueError("need at least one pair of models that may meet")
    p = 1.0 / (1.0 + np.exp(-(theta[i] - theta[j])))
    w = p * (1.0 - p)
    info = np.zeros((n, n))
    weight = (games[i, j] + PRIOR_GAMES) * w
    np.add.at(info, (i, j), -weight)
    np.add.at(info, (j, i), -weight)
    np.add.at(info, (i, i), weight)
    np.add.at(info, (j, j), weight)
    cov = np.linalg.pinv(info)
    importance = np.where(np.asarray(half_width, dtype=float) > target, 1.0, SETTLED_WEIGHT)
    if cut is not None and best is not None and worst is not None:
        straddles = (np.asarray(best) <= cut) & (np.asarray(worst) > cut)
        importance = importance * np.where(straddles, CUT_BOOST, 1.0)
    sd = cov[:, i] - cov[:, j]  # (n, pairs): S d for every pair
    quad = sd[i, np.arange(len(i))] - sd[j, np.arange(len(i))]  # d^T S d
    gain = (importance[:, None] * sd**2).sum(axis=0) * w / (1.0 + w * quad)
    share = gain / gain.sum() if gain.sum() > 0 else np.full(len(i), 1.0 / len(i))
    probability = (1.0 - floor_share) * share + floor_share / len(i)
    table = np.zeros((n, n))
    table[i, j] = probability
    table[j, i] = probability
    return PairPlan(probability=table, floor=floor_share / len(i))


def draw_from_plan(plan: PairPlan, rng: random.Random) -> PairDraw:
    """One pair from the plan, sides by a fair coin; the probability stored is the pair's."""
    n = len(plan.probability)
    i, j = np.triu_indices(n, 1)
    p = plan.probability[i, j]
    k = rng.choices(range(len(i)), weights=p.tolist())[0]
    first, second = int(i[k]), int(j[k])
    a, b = (first, second) if rng.random() < 0.5 else (second, first)
    return PairDraw(a=a, b=b, probability=float(p[k]))
