"""Rank spread and tiers: how sure the order is, read off the 95% intervals. Pure numpy.

A board that prints "3rd" claims more than the votes know when the intervals of the 2nd, 3rd and 4th
overlap. What the intervals do support, for each model m with interval [low_m, high_m]:

1. best rank = 1 + #{m' : low_m' > high_m}: only models whose whole interval lies above m's are
   surely ahead of it (LMArena's "rank (UB)");
2. worst rank = M - #{m' : high_m' < low_m}: only models wholly below are surely behind it.
   The rank spread is the range best..worst; a model separated from everyone has best == worst.
3. Tiers, in rating order: the top model opens tier 1; each next model joins the current tier while
   its interval overlaps the interval of the model that opened the tier, and opens the next tier when
   its interval lies wholly below the opener's. So a tier changes only where intervals separate, and
   each tier's opener lies wholly below the opener of the tier above (a greedy rule, so it is
   reproducible by hand).

Unlisted models (too few votes) take no part: their wide intervals would push no one down, and they
are given no spread or tier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RankSpread:
    best: np.ndarray  # (n,) best rank the intervals allow (1 = first)
    worst: np.ndarray  # (n,) worst rank the intervals allow
    tier: np.ndarray  # (n,) 1 = the top tier


def rank_spread(rating, low, high) -> RankSpread:
    """Best and worst rank and tier for each model from its point rating and 95% interval."""
    rating = np.asarray(rating, dtype=float)
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    if not (rating.shape == low.shape == high.shape) or rating.ndim != 1:
        raise ValueError("rating, low and high must be one-dimensional and of the same length")
    if np.any(low > high):
        raise ValueError("an interval's low end lies above its high end")
    n = len(rating)
    # Sorted ends and binary search: n log n, where counting pairs would be n^2.
    above = n - np.searchsorted(np.sort(low), high, side="right")  # low_m' > high_m
    below = np.searchsorted(np.sort(high), low, side="left")  # high_m' < low_m
    best = 1 + above
    worst = n - below
    return RankSpread(best=best.astype(int), worst=worst.astype(int), tier=tiers(rating, low, high))


def tiers(rating, low, high) -> np.ndarray:
    """Tier per model (1 = top), in the order given; see the module docstring, step 3."""
    rating = np.asarray(rating, dtype=float)
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    order = np.lexsort((np.arange(len(rating)), -rating))  # rating descending, ties by position
    tier = np.zeros(len(rating), dtype=int)
    current, opener_low = 0, np.inf
    for m in order:
        if high[m] < opener_low:
            current += 1
            opener_low = low[m]
        tier[m] = current
    return tier
