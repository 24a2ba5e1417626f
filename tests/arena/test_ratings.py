"""arena/ratings/bradley_terry.py: worked examples, invariances, agreement with a reference fit, and coverage."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from arena.ratings import bradley_terry as ratings
from arena.ratings.bradley_terry import SCALE, fit_bradley_terry, online_elo, style_features


def battles_from(table):
    """[(i, j, wins_i, wins_j, ties)] -> arrays of battles."""
    a, b, o = [], [], []
    for i, j, wi, wj, ties in table:
        for outcome, count in ((0, wi), (1, wj), (2, ties)):
            a += [i] * count
            b += [j] * count
            o += [outcome] * count
    return np.array(a), np.array(b), np.array(o)


def synthetic(n_models, n_battles, seed, tie_rate=0.2, spread=1.0):
    rng = np.random.default_rng(seed)
    true = rng.normal(scale=spread, size=n_models)
    a = rng.integers(0, n_models, n_battles)
    b = (a + rng.integers(1, n_models, n_battles)) % n_models
    p = 1 / (1 + np.exp(-(true[a] - true[b])))
    o = np.where(rng.random(n_battles) < tie_rate, 2, np.where(rng.random(n_battles) < p, 0, 1))
    return true, a, b, o


def test_wikipedia_worked_example():
    # A-B 2:3, A-D 1:4, B-C 5:3, C-D 1:3 (research notes 6c.9)
    a, b, o = battles_from([(0, 1, 2, 3, 0), (0, 3, 1, 4, 0), (1, 2, 5, 3, 0), (2, 3, 1, 3, 0)])
    result = fit_bradley_terry(a, b, o, 4, bootstrap_rounds=50)
    assert result.rating == pytest.approx([922.4, 1007.4, 927.8, 1142.4], abs=0.05)
    assert result.rating.mean() == pytest.approx(1000)
    assert list(result.rank) == [4, 2, 3, 1]
    assert result.ridge == 0.0
    assert list(result.games) == [10, 13, 12, 9]


def test_agrees_with_unregularised_per_battle_logistic_regression():
    _, a, b, o = synthetic(12, 20_000, seed=3)
    ours = fit_bradley_terry(a, b, o, 12, bootstrap_rounds=10)
    # Chatbot Arena's published method: one row per battle, x = e_a - e_b, ties as half a win
    # (a y=1 and a y=0 row with weight 1/2 each), no intercept, no penalty.
    n = len(a)
    x = np.zeros((n, 12))
    x[np.arange(n), a] = 1
    x[np.arange(n), b] = -1
    tie = o == 2
    xs = np.vstack([x, x[tie]])
    ys = np.r_[np.where(tie, 1, o == 0).astype(int), np.zeros(tie.sum(), dtype=int)]
    ws = np.r_[np.where(tie, 0.5, 1.0), np.full(tie.sum(), 0.5)]
    ref = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-10, max_iter=1000)
    ref.fit(xs, ys, sample_weight=ws)
    coef = ref.coef_[0] - ref.coef_[0].mean()
    assert np.max(np.abs(ours.rating - (1000 + SCALE * coef))) < 0.5


def test_swapping_sides_with_flipped_outcome_changes_nothing():
    _, a, b, o = synthetic(8, 3000, seed=4)
    flipped = np.select([o == 0, o == 1], [1, 0], o)
    first = fit_bradley_terry(a, b, o, 8, bootstrap_rounds=100, seed=9)
    swapped = fit_bradley_terry(b, a, flipped, 8, bootstrap_rounds=100, seed=9)
    for field in ("rating", "ci_low", "ci_high", "rank_ub", "games"):
        np.testing.assert_allclose(getattr(first, field), getattr(swapped, field), atol=1e-9)


def test_battle_order_changes_nothing():
    _, a, b, o = synthetic(8, 3000, seed=5)
    order = np.random.default_rng(0).permutation(len(a))
    first = fit_bradley_terry(a, b, o, 8, bootstrap_rounds=100, seed=1)
    shuffled = fit_bradley_terry(a[order], b[order], o[order], 8, bootstrap_rounds=100, seed=1)
    np.testing.assert_array_equal(first.ci_low, shuffled.ci_low)
    np.testing.assert_allclose(first.rating, shuffled.rating, atol=1e-9)


def test_pre_aggregated_counts_give_the_same_fit_as_rows():
    _, a, b, o = synthetic(6, 2000, seed=6)
    keys, counts = np.unique(np.stack([a, b, o], axis=1), axis=0, return_counts=True)
    rows = fit_bradley_terry(a, b, o, 6, bootstrap_rounds=100, seed=2)
    grouped = fit_bradley_terry(
        keys[:, 0], keys[:, 1], keys[:, 2], 6, counts=counts, bootstrap_rounds=100, seed=2
    )
    np.testing.assert_allclose(rows.rating, grouped.rating, atol=1e-9)
    np.testing.assert_allclose(rows.ci_high, grouped.ci_high, atol=1e-9)


def test_95_percent_intervals_cover_the_truth_93_to_97_percent_of_the_time():
    covered, total = 0, 0
    for rep in range(200):
        # No ties: with ties drawn independently of strength the data would not be Bradley-Terry.
        true, a, b, o = synthetic(8, 1500, seed=1000 + rep, tie_rate=0.0)
        result = fit_bradley_terry(a, b, o, 8, bootstrap_rounds=200, seed=rep)
        truth = 1000 + SCALE * (true - true.mean())
        covered += int(np.sum((result.ci_low <= truth) & (truth <= result.ci_high)))
        total += len(truth)
    assert 0.93 <= covered / total <= 0.97, covered / total


def test_a_model_that_never_loses_or_never_wins_does_not_break_the_fit():
    _, a, b, o = synthetic(5, 1000, seed=7)
    # Model 5 beats everyone it meets; model 6 loses to everyone.
    a = np.r_[a, [5] * 20, [6] * 20]
    b = np.r_[b, [0, 1, 2, 3, 4] * 4, [0, 1, 2, 3, 4] * 4]
    o = np.r_[o, [0] * 20, [1] * 20]
    result = fit_bradley_terry(a, b, o, 7, bootstrap_rounds=100)
    assert np.all(np.isfinite(result.rating)) and np.all(np.isfinite(result.ci_high))
    assert result.ridge == ratings.RIDGE_IF_NEEDED
    assert result.prior_bound.tolist() == [False] * 5 + [True, True]
    assert result.rank[5] == 1 and result.rank[6] == 7


def _field_and_newcomer(wins: int, losses: int = 0, seed: int = 1):
    """Eight established models (8,000 battles) and model 8, new, with `wins` and `losses`."""
    rng = np.random.default_rng(seed)
    true = np.linspace(-1, 1, 8)
    a = rng.integers(0, 8, 8000)
    b = (a + rng.integers(1, 8, 8000)) % 8
    o = np.where(rng.random(8000) < 1 / (1 + np.exp(-(true[a] - true[b]))), 0, 1)
    opponents = rng.integers(0, 8, wins + losses)
    return (
        np.r_[a, [8] * (wins + losses)],
        np.r_[b, opponents],
        np.r_[o, [0] * wins, [1] * losses],
        opponents,
    )


@pytest.mark.parametrize("interval", ["bootstrap", "sandwich"])
def test_an_unbeaten_new_model_gets_an_honest_wide_interval(interval):
    # Issue 16, point 7: 20 wins from 20 used to give a rating ~900 points above the field with an
    # interval ~130 points wide, every bootstrap resample repeating the same 20 wins.
    a, b, o, opponents = _field_and_newcomer(wins=20)
    fit = fit_bradley_terry(a, b, o, 9, bootstrap_rounds=300, interval=interval)
    assert fit.prior_bound.tolist() == [False] * 8 + [True]
    width = fit.ci_high - fit.ci_low
    assert width[8] > 4 * width[:8].max()
    # Honest at the low end: 20/20 is still plausible (exact 95% bound) for a win probability of
    # 0.025 ** (1/20) = 0.832 against its opponents, i.e. about SCALE * logit(0.832) above them; the
    # interval may not claim more than that.
    bound = 0.025 ** (1 / 20)
    lowest_plausible = fit.rating[opponents].mean() + SCALE * np.log(bound / (1 - bound))
    assert fit.ci_low[8] <= lowest_plausible
    # The established models keep their ordinary intervals.
    assert width[:8].max() < 60


def test_once_the_newcomer_has_lost_its_interval_comes_from_the_data_again():
    a, b, o, _ = _field_and_newcomer(wins=40, losses=8)
    fit = fit_bradley_terry(a, b, o, 9, bootstrap_rounds=300)
    assert fit.ridge == 0.0 and not fit.prior_bound.any()
    assert fit.ci_low[8] < fit.rating[8] < fit.ci_high[8]


def test_rank_upper_bound_counts_models_clearly_above():
    # Three well separated models and two indistinguishable ones.
    true = np.array([3.0, 1.5, 0.0, 0.0, -1.5])
    rng = np.random.default_rng(8)
    a = rng.integers(0, 5, 40_000)
    b = (a + rng.integers(1, 5, 40_000)) % 5
    o = np.where(rng.random(40_000) < 1 / (1 + np.exp(-(true[a] - true[b]))), 0, 1)
    result = fit_bradley_terry(a, b, o, 5, bootstrap_rounds=200)
    assert list(result.rank_ub) == [1, 2, 3, 3, 5]


def test_matrices_and_both_bad_exclusion():
    a, b, o = np.array([0, 0, 1, 0, 1]), np.array([1, 1, 0, 2, 2]), np.array([0, 3, 0, 2, 1])
    result = fit_bradley_terry(a, b, o, 3, bootstrap_rounds=10)
    assert result.battle_count[0, 1] == result.battle_count[1, 0] == 3
    assert result.win_rate[0, 1] == pytest.approx(0.5)  # one decisive win each way; both-bad is not decisive
    assert np.isnan(result.win_rate[0, 2])  # only a tie between 0 and 2
    assert result.win_rate[2, 1] == pytest.approx(1.0)
    excluded = fit_bradley_terry(a, b, o, 3, bootstrap_rounds=10, both_bad="exclude")
    assert excluded.battle_count[0, 1] == 2 and list(excluded.games) == [3, 3, 2]


def test_sandwich_and_bootstrap_intervals_agree_on_large_data():
    _, a, b, o = synthetic(10, 100_000, seed=10)
    boot = fit_bradley_terry(a, b, o, 10, bootstrap_rounds=500)
    sandwich = fit_bradley_terry(a, b, o, 10, interval="sandwich")
    np.testing.assert_allclose(boot.rating, sandwich.rating)
    np.testing.assert_allclose(boot.ci_high - boot.ci_low, sandwich.ci_high - sandwich.ci_low, rtol=0.15)


def test_inverse_propensity_weights_correct_a_sampling_imbalance():
    true, a, b, o = synthetic(6, 30_000, seed=11, tie_rate=0.0)
    weights = np.where((a == 0) | (b == 0), 0.25, 1.0)  # model 0's pairs were drawn 4x as often
    plain = fit_bradley_terry(a, b, o, 6, bootstrap_rounds=50)
    weighted = fit_bradley_terry(a, b, o, 6, bootstrap_rounds=50, weights=weights)
    # BT is consistent under any pair design, so reweighting must not move the ratings much...
    assert np.max(np.abs(plain.rating - weighted.rating)) < 10
    # ...but it changes how much evidence the pairs carry: model 0's interval widens.
    assert (weighted.ci_high - weighted.ci_low)[0] > (plain.ci_high - plain.ci_low)[0]


def test_style_control_recovers_a_length_bias():
    rng = np.random.default_rng(12)
    n, m = 40_000, 6
    true = rng.normal(size=m)
    a = rng.integers(0, m, n)
    b = (a + rng.integers(1, m, n)) % m
    length = rng.integers(50, 2000, (n, 2))
    zeros = np.zeros((n, 2))
    x, _, _ = style_features(length, zeros, zeros, zeros)
    p = 1 / (1 + np.exp(-(true[a] - true[b] + 0.5 * x[:, 0])))
    o = np.where(rng.random(n) < p, 0, 1)
    result = fit_bradley_terry(a, b, o, m, style=x)
    assert result.style_coef[0] == pytest.approx(0.5, abs=0.05)
    assert np.max(np.abs(result.rating - (1000 + SCALE * (true - true.mean())))) < 15
    assert result.interval == "sandwich"


def test_online_elo_is_order_dependent_and_kept_for_continuity():
    a, b, o = np.array([0, 0]), np.array([1, 1]), np.array([0, 1])
    forward = online_elo(a, b, o, 2)
    backward = online_elo(a[::-1], b[::-1], o[::-1], 2)
    # First game: 0 wins at even odds (+2). Second: 0 loses as the favourite (-4 * 0.5115...).
    assert forward[0] == pytest.approx(1002 - 4 / (1 + 10 ** (-4 / 400)), abs=1e-9)
    assert forward[0] != backward[0]
    assert forward.sum() == pytest.approx(2000)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0], [0], [0], 2), "itself"),
        (([0], [2], [0], 2), "out of range"),
        (([0], [1], [4], 2), "outcome"),
        (([0, 1], [1], [0], 2), "same length"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        fit_bradley_terry(*args, bootstrap_rounds=1)


def test_rank_upper_bounds_count_the_models_wholly_above():
    # intervals: A [10, 20], B [15, 25], C [21, 30], D [0, 5]
    low, high = [10, 15, 21, 0], [20, 25, 30, 5]
    # A is beaten for sure by C only; B by nobody; C by nobody; D by A, B and C
    assert list(ratings.rank_upper_bounds(low, high)) == [2, 1, 1, 4]


def test_decisive_win_share_leaves_ties_and_both_bad_out():
    a, b = [0, 0, 1, 0, 2], [1, 2, 2, 1, 0]
    o = [ratings.A_WON, ratings.TIE, ratings.B_WON, ratings.BOTH_BAD, ratings.A_WON]
    counts = [3, 5, 2, 7, 1]
    share = ratings.decisive_win_share(a, b, o, counts, 4)
    # model 0: won 3 of (3 vs 1) + lost 1 (vs 2) -> 3/4; model 1: lost 3, lost 2 -> 0/5; model 2: won 2+1 of 3
    assert share[:3].tolist() == [0.75, 0.0, 1.0] and np.isnan(share[3])


def test_sandwich_intervals_do_not_shrink_when_every_weight_is_scaled():
    # Weights say how much each battle counts relative to the others, not how many battles there
    # were: with the squared weights in the sandwich's middle term, a constant factor cancels.
    _, a, b, o = synthetic(6, 5000, seed=13)
    plain = fit_bradley_terry(a, b, o, 6, interval="sandwich")
    scaled = fit_bradley_terry(a, b, o, 6, interval="sandwich", weights=np.full(len(a), 3.0))
    np.testing.assert_allclose(plain.rating, scaled.rating, atol=1e-9)
    np.testing.assert_allclose(plain.ci_high - plain.ci_low, scaled.ci_high - scaled.ci_low, rtol=1e-9)


def test_style_control_survives_features_that_move_together():
    """Two first battles whose answers differ in length, headers and lists all at once: after
    standardising, the features are one column three times and the Newton matrix is singular. The fit
    runs after every vote; it must return finite ratings rather than fail the vote."""
    x, _, _ = style_features(
        np.array([[900, 300], [200, 800]]),
        np.array([[3, 0], [0, 3]]),
        np.array([[3, 0], [0, 3]]),
        np.array([[0, 0], [0, 0]]),
    )
    result = fit_bradley_terry(
        np.array([0, 0]), np.array([1, 1]), np.array([1.0, 0.0]), 2, style=x, bootstrap_rounds=20
    )
    assert np.all(np.isfinite(result.rating)) and np.all(np.isfinite(result.style_coef))
