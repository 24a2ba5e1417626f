"""Per-voter likelihood test: do a voter's choices fit how everyone votes? Pure numpy.

Min et al. (ICML 2025, "Improving your model ranking on Chatbot Arena by vote rigging") test each
user's votes against the win/loss/tie probabilities of the pairs they voted on. This is the same
idea in closed form, the standardized log-likelihood person-fit statistic l_z of Drasgow, Levine and
Williams (1985):

1. Each vote's three outcome probabilities come from the Rao-Kupper fit (arena/ratings/rao_kupper.py):
   P(A wins), P(B wins) and P(tie), both-bad counted as a tie.
2. A voter's statistic is S = -2 sum log P(the outcome they chose). Under the null (the voter votes as
   the model says people vote) each term has a known mean and variance, computed from the three
   probabilities, so S has mean M and variance V summed over the voter's votes.
3. z = (S - M) / sqrt(V); a large z means the voter keeps choosing what people rarely choose. The
   one-sided p-value is that of a standard normal. A voter is flagged when p < alpha and they cast at
   least MIN_VOTES votes (below that the normal approximation is poor and a few odd votes prove
   nothing).

Unlike the e-values of anomaly.py this is a p-value per voter, so alpha is the share of honest,
model-following voters it flags; it is kept small (0.001) because real voters differ in taste.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr

ALPHA = 0.001
MIN_VOTES = 10


@dataclass(frozen=True)
class LikelihoodTest:
    z: np.ndarray  # (n_voters,) standardized misfit; NaN for voters without votes
    log_p: np.ndarray  # (n_voters,) natural log of the one-sided p-value (0 where untested)
    votes: np.ndarray  # (n_voters,) votes tested


def _outcome_probabilities(model_a, model_b, theta, eta):
    d = theta[model_a] - theta[model_b]
    p_a = 0.5 * (1.0 + np.tanh(0.5 * (d - eta)))
    p_b = 0.5 * (1.0 + np.tanh(0.5 * (-d - eta)))
    p_tie = np.clip(1.0 - p_a - p_b, 1e-12, None)
    probs = np.stack([p_a, p_b, p_tie], axis=1)
    return np.clip(probs, 1e-12, None)


def voter_likelihood(voter, model_a, model_b, outcome, theta, eta: float, n_voters: int) -> LikelihoodTest:
    """theta: Rao-Kupper strengths in logits, one per model; eta: its tie threshold."""
    v = np.asarray(voter, dtype=np.int64)
    a = np.asarray(model_a, dtype=np.int64)
    b = np.asarray(model_b, dtype=np.int64)
    o = np.minimum(np.asarray(outcome, dtype=np.int64), 2)  # both bad -> tie
    probs = _outcome_probabilities(a, b, np.asarray(theta, dtype=float), float(eta))
    logs = np.log(probs)
    observed = -2.0 * logs[np.arange(len(o)), o]
    mean = -2.0 * np.sum(probs * logs, axis=1)
    var = 4.0 * (np.sum(probs * logs**2, axis=1) - np.sum(probs * logs, axis=1) ** 2)
    s = np.bincount(v, observed, n_voters)
    m = np.bincount(v, mean, n_voters)
    var_sum = np.bincount(v, var, n_voters)
    votes = np.bincount(v, minlength=n_voters)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(var_sum > 0, (s - m) / np.sqrt(var_sum), np.nan)
    log_p = np.where(np.isnan(z), 0.0, log_ndtr(-np.nan_to_num(z)))
    return LikelihoodTest(z=z, log_p=log_p, votes=votes)


def flagged(test: LikelihoodTest, alpha: float = ALPHA, min_votes: int = MIN_VOTES) -> np.ndarray:
    return (test.votes >= min_votes) & (test.log_p < np.log(alpha))
