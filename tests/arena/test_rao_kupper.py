"""arena/ratings/rao_kupper.py: worked examples against a closed form and a reference fit, and the
win-matrix error that the methodology page publishes."""

import numpy as np
import pytest

from arena.ratings import bradley_terry as bt
from arena.ratings.rao_kupper import fit_rao_kupper, win_matrix_error


def battles(table):
    """[(i, j, wins_i, wins_j, ties)] -> grouped rows (a, b, outcome, counts)."""
    a, b, o, c = [], [], [], []
    for i, j, wins, losses, ties in table:
        for outcome, count in ((bt.A_WON, wins), (bt.B_WON, losses), (bt.TIE, ties)):
            a.append(i)
            b.append(j)
            o.append(outcome)
            c.append(count)
    return a, b, o, c


def test_two_models_match_the_closed_form():
    # With one pair the fitted probabilities equal the observed shares: sigma(d - eta) = 30/100 and
    # sigma(-d - eta) = 20/100, so d = (logit .3 - logit .2) / 2 = 0.26950 and
    # eta = -(logit .3 + logit .2) / 2 = 1.11680 (theta = +-d/2 with mean zero).
    a, b, o, c = battles([(0, 1, 30, 20, 50)])
    fit = fit_rao_kupper(a, b, o, 2, counts=c, bootstrap_rounds=0)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert fit.theta[0] - fit.theta[1] == pytest.approx((logit(0.3) - logit(0.2)) / 2, abs=1e-9)
    assert fit.eta == pytest.approx(-(logit(0.3) + logit(0.2)) / 2, abs=1e-9)
    assert fit.tie_share == pytest.approx(0.5)


# Four models, 127 battles, a third of them ties. Reference: leaderbot 0.4.3 (Ameli et al., arXiv
# 2412.18407), RaoKupper(data, k_cov=None, k_tie=0), i.e. one global tie threshold, trained with BFGS
# at tol 1e-12; its scores have mean zero.
REFERENCE_TABLE = [
    (0, 1, 10, 6, 8),
    (0, 2, 12, 3, 5),
    (0, 3, 7, 7, 10),
    (1, 2, 9, 5, 9),
    (1, 3, 4, 8, 6),
    (2, 3, 3, 11, 4),
]
REFERENCE_THETA = [0.37423343, -0.13171632, -0.65178279, 0.40926568]
REFERENCE_ETA = 0.76008471


def test_agrees_with_the_reference_fit():
    a, b, o, c = battles(REFERENCE_TABLE)
    fit = fit_rao_kupper(a, b, o, 4, counts=c, bootstrap_rounds=200, seed=3)
    np.testing.assert_allclose(fit.theta, REFERENCE_THETA, atol=1e-6)
    assert fit.eta == pytest.approx(REFERENCE_ETA, abs=1e-6)
    assert fit.rating == pytest.approx(bt.BASE + bt.SCALE * np.array(REFERENCE_THETA), abs=1e-3)
    assert np.all((fit.ci_low < fit.rating) & (fit.rating < fit.ci_high))


def test_sides_swapped_with_outcome_flipped_change_nothing():
    a, b, o, c = battles(REFERENCE_TABLE)
    flipped = [{bt.A_WON: bt.B_WON, bt.B_WON: bt.A_WON}.get(x, x) for x in o]
    first = fit_rao_kupper(a, b, o, 4, counts=c, bootstrap_rounds=0)
    second = fit_rao_kupper(b, a, flipped, 4, counts=c, bootstrap_rounds=0)
    np.testing.assert_allclose(first.theta, second.theta, atol=1e-9)


def _simulate_rao_kupper(theta, eta, n, seed):
    rng = np.random.default_rng(seed)
    k = len(theta)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    d = theta[a] - theta[b]
    p_a = 1 / (1 + np.exp(-(d - eta)))
    p_b = 1 / (1 + np.exp(-(-d - eta)))
    u = rng.random(n)
    o = np.where(u < p_a, bt.A_WON, np.where(u < p_a + p_b, bt.B_WON, bt.TIE))
    return a, b, o


def test_recovers_known_strengths_and_fits_a_tie_heavy_win_matrix_better_than_bradley_terry():
    theta = np.linspace(-1.2, 1.2, 8)
    a, b, o = _simulate_rao_kupper(theta, 0.9, 60_000, seed=4)  # about a third ties
    rk = fit_rao_kupper(a, b, o, 8, bootstrap_rounds=200)
    assert 0.3 < rk.tie_share < 0.4
    assert rk.eta == pytest.approx(0.9, abs=0.03)
    truth = bt.BASE + bt.SCALE * (theta - theta.mean())
    assert np.mean((rk.ci_low <= truth) & (truth <= rk.ci_high)) >= 0.75
    plain = bt.fit_bradley_terry(a, b, o, 8, interval="sandwich")
    error = win_matrix_error(plain.win_rate, (plain.rating - bt.BASE) / bt.SCALE, rk.theta, rk.eta)
    assert error.pairs == 56
    # Ties counted as half a win pull Bradley-Terry's decisive win shares towards one half.
    assert error.rao_kupper < error.bradley_terry
    assert error.rao_kupper < 0.02


def test_win_matrix_error_by_hand():
    # Two models, equal strengths: both predict 0.5; observed 0.7 / 0.3 -> error 0.2 for each.
    observed = np.array([[np.nan, 0.7], [0.3, np.nan]])
    error = win_matrix_error(observed, [0.0, 0.0], [0.0, 0.0], 0.5)
    assert error.bradley_terry == pytest.approx(0.2) and error.rao_kupper == pytest.approx(0.2)
    assert error.pairs == 2


@pytest.mark.parametrize(
    "a, b, outcome",
    [
        ([0], [1], [bt.A_WON]),  # one decided battle, no tie: eta has nothing to go on
        ([0, 0], [1, 1], [bt.TIE, bt.TIE]),  # ties only
        ([0, 1], [1, 2], [bt.A_WON, bt.B_WON]),
    ],
)
def test_a_young_arenas_first_votes_fit_without_failing(a, b, outcome):
    """The board is refitted after the first votes; a table too thin for the tie parameter must still
    give finite ratings (Newton takes the least-squares step where its matrix is singular)."""
    n = max(b) + 1
    fit = fit_rao_kupper(np.array(a), np.array(b), np.array(outcome), n, bootstrap_rounds=20)
    assert (
        np.all(np.isfinite(fit.rating))
        and np.all(np.isfinite(fit.ci_low))
        and np.all(np.isfinite(fit.ci_high))
    )
