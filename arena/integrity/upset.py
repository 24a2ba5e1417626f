"""Upset filter: set aside wins of heavy underdogs cast by low-trust voters. Pure numpy.

Min et al. (ICML 2025) drop votes where the loser's expected chance of winning exceeds a threshold
(0.7-0.8 in their replay): a rigger lifting a weak model, or pulling a strong one down, keeps casting
such votes, and honest voters rarely do. Dropping them for everyone would bias the board (honest
upsets are evidence too), so here it applies only to low-trust voters (new accounts: see trust.py),
never to a verified panel member, and the vote is kept with its reason, not deleted.

A decisive vote is an upset when, under the current Bradley-Terry ratings, the model that lost had
probability above THRESHOLD of winning: sigma(theta_loser - theta_winner) > THRESHOLD. Ties and
both-bad votes are never upsets.
"""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.75


def upsets(model_a, model_b, outcome, theta, low_trust, threshold: float = THRESHOLD) -> np.ndarray:
    """Per vote: True where it is a heavy-underdog win from a low-trust voter (to be set aside).

    theta: ratings in logits, one per model; low_trust: per vote, whether its voter is low-trust."""
    a = np.asarray(model_a, dtype=np.int64)
    b = np.asarray(model_b, dtype=np.int64)
    o = np.asarray(outcome, dtype=np.int64)
    theta = np.asarray(theta, dtype=float)
    low = np.asarray(low_trust, dtype=bool)
    winner = np.where(o == 0, a, b)
    loser = np.where(o == 0, b, a)
    p_loser = 0.5 * (1.0 + np.tanh(0.5 * (theta[loser] - theta[winner])))
    return (o <= 1) & low & (p_loser > threshold)
