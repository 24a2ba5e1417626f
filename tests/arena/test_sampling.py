import itertools
import random
from collections import Counter

import pytest

from arena.battles.sampling import draw_pair, pair_probability


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
