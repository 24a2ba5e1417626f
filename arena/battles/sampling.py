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
