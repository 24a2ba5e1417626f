"""The portal's defences against rigged and careless votes, as one pure pipeline. Pure numpy.

The hourly integrity scan (arena/integrity/review.py) runs these steps on the stored votes and
writes what they decide onto each vote (inclusion, weight, reason); the red team
(arena/integrity/redteam.py) runs the very same functions on a synthetic log, so the figures it
publishes describe the pipeline that guards the board.

1. Network groups (review.network_burst_scan; anomaly.groups_test): first-time voters from one
   network in one window, tested as one voter; a flagged group's votes are set aside.
2. Voter tests on what is left (`voter_tests`), each against ratings fitted on those votes:
   the anomaly e-values (anomaly.py: improbable choices, favouritism, indirect favouritism), flagged at e >= 1/ALPHA_E;
   the likelihood test (likelihood.py), flagged at p < likelihood.ALPHA with at least
   likelihood.MIN_VOTES votes. A flagged voter's votes are set aside until a reviewer decides.
3. Weights on what is left (`vote_weights`): each vote weighs its voter's trust (trust.py), and the
   upset filter (upset.py) sets aside heavy-underdog wins from new accounts, never a panel member's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arena.integrity import anomaly, likelihood, trust, upset
from arena.ratings import bradley_terry as bt
from arena.ratings import rao_kupper

ALPHA_E = 0.01
# Why a voter was flagged (codes stored with the flag).
BY_EVALUE, BY_LIKELIHOOD = 1, 2


@dataclass(frozen=True)
class VoterTests:
    flagged: np.ndarray  # (n_voters,) bool
    reason: np.ndarray  # (n_voters,) 0, BY_EVALUE or BY_LIKELIHOOD (the e-value named first if both)
    log_evalue: np.ndarray  # (n_voters,)
    likelihood_z: np.ndarray  # (n_voters,) NaN for voters without votes
    favoured: np.ndarray  # (n_voters,) model the favouritism e-value points at


def _theta(fit) -> np.ndarray:
    return (fit.rating - bt.BASE) / bt.SCALE


def voter_tests(
    voter, model_a, model_b, outcome, n_models: int, n_voters: int, *, counted=None, alpha_e: float = ALPHA_E
) -> VoterTests:
    """Step 2. `counted`: per vote, whether it enters the reference ratings (default: all); every
    vote is tested, so a voter already set aside is tested against ratings without their votes."""
    v, a, b, o = (np.asarray(x, dtype=np.int64) for x in (voter, model_a, model_b, outcome))
    counted = np.ones(len(v), dtype=bool) if counted is None else np.asarray(counted, dtype=bool)
    reference = bt.fit_bradley_terry(a[counted], b[counted], o[counted], n_models, interval="sandwich")
    scores = anomaly.voter_scores(v, a, b, o, _theta(reference), n_voters)
    by_evalue = anomaly.flagged(scores, alpha_e)
    rk = rao_kupper.fit_rao_kupper(a[counted], b[counted], o[counted], n_models, bootstrap_rounds=0)
    test = likelihood.voter_likelihood(v, a, b, o, rk.theta, rk.eta, n_voters)
    by_likelihood = likelihood.flagged(test)
    reason = np.where(by_evalue, BY_EVALUE, np.where(by_likelihood, BY_LIKELIHOOD, 0))
    return VoterTests(
        flagged=by_evalue | by_likelihood,
        reason=reason,
        log_evalue=scores.log_evalue,
        likelihood_z=test.z,
        favoured=scores.favoured,
    )


@dataclass(frozen=True)
class VoteWeights:
    weight: np.ndarray  # (n_votes,) trust weight; 0 where the upset filter set the vote aside
    upset: np.ndarray  # (n_votes,) bool: set aside by the upset filter
    level: np.ndarray  # (n_votes,) the voter's trust level (index into trust.LEVELS)


def vote_weights(voter, model_a, model_b, outcome, n_models: int, voter_trust: trust.Trust) -> VoteWeights:
    """Step 3, on the votes that count. The upset filter reads ratings fitted on those votes with
    their trust weights."""
    v, a, b, o = (np.asarray(x, dtype=np.int64) for x in (voter, model_a, model_b, outcome))
    weight = voter_trust.weight[v]
    level = voter_trust.level[v]
    fit = bt.fit_bradley_terry(a, b, o, n_models, weights=weight, interval="sandwich")
    dropped = upset.upsets(a, b, o, _theta(fit), level == trust.LEVELS.index("new"))
    return VoteWeights(weight=np.where(dropped, 0.0, weight), upset=dropped, level=level)
