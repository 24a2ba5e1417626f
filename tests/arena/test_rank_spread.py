"""arena/ratings/rank_spread.py: the ranks and tiers the 95% intervals allow, on hand-made cases."""

import numpy as np
import pytest

from arena.ratings.rank_spread import rank_spread, tiers


def test_hand_made_board():
    # Worked by hand. Intervals (rating order):
    #   A [1100, 1140]  B [1090, 1120]  C [1070, 1095]  D [1000, 1060]  E [ 995, 1010]
    # A: nobody wholly above -> best 1; wholly below A (high < 1100): C, D, E -> worst 5 - 3 = 2.
    # B: nobody wholly above (A's low 1100 < B's high 1120) -> best 1; below B (high < 1090): D, E -> worst 3.
    # C: above C (low > 1095): A -> best 2; below C (high < 1070): D, E -> worst 3.
    # D: above D (low > 1060): A, B, C -> best 4; below D (high < 1000): none -> worst 5.
    # E: above E (low > 1010): A, B, C -> best 4; worst 5.
    # Tiers: A opens 1; B overlaps A -> 1; C (high 1095 < A's low 1100) opens 2; D (1060 < C's 1070)
    # opens 3; E overlaps D -> 3.
    rating = [1120, 1105, 1082, 1030, 1002]
    low = [1100, 1090, 1070, 1000, 995]
    high = [1140, 1120, 1095, 1060, 1010]
    spread = rank_spread(rating, low, high)
    assert spread.best.tolist() == [1, 1, 2, 4, 4]
    assert spread.worst.tolist() == [2, 3, 3, 5, 5]
    assert spread.tier.tolist() == [1, 1, 2, 3, 3]


def test_the_input_order_does_not_matter():
    rng = np.random.default_rng(0)
    rating = rng.normal(1000, 60, 12)
    half = rng.uniform(5, 40, 12)
    low, high = rating - half, rating + half
    first = rank_spread(rating, low, high)
    order = rng.permutation(12)
    shuffled = rank_spread(rating[order], low[order], high[order])
    for field in ("best", "worst", "tier"):
        np.testing.assert_array_equal(getattr(first, field)[order], getattr(shuffled, field))


def test_properties_on_random_boards():
    rng = np.random.default_rng(1)
    for _ in range(200):
        n = int(rng.integers(1, 15))
        rating = rng.normal(1000, 50, n)
        low = rating - rng.uniform(0, 60, n)
        high = rating + rng.uniform(0, 60, n)
        spread = rank_spread(rating, low, high)
        point_rank = 1 + (rating[None, :] > rating[:, None]).sum(axis=1)
        # The point rank always lies inside the spread; the spread stays within 1..n.
        assert np.all((spread.best <= point_rank) & (point_rank <= spread.worst))
        assert spread.best.min() == 1 and spread.worst.max() <= n
        # Tiers never go back up in rating order, start at 1 and step by one.
        by_rating = spread.tier[np.argsort(-rating, kind="stable")]
        assert by_rating[0] == 1 and np.all(np.diff(by_rating) >= 0) and np.all(np.diff(by_rating) <= 1)
        # Two models in different tiers: the lower tier's opener lies wholly below the higher's.
        openers = {}
        for m in np.argsort(-rating, kind="stable"):
            openers.setdefault(int(spread.tier[m]), m)
        for t in range(2, int(spread.tier.max()) + 1):
            assert high[openers[t]] < low[openers[t - 1]]


def test_separated_models_get_a_single_rank_and_own_tier():
    spread = rank_spread([3, 2, 1], [2.9, 1.9, 0.9], [3.1, 2.1, 1.1])
    assert spread.best.tolist() == spread.worst.tolist() == [1, 2, 3]
    assert spread.tier.tolist() == [1, 2, 3]


def test_all_overlapping_share_everything():
    spread = rank_spread([3, 2, 1], [0, 0, 0], [5, 5, 5])
    assert spread.best.tolist() == [1, 1, 1] and spread.worst.tolist() == [3, 3, 3]
    assert tiers([3, 2, 1], [0, 0, 0], [5, 5, 5]).tolist() == [1, 1, 1]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same length"):
        rank_spread([1, 2], [0], [3, 4])
    with pytest.raises(ValueError, match="low end"):
        rank_spread([1], [2], [1])
