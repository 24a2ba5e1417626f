import itertools
import random
from collections import Counter

import numpy as np
import pytest

from arena.battles.sampling import FLOOR_SHARE, active_plan, draw_from_plan, draw_pair, pair_probability
from arena.ratings.bradley_terry import BASE, SCALE, fit_bradley_terry


@pytest.mark.parametrize("weights", [[1, 1, 1], [1, 2, 3, 4], [0.5, 5, 1, 1, 0.1]])
def test_pair_probabilities_sum_to_one(weights):
    total = sum(pair_probability(weights, i, j) for i, j in itertools.combinations(range(len(weights)), 2))
    assert total == pytest.approx(1.0)


def test_draws_match_the_stated_probabilities_and_never_repeat_a_model():
    weights = [1.0, 2.0, 0.0, 4.0]
    rng = random.Random(7)
    n = 40_000
    pairs, sides = Counter(), Counter()
    for _ in range(n):
        draw = draw_pair(weights, rng)
        assert draw.a != draw.b and 2 not in (draw.a, draw.b)  # zero weight is never drawn
        pairs[frozenset((draw.a, draw.b))] += 1
        sides[draw.a] += 1
        assert draw.probability == pytest.approx(pair_probability(weights, draw.a, draw.b))
    for pair, count in pairs.items():
        i, j = sorted(pair)
        assert count / n == pytest.approx(pair_probability(weights, i, j), abs=0.01)
    # Position is a coin flip: model 3 is "A" in about half of its battles.
    battles_3 = sum(c for p, c in pairs.items() if 3 in p)
    assert sides[3] / battles_3 == pytest.approx(0.5, abs=0.02)


def test_fewer_than_two_models_is_refused():
    with pytest.raises(ValueError):
        draw_pair([1.0, 0.0], random.Random(0))


def _board(theta, games, half):
    return active_plan(theta, games, half, target=15.0)


def test_active_plan_probabilities_sum_to_one_and_every_pair_keeps_its_floor():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(2, 14))
        theta = rng.normal(0, 0.6, n)
        games = rng.integers(0, 3000, (n, n)).astype(float)
        games = np.triu(games, 1) + np.triu(games, 1).T
        plan = _board(theta, games, rng.uniform(5, 60, n))
        upper = plan.probability[np.triu_indices(n, 1)]
        assert upper.sum() == pytest.approx(1.0)
        assert np.all(upper >= plan.floor - 1e-15)
        assert plan.floor == pytest.approx(FLOOR_SHARE / (n * (n - 1) / 2))
        np.testing.assert_allclose(plan.probability, plan.probability.T)


def test_active_plan_favours_the_unsettled_and_the_cut_line():
    theta = np.zeros(4)
    games = np.full((4, 4), 1000.0)
    games[3, :3] = games[:3, 3] = 10.0  # model 3 is new
    plan = active_plan(theta, games, np.array([10.0, 10.0, 10.0, 80.0]), target=15.0)
    assert plan.probability[0, 3] > 3 * plan.probability[0, 1]
    # Two settled models straddling the cut line get the votes among the settled ones.
    plan = active_plan(
        np.zeros(4),
        np.full((4, 4), 1000.0),
        np.full(4, 10.0),
        target=15.0,
        cut=2,
        best=np.array([1, 1, 3, 3]),
        worst=np.array([1, 3, 3, 4]),
    )
    assert plan.probability[1, 2] == plan.probability.max()


def test_pairs_that_may_not_meet_get_nothing():
    allowed = np.ones((3, 3), dtype=bool)
    allowed[0, 1] = allowed[1, 0] = False  # two versions of one team
    plan = active_plan(np.zeros(3), np.zeros((3, 3)), np.full(3, 50.0), target=15.0, allowed=allowed)
    assert plan.probability[0, 1] == 0.0
    assert plan.probability[0, 2] + plan.probability[1, 2] == pytest.approx(1.0)


def test_draws_from_a_plan_carry_the_pair_probability_and_follow_it():
    rng = random.Random(3)
    plan = active_plan(
        np.array([0.5, 0.0, -0.5]), np.zeros((3, 3)), np.array([50.0, 10.0, 50.0]), target=15.0
    )
    counts = Counter()
    for _ in range(20_000):
        draw = draw_from_plan(plan, rng)
        assert draw.probability == pytest.approx(plan.probability[draw.a, draw.b])
        counts[frozenset((draw.a, draw.b))] += 1
    for pair, count in counts.items():
        i, j = sorted(pair)
        assert count / 20_000 == pytest.approx(plan.probability[i, j], abs=0.015)


def test_reweighted_ratings_recover_known_strengths_within_their_intervals():
    # Active sampling with each battle weighed by P_uniform / P(pair): the fit still estimates the
    # true strengths, and the 95% intervals hold them about 95% of the time.
    covered = total = 0
    for run in range(30):
        rng = np.random.default_rng(100 + run)
        n = 8
        truth = rng.normal(0, 0.5, n)
        uniform = 1 / (n * (n - 1) / 2)
        a_all, b_all, o_all, w_all = [], [], [], []
        theta, games, half = np.zeros(n), np.zeros((n, n)), np.full(n, 100.0)
        for _batch in range(12):
            plan = active_plan(theta, games, half, target=20.0)
            i, j = np.triu_indices(n, 1)
            p = plan.probability[i, j]
            k = rng.choice(len(i), size=300, p=p / p.sum())
            a, b = i[k], j[k]
            o = np.where(rng.random(300) < 1 / (1 + np.exp(-(truth[a] - truth[b]))), 0, 1)
            a_all.append(a)
            b_all.append(b)
            o_all.append(o)
            w_all.append(uniform / p[k])
            np.add.at(games, (a, b), 1)
            np.add.at(games, (b, a), 1)
            fit = fit_bradley_terry(
                *(np.concatenate(x) for x in (a_all, b_all, o_all)),
                n,
                weights=np.concatenate(w_all),
                interval="sandwich",
            )
            theta, half = (fit.rating - BASE) / SCALE, (fit.ci_high - fit.ci_low) / 2
        centred = BASE + SCALE * (truth - truth.mean())
        covered += int(np.sum((fit.ci_low <= centred) & (centred <= fit.ci_high)))
        total += n
    assert 0.90 <= covered / total <= 0.99, covered / total
