"""Per-voter anomaly test against the current ratings. Pure numpy.

For each voter, an e-value: a number whose expectation is at most 1 when the voter votes the way the
Bradley-Terry model says people vote, so flagging voters whose e-value reaches 1/alpha flags an honest
voter with probability at most alpha (Markov's inequality), however many votes they cast. It averages
three tests, each an e-value on its own:

- improbability: each decisive vote contributes 0.5 / P(the chosen side wins) (a voter who keeps
  picking the unlikely side grows it);
- favouritism: for every model m, each of the voter's battles with m contributes q / P(m wins) when m
  won and (1 - q) / P(m loses) when it lost (a voter who always backs one model grows it); the average
  over all models keeps it an e-value whichever model is favoured;
- indirect favouritism ("omnipresent" rigging, Min et al., ICML 2025): backing model m also by votes
  in battles m is not in, always against whichever of the two is rated closer to m (pulling down its
  nearest rivals). For every m, each vote contributes q / P(the vote) when it follows that strategy
  and (1 - q) / P(the vote) when it does not; averaged over models as above.
The combined e-value is the mean of the three. Ties and both-bad votes carry no evidence either way
and are skipped.

The "voter" index is any grouping: the network rules (arena/integrity/review.py) pass one index per
(network, time window) group of first-time voters and read the favouritism e-value alone, since
what they look for is a group backing one model, not a group with unusual taste.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from arena.ratings import bradley_terry as ratings

FAVOURITISM_Q = 0.95


@dataclass(frozen=True)
class VoterScores:
    log_evalue: np.ndarray  # (n_voters,) natural log of the combined e-value
    favoured: np.ndarray  # (n_voters,) model with the largest favouritism e-value
    decisive: np.ndarray  # (n_voters,) decisive votes per voter
    log_favouritism: np.ndarray  # (n_voters,) the favouritism e-value alone (one model backed)


def voter_scores(voter, model_a, model_b, outcome, theta, n_voters: int) -> VoterScores:
    """theta: current ratings on the logit scale (rating - 1000) / (400 / ln 10), one per model."""
    v = np.asarray(voter, dtype=np.int64)
    a = np.asarray(model_a, dtype=np.int64)
    b = np.asarray(model_b, dtype=np.int64)
    o = np.asarray(outcome, dtype=np.int64)
    theta = np.asarray(theta, dtype=float)
    n_models = len(theta)
    keep = o <= 1
    v, a, b, o = v[keep], a[keep], b[keep], o[keep]
    p_a = 1.0 / (1.0 + np.exp(-(theta[a] - theta[b])))
    a_won = o == 0
    p_chosen = np.where(a_won, p_a, 1.0 - p_a)
    improbable = np.bincount(v, weights=np.log(0.5 / p_chosen), minlength=n_voters)

    # Favouritism, per (voter, model): each battle counts once for each of its two models.
    q = FAVOURITISM_Q
    log_a = np.where(a_won, np.log(q / p_a), np.log((1 - q) / (1 - p_a)))
    log_b = np.where(~a_won, np.log(q / (1 - p_a)), np.log((1 - q) / p_a))
    cells = np.zeros(n_voters * n_models)
    np.add.at(cells, v * n_models + a, log_a)
    np.add.at(cells, v * n_models + b, log_b)
    per_model = cells.reshape(n_voters, n_models)  # models a voter never met contribute e-value 1
    favouritism = logsumexp(per_model, axis=1) - np.log(n_models)
    indirect = _indirect(v, a, b, a_won, p_a, theta, n_voters)
    combined = logsumexp(np.stack([improbable, favouritism, indirect]), axis=0) - np.log(3)
    return VoterScores(
        log_evalue=combined,
        favoured=per_model.argmax(axis=1),
        decisive=np.bincount(v, minlength=n_voters),
        log_favouritism=favouritism,
    )


def _indirect(v, a, b, a_won, p_a, theta, n_voters) -> np.ndarray:
    """log of the indirect-favouritism e-value per voter (see the module docstring)."""
    n_models = len(theta)
    q = FAVOURITISM_Q
    log_chosen = np.log(np.where(a_won, p_a, 1.0 - p_a))
    cells = np.zeros((n_voters, n_models))
    for m in range(n_models):
        # The strategy for m: m's side when m plays, else the side rated farther from m.
        a_farther = np.abs(theta[a] - theta[m]) > np.abs(theta[b] - theta[m])
        strategy_a = np.where(a == m, True, np.where(b == m, False, a_farther))
        follows = strategy_a == a_won
        contribution = np.where(follows, np.log(q), np.log(1 - q)) - log_chosen
        cells[:, m] = np.bincount(v, weights=contribution, minlength=n_voters)
    return logsumexp(cells, axis=1) - np.log(n_models)


def flagged(scores: VoterScores, alpha: float = 0.01) -> np.ndarray:
    return scores.log_evalue >= np.log(1 / alpha)


@dataclass(frozen=True)
class GroupTest:
    log_evalue: float  # favouritism e-value of the group, pooled as one voter
    favoured: int  # the model it backs most
    decisive: int


def groups_test(model_a, model_b, outcome, groups: list[np.ndarray], n_models: int) -> list[GroupTest]:
    """Does each group of votes (index arrays) back one model more than the other votes make likely?

    The reference ratings are fitted on the votes in none of the groups, so neither a group big
    enough to move the ratings nor several groups backing the same model (one brigade spread over
    networks) can hide behind them, plus one win each way for every pair of models, so that with few
    such votes the reference stays near "all models alike" instead of swinging to extremes. The
    statistic is the favouritism e-value alone: what a burst looks like is a group backing one
    model, not a group with unusual taste."""
    a = np.asarray(model_a, dtype=np.int64)
    b = np.asarray(model_b, dtype=np.int64)
    o = np.asarray(outcome, dtype=np.int64)
    reference = np.ones(len(a), dtype=bool)
    for members in groups:
        reference[members] = False
    pair_a, pair_b = np.triu_indices(n_models, 1)
    fit = ratings.fit_bradley_terry(
        np.concatenate([a[reference], pair_a, pair_b]),
        np.concatenate([b[reference], pair_b, pair_a]),
        np.concatenate([o[reference], np.zeros(2 * len(pair_a), dtype=np.int64)]),
        n_models,
        interval="sandwich",
    )
    theta = (fit.rating - ratings.BASE) / ratings.SCALE
    results = []
    for members in groups:
        scores = voter_scores(
            np.zeros(len(members), dtype=np.int64), a[members], b[members], o[members], theta, 1
        )
        results.append(
            GroupTest(float(scores.log_favouritism[0]), int(scores.favoured[0]), int(scores.decisive[0]))
        )
    return results
