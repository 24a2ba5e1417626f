"""Energy of a model's answers, estimated with EcoLogits from the attested parameter counts.

Pure: no Django. The method is compar:IA's (its issue #505): inference only, energy rather than CO2 (so
the class does not depend on the country's electricity mix), a data-centre PUE of 1.2, and a class per
model from the energy of one million output tokens:

    A < 100 Wh, B < 300, C < 1,000, D < 3,000, E < 10,000, F at or above.

EcoLogits models the GPU energy of generating a token from the active parameter count (and the
memory the total count needs) on a reference server (8 GPUs of 80 GB, 16-bit weights, 64 requests
batched together). With attested parameter counts its inputs are exact, so it gives one figure; what
it cannot know is how the team deploys the model. The range kept beside the central figure
(`wh_low`, `wh_high`) is EcoLogits' own estimate with the batch halved (32) and doubled (128): a
stated sensitivity to deployment, not a confidence interval. Callers pass parameter counts in units,
as attested; EcoLogits wants billions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecologits.electricity_mix_repository import electricity_mixes
from ecologits.impacts.llm import compute_llm_impacts

PUE = 1.2
WUE = 0.569  # L/kWh; only EcoLogits' water figure uses it, not the energy
CLASSES = (("A", 100.0), ("B", 300.0), ("C", 1_000.0), ("D", 3_000.0), ("E", 10_000.0))
BATCH = 64  # EcoLogits' reference batch size
BATCH_RANGE = (128, 32)  # busier and quieter servers: the low and the high end of the range
METHOD = (
    "EcoLogits 0.11 (inference only, PUE 1.2, batch 64; range batch 32-128), "
    "compar:IA energy classes per 1M output tokens"
)
_MIX = electricity_mixes.find_electricity_mix(zone="KOR")


@dataclass(frozen=True)
class EnergyEstimate:
    wh: float  # central estimate for the tokens asked about
    wh_low: float
    wh_high: float
    wh_per_million: float  # the same model for one million output tokens: what the class rates
    energy_class: str


def energy_class(wh_per_million: float) -> str:
    for name, ceiling in CLASSES:
        if wh_per_million < ceiling:
            return name
    return "F"


def _kwh(value) -> tuple[float, float]:
    return getattr(value, "min", value), getattr(value, "max", value)


def _wh(active_b: float, total_b: float, tokens: float, batch: int) -> tuple[float, float]:
    impacts = compute_llm_impacts(
        model_active_parameter_count=active_b,
        model_total_parameter_count=total_b,
        output_token_count=tokens,
        if_electricity_mix_adpe=_MIX.adpe,
        if_electricity_mix_pe=_MIX.pe,
        if_electricity_mix_gwp=_MIX.gwp,
        if_electricity_mix_wue=_MIX.wue,
        datacenter_pue=PUE,
        datacenter_wue=WUE,
        batch_size=batch,
    )
    low, high = _kwh(impacts.energy.value)
    return 1000 * low, 1000 * high


def _impact(active_b: float, total_b: float, tokens: float) -> tuple[float, float, float]:
    """Central figure, low end, high end (Wh)."""
    low, high = _wh(active_b, total_b, tokens, BATCH)
    busy, _ = _wh(active_b, total_b, tokens, BATCH_RANGE[0])
    _, quiet = _wh(active_b, total_b, tokens, BATCH_RANGE[1])
    return (low + high) / 2, min(low, busy), max(high, quiet)


def estimate(
    *, params_active: int | None, params_total: int | None, output_tokens: int
) -> EnergyEstimate | None:
    """The energy of `output_tokens` tokens from a model of this size; None without a parameter count
    (a size class is not enough to estimate from, and nothing is invented)."""
    total = params_total or params_active
    active = params_active or params_total
    if not total or not active or output_tokens < 0:
        return None
    active_b, total_b = active / 1e9, total / 1e9
    wh, low, high = _impact(active_b, total_b, max(output_tokens, 0))
    per_million, _low, _high = _impact(active_b, total_b, 1_000_000)
    return EnergyEstimate(wh, low, high, per_million, energy_class(per_million))
