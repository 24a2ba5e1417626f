"""Krippendorff's alpha against the published worked example (Krippendorff 2011, 4 coders x 12 units:
nominal 0.743, ordinal 0.815, interval 0.849)."""

import numpy as np
import pytest

from evaluation.agreement import alpha

n = np.nan
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
    [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_published_example(level, expected):
    assert alpha(RELIABILITY_DATA, level) == pytest.approx(expected, abs=0.0005)


def test_perfect_agreement_is_one_and_units_with_one_coder_are_ignored():
    data = [[1, 2, 3, 4, 5, 2], [1, 2, 3, 4, 5, n]]
    assert alpha(data, "interval") == pytest.approx(1.0)


def test_systematic_disagreement_is_negative():
    assert alpha([[1, 5, 1, 5], [5, 1, 5, 1]], "interval") < 0


def test_nothing_to_compare():
    assert alpha([[1, n], [n, 2]]) is None
    assert alpha([[3, 3], [3, 3]]) is None  # no variation: agreement is undefined
    with pytest.raises(ValueError):
        alpha(RELIABILITY_DATA, "ratio-ish")
