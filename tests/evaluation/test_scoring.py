"""The scorecard's arithmetic as a table of cases, and the evidence -> achievement conversions."""

import math

import pytest

from evaluation import scoring
from evaluation.scoring import Achievement as A
from evaluation.scoring import TeamInput

W = {"benchmark": 40.0, "expert": 35.0, "user": 25.0}


def team(name, b, e, u, gate="pass"):
    ach = {k: (None if v is None else A(v)) for k, v in zip(W, (b, e, u), strict=True)}
    return TeamInput(key=name, name=name, gate=gate, achievements=ach)


def by_name(card):
    return {t.name: t for t in card.teams}


# (case, teams, advance_count, expected {name: (total or None, rank or None, status)})
CASES = [
    (
        "plain ranking, two advance",
        [team("가", 1, 1, 1), team("나", 0.5, 0.5, 0.5), team("다", 0.25, 0.2, 0.2)],
        2,
        {"가": (100.0, 1, "advance"), "나": (50.0, 2, "advance"), "다": (22.0, 3, "below")},
    ),
    (
        "tie at the line: both tied teams are flagged, the one above advances",
        [
            team("가", 1, 1, 1),
            team("나", 0.5, 0.5, 0.5),
            team("다", 0.5, 0.5, 0.5),
            team("라", 0.1, 0.1, 0.1),
        ],
        2,
        {
            "가": (100.0, 1, "advance"),
            "나": (50.0, 2, "tie_at_line"),
            "다": (50.0, 2, "tie_at_line"),
            "라": (10.0, 4, "below"),
        },
    ),
    (
        "a tie above the line is no problem",
        [team("가", 0.8, 0.8, 0.8), team("나", 0.8, 0.8, 0.8), team("다", 0.1, 0.1, 0.1)],
        2,
        {"가": (80.0, 1, "advance"), "나": (80.0, 1, "advance"), "다": (10.0, 3, "below")},
    ),
    (
        "a gate failure keeps its scores but has no rank and cannot advance; the next team moves up",
        [
            team("가", 1, 1, 1, gate="fail"),
            team("나", 0.5, 0.5, 0.5),
            team("다", 0.4, 0.4, 0.4),
            team("라", 0.1, 0.1, 0.1),
        ],
        2,
        {
            "가": (100.0, None, "gate_failed"),
            "나": (50.0, 1, "advance"),
            "다": (40.0, 2, "advance"),
            "라": (10.0, 3, "below"),
        },
    ),
    (
        "missing evidence is missing, not zero: no total, no rank",
        [team("가", 1, None, 1), team("나", 0.5, 0.5, 0.5), team("다", 0.4, 0.4, 0.4)],
        1,
        {"가": (None, None, "incomplete"), "나": (50.0, 1, "advance"), "다": (40.0, 2, "below")},
    ),
    (
        "gate under review: scored and ranked, not yet advancing",
        [team("가", 1, 1, 1, gate="under_review"), team("나", 0.5, 0.5, 0.5), team("다", 0.4, 0.4, 0.4)],
        1,
        {"가": (100.0, 1, "gate_pending"), "나": (50.0, 2, "advance"), "다": (40.0, 3, "below")},
    ),
    (
        "fewer eligible teams than places: all of them advance",
        [team("가", 0.3, 0.3, 0.3), team("나", 0.2, 0.2, 0.2, gate="fail")],
        4,
        {"가": (30.0, 1, "advance"), "나": (20.0, None, "gate_failed")},
    ),
]


@pytest.mark.parametrize(("case", "teams", "advance", "expected"), CASES, ids=[c[0] for c in CASES])
def test_scorecard_table(case, teams, advance, expected):
    card = scoring.compute(teams, W, advance)
    got = {
        n: (None if t.total is None else round(t.total, 6), t.rank, t.status)
        for n, t in by_name(card).items()
    }
    assert got == expected


def test_missing_block_is_named_and_other_points_still_shown():
    (t,) = scoring.compute([team("가", 1, None, 0.5)], W, 1).teams
    assert t.missing == ["expert"] and t.points == {"benchmark": 40.0, "expert": None, "user": 12.5}


def test_other_weights_reorder_without_touching_inputs():
    teams = [team("벤치", 1.0, 0.2, 0.2), team("사용자", 0.2, 0.2, 1.0)]
    assert scoring.compute(teams, W, 1).teams[0].name == "벤치"
    flipped = scoring.compute(teams, {"benchmark": 10.0, "expert": 35.0, "user": 55.0}, 1)
    assert flipped.teams[0].name == "사용자" and flipped.weights["user"] == 55.0


