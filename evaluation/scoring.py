"""The stage scorecard as arithmetic: no Django, plain numbers in, a frozen result out.

A round has blocks with weights (points). Each team has, per block, an *achievement* between 0 and 1
with a standard error, or None when the evidence is missing. Block points = weight x achievement; the
total is their sum, and is None when any block is missing (missing is never read as zero). Teams that
fail the originality gate, or whose gate is still under review, keep their scores but cannot advance.

How evidence becomes an achievement (documented on the scorecard page):
- benchmark: each result scores min(score / declared target, 1), or score / 100 when no target was
  declared; a sub-item is the mean of its results; the block is the sub-items' point-weighted mean.
- expert: each review's mean over the rubric (1-5) maps to (m - 1) / 4; the block is the mean over
  reviews, its standard error the reviews' spread / sqrt(n).
- user: the arena rating R against the round's mean rating R0 as an expected win share,
  1 / (1 + 10^((R0 - R) / 400)); its standard error follows from the rating's 95% interval.
- reruns: a benchmark run several times with the same settings counts once, at the mean of its runs;
  its standard error combines the reported one (the items are the same in every run, so it does not
  shrink) with the runs' spread: sqrt(mean(stderr^2) + sd^2 / n).
- efficiency: the team's benchmark achievement P, scaled per cost measure m (active parameters,
  energy per million output tokens, seconds per thousand output tokens) by (G_m / c_m)^0.25, where
  G_m is the round's geometric-mean cost: a team as costly as the round's typical team keeps P, one
  that needs half the cost gets 19% more, twice the cost 16% less; capped at 1, averaged over the
  measures the team has data for. Without a parameter count (or a benchmark achievement) the block is
  missing.

Ranks count only teams that have not failed the originality gate: a gate-failed team has no rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Bumped whenever a published figure could change: the public page names the version it was
# published with. 2026.12: ranks leave out gate-failed teams; reruns averaged; efficiency block.
METHOD_VERSION = "2026.12"

Z95 = 1.959964
# Efficiency: how much a cost ratio moves the performance (see the module docstring).
EFFICIENCY_ELASTICITY = 0.25
# Totals equal to this many decimals are a tie (scores are published with two).
TIE_DECIMALS = 2

ADVANCE = "advance"
TIE = "tie_at_line"
BELOW = "below"
GATE_FAILED = "gate_failed"
GATE_PENDING = "gate_pending"
INCOMPLETE = "incomplete"

GATE_PASS, GATE_FAIL, GATE_REVIEW = "pass", "fail", "under_review"


@dataclass(frozen=True)
class Achievement:
    value: float  # 0..1
    se: float = 0.0  # standard error of value

    def interval(self) -> tuple[float, float]:
        return max(0.0, self.value - Z95 * self.se), min(1.0, self.value + Z95 * self.se)


@dataclass(frozen=True)
class TeamInput:
    key: str
    name: str
    gate: str  # GATE_PASS / GATE_FAIL / GATE_REVIEW
    achievements: dict[str, Achievement | None]  # block key -> achievement or None (missing)


@dataclass(frozen=True)
class TeamResult:
    key: str
    name: str
    gate: str
    points: dict[str, float | None]
    intervals: dict[str, tuple[float, float] | None]
    total: float | None
    rank: int | None
    status: str
    stability: float | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scorecard:
    weights: dict[str, float]
    advance_count: int
    teams: list[TeamResult]
    line: float | None  # the total the last advancing team needs (None when everyone eligible advances)


# --- evidence -> achievement ----------------------------------------------------------------------


def benchmark_result(score: float, target: float | None, stderr: float | None = None) -> Achievement:
    scale = target if target else 100.0
    return Achievement(min(score / scale, 1.0), (stderr or 0.0) / scale)


def mean_of(items: list[Achievement]) -> Achievement | None:
    if not items:
        return None
    n = len(items)
    return Achievement(sum(a.value for a in items) / n, math.sqrt(sum(a.se**2 for a in items)) / n)


def weighted(parts: list[tuple[float, Achievement | None]]) -> Achievement | None:
    """Point-weighted mean of sub-items; None if any sub-item is missing."""
    if not parts or any(a is None for _, a in parts):
        return None
    total = sum(points for points, _ in parts)
    if total <= 0:
        return None
    value = sum(points * a.value for points, a in parts) / total
    se = math.sqrt(sum((points * a.se) ** 2 for points, a in parts)) / total
    return Achievement(value, se)


def expert_reviews(review_means: list[float]) -> Achievement | None:
    """Per-review rubric means on 1-5."""
    if not review_means:
        return None
    x = (np.asarray(review_means, dtype=float) - 1.0) / 4.0
    se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else 0.25  # one review: a wide guess
    return Achievement(float(x.mean()), se)


def user_rating(rating: float, ci_low: float, ci_high: float, reference: float) -> Achievement:
    p = 1.0 / (1.0 + 10 ** ((reference - rating) / 400.0))
    sd_rating = (ci_high - ci_low) / (2 * Z95)
    return Achievement(p, p * (1 - p) * math.log(10) / 400.0 * sd_rating)


@dataclass(frozen=True)
class Runs:
    """The runs of one benchmark with the same settings, as one figure."""

    score: float  # mean over runs
    se: float
    spread: float  # highest minus lowest run
    count: int

    def flagged(self, tolerance: float) -> bool:
        return self.count > 1 and self.spread > tolerance


def runs_combine(scores: list[float], stderrs: list[float | None]) -> Runs:
    x = np.asarray(scores, dtype=float)
    reported = np.asarray([s or 0.0 for s in stderrs], dtype=float)
    between = float(x.std(ddof=1)) ** 2 / len(x) if len(x) > 1 else 0.0
    return Runs(
        score=float(x.mean()),
        se=math.sqrt(float((reported**2).mean()) + between),
        # Rounded so that a spread equal to the tolerance (70.0 and 71.2 at 1.2) is not flagged by float noise.
        spread=round(float(x.max() - x.min()), 9),
        count=len(x),
    )


def cost_reference(costs: list[dict[str, float | None]]) -> dict[str, float]:
    """Per cost measure, the geometric mean over the teams that have it (positive values only)."""
    reference = {}
    for measure in {m for c in costs for m in c}:
        values = [c[measure] for c in costs if c.get(measure) and c[measure] > 0]
        if values:
            reference[measure] = float(np.exp(np.mean(np.log(values))))
    return reference


def efficiency(
    performance: Achievement | None, costs: dict[str, float | None], reference: dict[str, float]
) -> Achievement | None:
    """Performance against cost (module docstring). `costs` must hold a positive "size"; the other
    measures count where present."""
    if performance is None or not costs.get("size") or costs["size"] <= 0:
        return None
    factors = [
        (reference[m] / c) ** EFFICIENCY_ELASTICITY
        for m, c in costs.items()
        if c is not None and c > 0 and m in reference
    ]
    if not factors:
        return None
    values = [min(1.0, performance.value * f) for f in factors]
    # The value moves with P where it is below the cap, not where it is capped.
    se = performance.se * float(
        np.mean([f if v < 1.0 else 0.0 for f, v in zip(factors, values, strict=True)])
    )
    return Achievement(float(np.mean(values)), se)


# --- the scorecard --------------------------------------------------------------------------------


def _key(total: float) -> float:
    return round(total, TIE_DECIMALS)


def compute(
    teams: list[TeamInput],
    weights: dict[str, float],
    advance_count: int,
    *,
    draws: int = 0,
    weight_jitter: float = 5.0,
    seed: int = 0,
) -> Scorecard:
    rows = []
    for team in teams:
        points, intervals, missing = {}, {}, []
        for block, weight in weights.items():
            a = team.achievements.get(block)
            if a is None:
                points[block], intervals[block] = None, None
                missing.append(block)
            else:
                low, high = a.interval()
                points[block], intervals[block] = weight * a.value, (weight * low, weight * high)
        total = None if missing else sum(points.values())
        rows.append((team, points, intervals, total, missing))

    # Competition ranking over complete totals ("1, 2, 2, 4") of teams that did not fail the gate.
    complete = sorted((_key(r[3]) for r in rows if r[3] is not None and r[0].gate != GATE_FAIL), reverse=True)
    rank_of = {}
    for i, value in enumerate(complete):
        rank_of.setdefault(value, i + 1)

    eligible = sorted((_key(r[3]) for r in rows if r[3] is not None and r[0].gate == GATE_PASS), reverse=True)
    line = None
    tied_line = False
    if len(eligible) > advance_count > 0:
        line = eligible[advance_count - 1]
        tied_line = eligible[advance_count] == line

    stability = _stability(teams, weights, advance_count, draws, weight_jitter, seed) if draws else {}
    results = []
    for team, points, intervals, total, missing in rows:
        if team.gate == GATE_FAIL:
            status = GATE_FAILED
        elif total is None:
            status = INCOMPLETE
        elif team.gate != GATE_PASS:
            status = GATE_PENDING
        elif line is None or _key(total) > line or (_key(total) == line and not tied_line):
            status = ADVANCE
        elif _key(total) == line:
            status = TIE
        else:
            status = BELOW
        results.append(
            TeamResult(
                key=team.key,
                name=team.name,
                gate=team.gate,
                points=points,
                intervals=intervals,
                total=total,
                rank=rank_of.get(_key(total)) if total is not None and team.gate != GATE_FAIL else None,
                status=status,
                stability=stability.get(team.key),
                missing=missing,
            )
        )
    results.sort(key=lambda r: (r.total is None, -(r.total or 0.0), r.name))
    return Scorecard(weights=dict(weights), advance_count=advance_count, teams=results, line=line)


def _stability(
    teams: list[TeamInput],
    weights: dict[str, float],
    advance_count: int,
    draws: int,
    jitter: float,
    seed: int,
) -> dict[str, float]:
    """Share of draws in which each eligible team is above the line when every block's achievement
    moves within its uncertainty (normal, its standard error) and every weight moves uniformly by up to
    +/- `jitter` points. Ties in a draw are broken at random."""
    eligible = [
        t for t in teams if t.gate == GATE_PASS and all(t.achievements.get(b) is not None for b in weights)
    ]
    if not eligible:
        return {}
    if len(eligible) <= advance_count:
        return {t.key: 1.0 for t in eligible}
    rng = np.random.default_rng(seed)
    blocks = list(weights)
    value = np.array([[t.achievements[b].value for b in blocks] for t in eligible])
    se = np.array([[t.achievements[b].se for b in blocks] for t in eligible])
    w = np.array([weights[b] for b in blocks])
    draw_w = np.clip(w + rng.uniform(-jitter, jitter, (draws, len(blocks))), 0, None)
    draw_a = np.clip(value + se * rng.standard_normal((draws, *value.shape)), 0.0, 1.0)
    totals = np.einsum("dtb,db->dt", draw_a, draw_w) + rng.uniform(0, 1e-9, (draws, len(eligible)))
    order = np.argsort(-totals, axis=1)[:, :advance_count]
    above = np.zeros(len(eligible))
    np.add.at(above, order.ravel(), 1)
    return {t.key: float(above[i] / draws) for i, t in enumerate(eligible)}
