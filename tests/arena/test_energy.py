"""Energy estimates from attested sizes: compar:IA's classes and EcoLogits' figures."""

import math

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


def _by_hand_wh(active_b: float, total_b: float, tokens: float, batch: int) -> float:
    """EcoLogits' LLM inference model written out from its documented method (ecologits.ai,
    "LLM inference" methodology), with its published coefficients, for a dense model:

    GPU energy per token (Wh)  = 1.1665e-06 * exp(-0.011206 * batch) * active + 4.0529e-05
    latency per token (s)      = 0.00067851 * active + 0.00031193 * batch + 0.019474
    memory (GB)                = 1.2 * total * 16 bits / 8;  GPUs = next power of two of memory / 80
    server energy (kWh)        = latency * tokens / 3600 * 1.2 kW * GPUs / 8 / batch
    request energy (kWh)       = PUE 1.2 * (server energy + GPUs * GPU energy)
    """
    gpu_wh_per_token = 1.1665273170451914e-06 * math.exp(-0.011205921025579175 * batch) * active_b
    gpu_wh_per_token += 4.052928146734005e-05
    latency = tokens * (
        0.0006785088094353663 * active_b + 0.0003119310311688259 * batch + 0.019473717579473387
    )
    gpus = 2 ** math.ceil(math.log2(math.ceil(1.2 * total_b * 16 / 8 / 80)))
    server_kwh = latency / 3600 * 1.2 * gpus / 8 / batch
    gpu_kwh = tokens * gpu_wh_per_token / 1000
    return 1000 * 1.2 * (server_kwh + gpus * gpu_kwh)


@pytest.mark.parametrize(("active_b", "total_b"), [(8, 8), (70, 70), (32, 235)])
def test_ecologits_figures_match_a_hand_computation(active_b, total_b):
    est = energy.estimate(
        params_active=int(active_b * 1e9), params_total=int(total_b * 1e9), output_tokens=750
    )
    assert est.wh_per_million == pytest.approx(_by_hand_wh(active_b, total_b, 1_000_000, 64), rel=1e-9)
    assert est.wh == pytest.approx(_by_hand_wh(active_b, total_b, 750, 64), rel=1e-9)
    # The stated range: the same method on a busier (batch 128) and a quieter (batch 32) server.
    assert est.wh_low == pytest.approx(_by_hand_wh(active_b, total_b, 750, 128), rel=1e-9)
    assert est.wh_high == pytest.approx(_by_hand_wh(active_b, total_b, 750, 32), rel=1e-9)


def test_the_8b_figure_by_hand():
    # 8B dense, one GPU: 1.2 * (0.02921 kWh server + 0.04508 kWh GPU) per million tokens = 89.15 Wh.
    assert _by_hand_wh(8, 8, 1_000_000, 64) == pytest.approx(89.15, abs=0.01)