def test_stability_is_certain_for_a_clear_gap_and_split_for_a_coin_flip():
    teams = [
        TeamInput("a", "a", "pass", {k: A(0.9, 0.01) for k in W}),
        TeamInput("b", "b", "pass", {k: A(0.5, 0.05) for k in W}),
        TeamInput("c", "c", "pass", {k: A(0.5, 0.05) for k in W}),
        TeamInput("d", "d", "fail", {k: A(1.0, 0.0) for k in W}),
    ]
    card = scoring.compute(teams, W, 2, draws=4000, seed=1)
    s = {t.name: t.stability for t in card.teams}
    assert s["a"] == 1.0 and s["d"] is None
    assert 0.4 < s["b"] < 0.6 and 0.4 < s["c"] < 0.6
    assert math.isclose(s["b"] + s["c"], 1.0)  # exactly one of them takes the second place each draw


def test_benchmark_achievement_against_target_or_percent():
    assert scoring.benchmark_result(72.0, 80.0).value == pytest.approx(0.9)
    assert scoring.benchmark_result(90.0, 80.0).value == 1.0  # beating the target counts as reaching it
    assert scoring.benchmark_result(64.0, None).value == pytest.approx(0.64)
    assert scoring.benchmark_result(64.0, 80.0, stderr=2.0).se == pytest.approx(0.025)
    parts = [(10.0, A(1.0)), (20.0, A(0.5)), (10.0, A(0.0))]
    assert scoring.weighted(parts).value == pytest.approx(0.5)
    assert scoring.weighted([(10.0, A(1.0)), (20.0, None)]) is None


def test_expert_and_user_conversions():
    assert scoring.expert_reviews([5, 5]).value == 1.0 and scoring.expert_reviews(
        [1, 3]
    ).value == pytest.approx(0.25)
    assert scoring.expert_reviews([]) is None
    at_mean = scoring.user_rating(1000, 980, 1020, reference=1000)
    assert at_mean.value == pytest.approx(0.5)
    stronger = scoring.user_rating(1100, 1080, 1120, reference=1000)
    assert stronger.value == pytest.approx(1 / (1 + 10 ** (-100 / 400)))
    wide = scoring.user_rating(1000, 900, 1100, reference=1000)
    assert wide.se > at_mean.se > 0  # a wider rating interval carries into the block
    low, high = wide.interval()
    assert low < 0.5 < high


# --- reruns ------------------------------------------------------------------------------------------


def test_runs_combine_mean_spread_and_standard_error():
    runs = scoring.runs_combine([70.0, 70.6, 71.2], [0.8, 0.8, 0.8])
    assert (runs.score, runs.spread, runs.count) == (pytest.approx(70.6), pytest.approx(1.2), 3)
    # the reported error does not shrink with reruns (the items are the same); the seed spread does
    assert runs.se == pytest.approx(math.sqrt(0.8**2 + 0.6**2 / 3))
    assert runs.flagged(0.5) and not runs.flagged(1.2) and not runs.flagged(1.5)
    single = scoring.runs_combine([70.0], [None])
    assert (single.se, single.spread, single.flagged(0.0)) == (0.0, 0.0, False)  # one run: nothing to flag


# --- efficiency ----------------------------------------------------------------------------------------

P = A(0.6, 0.02)


def test_cost_reference_is_the_geometric_mean_of_what_is_known():
    ref = scoring.cost_reference(
        [{"size": 8e9, "speed": None}, {"size": 32e9, "speed": 10.0}, {"size": None}]
    )
    assert ref == {"size": pytest.approx(16e9), "speed": pytest.approx(10.0)}


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (16e9, 0.6),  # as costly as the round's typical team: its performance
        (8e9, 0.6 * 2**0.25),  # half the size: about 19% more
        (32e9, 0.6 * 0.5**0.25),  # twice the size: about 16% less
        (16e9 / 1000, 1.0),  # capped at 1
    ],
)
def test_efficiency_moves_with_cost_by_the_quarter_power(size, expected):
    got = scoring.efficiency(P, {"size": size}, {"size": 16e9})
    assert got.value == pytest.approx(expected)


def test_efficiency_averages_the_measures_with_data_and_needs_a_size():
    reference = {"size": 16e9, "energy": 500.0, "speed": 20.0}
    both = scoring.efficiency(P, {"size": 16e9, "energy": 250.0, "speed": None}, reference)
    assert both.value == pytest.approx((0.6 + 0.6 * 2**0.25) / 2)  # speed unmeasured: left out
    assert scoring.efficiency(P, {"size": None, "energy": 250.0}, reference) is None
    assert scoring.efficiency(None, {"size": 16e9}, reference) is None
    # the uncertainty follows the performance's, scaled like the value, zero where capped
    assert both.se == pytest.approx(0.02 * (1 + 2**0.25) / 2)
    assert scoring.efficiency(A(0.9, 0.02), {"size": 1e6}, {"size": 16e9}).se == 0.0


def test_smaller_models_with_the_same_performance_are_more_efficient():
    sizes = [4e9, 8e9, 16e9, 64e9, 512e9]
    reference = scoring.cost_reference([{"size": s} for s in sizes])
    values = [scoring.efficiency(P, {"size": s}, reference).value for s in sizes]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
