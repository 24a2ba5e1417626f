"""Raking (iterative proportional fitting): weights that make a sample match target margins.

Pure numpy. Each respondent has one category per dimension (gender, region, age band, AI
proficiency); the weights are adjusted dimension by dimension until every weighted margin matches its
target share, then trimmed so that no respondent counts for more than `cap` times the average (the
usual guard against a handful of rare respondents dominating; trimming gives up exact margins where
it bites), and normalised to mean 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def rake(
    categories: Mapping[str, Sequence[str]],
    targets: Mapping[str, Mapping[str, float]],
    *,
    max_iter: int = 100,
    tol: float = 1e-8,
    cap: float = 5.0,
) -> np.ndarray:
    """categories[dim][i] is respondent i's category in dim; targets[dim][category] its target share.

    Categories with a target but no respondent cannot be matched; their share is spread over the
    others (the margins that can be matched are matched). Raises ValueError on an unknown category.
    """
    dims = list(targets)
    n = len(next(iter(categories.values()))) if categories else 0
    if n == 0:
        return np.ones(0)
    codes, shares = {}, {}
    for dim in dims:
        names = list(targets[dim])
        index = {name: k for k, name in enumerate(names)}
        try:
            codes[dim] = np.array([index[c] for c in categories[dim]])
        except KeyError as error:
            raise ValueError(f"{dim}: category {error.args[0]!r} has no target") from None
        present = np.bincount(codes[dim], minlength=len(names)) > 0
        wanted = np.array([targets[dim][name] for name in names], dtype=float) * present
        shares[dim] = wanted / wanted.sum()
    weights = np.ones(n)
    for _ in range(max_iter):
        worst = 0.0
        for dim in dims:
            current = np.bincount(codes[dim], weights=weights, minlength=len(shares[dim])) / weights.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, shares[dim] / current, 1.0)
            weights = weights * factor[codes[dim]]
            worst = max(worst, float(np.max(np.abs(current - shares[dim]))))
        if worst < tol:
            break
    # Trim, then renormalise; repeat because renormalising lifts the others back towards the cap.
    for _ in range(100):
        weights = weights / weights.mean()
        if weights.max() <= cap * (1 + 1e-9):
            break
        weights = np.minimum(weights, cap)
    return weights
