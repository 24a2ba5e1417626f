"""Energy estimates from attested sizes: compar:IA's classes and EcoLogits' figures."""

import pytest

from arena import energy


@pytest.mark.parametrize(
    ("wh", "cls"),
    [
        (0, "A"),
        (99.9, "A"),
        (100, "B"),
        (299, "B"),
        (300, "C"),
        (999, "C"),
        (1000, "D"),
        (9999, "E"),
        (10_000, "F"),
    ],
)
def test_energy_classes_follow_compar_ia_thresholds(wh, cls):
    assert energy.energy_class(wh) == cls


def test_an_8b_dense_model_is_about_what_compar_ia_publishes():
    # compar:IA (issue #505, EcoLogits 0.9+): an 8B model is about 85 Wh per million output tokens.
    est = energy.estimate(params_active=8_000_000_000, params_total=8_000_000_000, output_tokens=500)
    assert 70 <= est.wh_per_million <= 100 and est.energy_class == "A"
    assert est.wh == pytest.approx(est.wh_per_million * 500 / 1_000_000, rel=0.05)
    assert est.wh_low <= est.wh <= est.wh_high


def test_a_mixture_of_experts_is_rated_by_its_active_parameters():
    dense = energy.estimate(params_active=100_000_000_000, params_total=100_000_000_000, output_tokens=1000)
    moe = energy.estimate(params_active=10_000_000_000, params_total=100_000_000_000, output_tokens=1000)
    assert moe.wh < dense.wh


def test_no_parameter_count_means_no_estimate():
    assert energy.estimate(params_active=None, params_total=None, output_tokens=100) is None
