"""Krippendorff's alpha: agreement among experts who scored the same things. No Django.

`data` is coders x units with NaN where a coder did not score a unit. Units scored by fewer than two
coders carry no information about agreement and are dropped. alpha = 1 - D_o / D_e, with the
difference function of the level of measurement (nominal, ordinal, interval). Formulas follow
Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), via the coincidence matrix.
"""

from __future__ import annotations

import numpy as np

LEVELS = ("nominal", "ordinal", "interval")


def alpha(data, level: str = "interval") -> float | None:
    """None when there is nothing to compare (no unit with two scores, or no variation at all)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    x = np.asarray(data, dtype=float)
    values = np.unique(x[~np.isnan(x)])
    if values.size == 0:
        return None
    index = {v: i for i, v in enumerate(values)}
    k = values.size
    coincidence = np.zeros((k, k))
    for unit in x.T:
        present = unit[~np.isnan(unit)]
        m = present.size
        if m < 2:
            continue
        counts = np.zeros(k)
        for v in present:
            counts[index[v]] += 1
        pairs = np.outer(counts, counts) - np.diag(counts)  # ordered pairs of different coders
        coincidence += pairs / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return None
    delta = _delta(values, n_c, level)
    observed = (coincidence * delta).sum()
    expected = (np.outer(n_c, n_c) * delta).sum() / (n - 1)
    if expected == 0:
        return None
    return float(1.0 - observed / expected)


def _delta(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    k = values.size
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    # ordinal: squared sum of the frequencies between the two ranks, minus half of each end
    cum = np.cumsum(n_c)
    delta = np.zeros((k, k))
    for g in range(k):
        for h in range(k):
            lo, hi = min(g, h), max(g, h)
            between = cum[hi] - (cum[lo - 1] if lo > 0 else 0.0)
            delta[g, h] = (between - (n_c[g] + n_c[h]) / 2.0) ** 2
    return delta
