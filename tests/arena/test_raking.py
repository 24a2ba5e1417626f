import numpy as np
import pytest

from arena.ratings.raking import rake

TARGETS = {"gender": {"female": 0.5, "male": 0.5}, "region": {"capital": 0.5, "non_capital": 0.5}}


def margins(categories, weights, dim):
    values = np.array(categories[dim])
    return {c: weights[values == c].sum() / weights.sum() for c in set(values)}


def test_skewed_sample_is_weighted_to_the_target_margins():
    rng = np.random.default_rng(0)
    n = 2000
    categories = {
        "gender": list(np.where(rng.random(n) < 0.7, "male", "female")),
        "region": list(np.where(rng.random(n) < 0.8, "capital", "non_capital")),
    }
    weights = rake(categories, TARGETS)
    assert weights.mean() == pytest.approx(1.0)
    for dim in TARGETS:
        for _category, share in margins(categories, weights, dim).items():
            assert share == pytest.approx(0.5, abs=1e-6)


def test_an_already_balanced_sample_keeps_equal_weights():
    categories = {"gender": ["female", "male"] * 50, "region": ["capital"] * 50 + ["non_capital"] * 50}
    np.testing.assert_allclose(rake(categories, TARGETS), 1.0)


def test_weights_are_capped():
    categories = {"gender": ["female"] + ["male"] * 99, "region": ["capital"] * 50 + ["non_capital"] * 50}
    weights = rake(categories, TARGETS, cap=5.0)
    assert weights.max() <= 5.0 + 1e-6 and weights.mean() == pytest.approx(1.0)


def test_unknown_category_is_refused():
    with pytest.raises(ValueError, match="gender"):
        rake({"gender": ["other"], "region": ["capital"]}, TARGETS)
