"""Reads of stage evaluation: the evidence of a round gathered into scoring inputs, and expert statistics."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Avg, Count, Prefetch

from arena import energy
from arena.models import Attestation, LeaderboardSnapshot, Turn, Vote
from arena.ratings.snapshots import snapshot_latest
from arena.ratings.tables import panel_voters
from evaluation import agreement, scoring
from evaluation.models import (
    RUBRIC,
    BenchmarkResult,
    Block,
    ExpertScore,
    GateDecision,
    OriginalityRecord,
    Round,
    RoundTeam,
)

STABILITY_DRAWS = 2000


@dataclass(frozen=True)
class BenchmarkRuns:
    """One benchmark of one team: its runs (a rerun is another run with the same settings), the figure
    they make, and whether their spread is beyond the tolerance."""

    benchmark: str
    version: str
    runs: list[BenchmarkResult]
    combined: scoring.Runs
    flagged: bool

    @property
    def first(self) -> BenchmarkResult:
        return self.runs[0]

    @property
    def missing_reproducibility(self) -> list[str]:
        return self.runs[0].missing_reproducibility


@dataclass(frozen=True)
class Serving:
    """What the efficiency block reads for one model version: the attested sizes (arena
    Attestation), the energy EcoLogits estimates from them, and the arena's measured speed."""

    attestation: Attestation | None
    estimate: energy.EnergyEstimate | None  # per million output tokens
    tokens_per_s: float | None  # mean over the arena turns that measured it
    measured_turns: int

    def costs(self) -> dict[str, float | None]:
        att = self.attestation
        size = (att.params_active or att.params_total) if att else None
        return {
            "size": float(size) if size else None,
            "energy": self.estimate.wh_per_million if self.estimate else None,
            "speed": 1000.0 / self.tokens_per_s if self.tokens_per_s else None,
        }


@dataclass(frozen=True)
class UserBoard:
    """Which arena board fed the user block, and what it rests on."""

    snapshot: LeaderboardSnapshot | None
    is_panel: bool
    panel_members: int  # verified panel members whose counted votes are in the panel board
    panel_votes: int  # votes counted in the panel board
    uncovered: list[str] = field(default_factory=list)  # teams the panel board lacks (fallback used)

    @property
    def label(self) -> str | None:
        return self.snapshot.get_view_display() if self.snapshot else None


@dataclass(frozen=True)
class Evidence:
    """Where each block's number came from, for the page (what a reviewer checks)."""

    benchmarks: dict[str, list[BenchmarkRuns]]  # sub-item key -> benchmarks
    missing_sub_items: list[str]
    expert_reviews: int
    rating: dict | None  # the leaderboard row used for the user block
    rating_view: str | None
    serving: Serving | None = None

    @property
    def flagged(self) -> list[BenchmarkRuns]:
        return [b for runs in self.benchmarks.values() for b in runs if b.flagged]

    @property
    def without_reproducibility(self) -> list[BenchmarkRuns]:
        return [b for runs in self.benchmarks.values() for b in runs if b.missing_reproducibility]


@dataclass(frozen=True)
class RoundScorecard:
    round: Round
    blocks: list[Block]
    entries: dict[str, RoundTeam]  # team key -> entry
    evidence: dict[str, Evidence]
    card: scoring.Scorecard
    official_weights: dict[str, float]
    what_if: bool
    user_board: UserBoard | None = None
    tolerance: float = 0.5

    def block_label(self, key: str) -> str:
        return next((b.label for b in self.blocks if b.key == key), key)


def round_entries(round_obj: Round) -> list[RoundTeam]:
    return list(
        round_obj.entries.select_related("team", "endpoint", "endpoint__attestation").prefetch_related(
            Prefetch("benchmarks", queryset=BenchmarkResult.objects.select_related("sub_item"))
        )
    )


def originality_entries(round_obj: Round) -> list[RoundTeam]:
    """The round's entries with their originality records (and who checked them), their gate
    decisions (newest first) with the records each cites, and the arena attestation."""
    return list(
        round_obj.entries.select_related("team", "endpoint", "endpoint__attestation").prefetch_related(
            Prefetch("originality_records", queryset=OriginalityRecord.objects.select_related("checked_by")),
            Prefetch(
                "gate_decisions",
                queryset=GateDecision.objects.select_related("decided_by").prefetch_related("cites"),
            ),
        )
    )


def user_board(entries: list[RoundTeam]) -> UserBoard:
    """The verified panel's board when it covers every model of the round, else the overall board,
    saying which teams the panel lacks."""
    panel = snapshot_latest(LeaderboardSnapshot.View.PANEL)
    rated = {r["endpoint_id"] for r in panel.rows} if panel else set()
    uncovered = sorted(e.team.name for e in entries if e.endpoint_id not in rated)
    members = votes = 0
    if panel:
        votes = panel.votes_counted
        members = (
            Vote.objects.filter(
                inclusion=Vote.Inclusion.VALID,
                id__lte=panel.method.get("last_vote_id", 0),
                voter__in=panel_voters(),
            )
            .values("voter")
            .distinct()
            .count()
        )
    if panel and not uncovered:
        return UserBoard(panel, True, members, votes)
    return UserBoard(snapshot_latest(LeaderboardSnapshot.View.OVERALL), False, members, votes, uncovered)


def user_rating_view(entries: list[RoundTeam]) -> LeaderboardSnapshot | None:
    return user_board(entries).snapshot


def serving_figures(entries: list[RoundTeam]) -> dict[int, Serving]:
    """Per endpoint of the round: attestation, energy estimate and the arena's mean tokens per second
    (one grouped query per side of the battle)."""
    ids = [e.endpoint_id for e in entries]
    speed: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for side in ("a", "b"):
        rows = (
            Turn.objects.filter(
                **{f"battle__model_{side}_id__in": ids, f"tokens_per_s_{side}__isnull": False}
            )
            .filter(**{f"error_{side}": ""})
            .values(f"battle__model_{side}_id")
            .annotate(mean=Avg(f"tokens_per_s_{side}"), n=Count("id"))
        )
        for row in rows:
            speed[row[f"battle__model_{side}_id"]].append((row["mean"], row["n"]))
    figures = {}
    for entry in entries:
        att = getattr(entry.endpoint, "attestation", None)
        estimate = (
            energy.estimate(
                params_active=att.params_active, params_total=att.params_total, output_tokens=1_000_000
            )
            if att
            else None
        )
        parts = speed.get(entry.endpoint_id, [])
        n = sum(count for _, count in parts)
        mean = sum(m * count for m, count in parts) / n if n else None
        figures[entry.endpoint_id] = Serving(att, estimate, mean, n)
    return figures


def expert_scores(round_obj: Round) -> list[ExpertScore]:
    """Every submitted expert score for a model of the round: the expert block and the expert
    statistics read the same list (a page that shows both queries once)."""
    return list(
        ExpertScore.objects.filter(
            endpoint_id__in=round_obj.entries.values("endpoint_id"), assignment__submitted_at__isnull=False
        ).select_related("assignment")
    )


def benchmark_runs(entry: RoundTeam, tolerance: float) -> dict[str, list[BenchmarkRuns]]:
    grouped: dict[tuple, list[BenchmarkResult]] = defaultdict(list)
    for result in sorted(entry.benchmarks.all(), key=lambda r: r.run_number):
        grouped[(result.sub_item.key, result.benchmark, result.version)].append(result)
    by_sub: dict[str, list[BenchmarkRuns]] = defaultdict(list)
    for (sub_key, benchmark, version), runs in grouped.items():
        combined = scoring.runs_combine([r.score for r in runs], [r.stderr for r in runs])
        by_sub[sub_key].append(BenchmarkRuns(benchmark, version, runs, combined, combined.flagged(tolerance)))
    return dict(by_sub)


def scorecard_build(
    round_obj: Round,
    *,
    weights: dict[str, float] | None = None,
    draws: int = STABILITY_DRAWS,
    scores: list[ExpertScore] | None = None,
) -> RoundScorecard:
    blocks = list(round_obj.blocks.prefetch_related("sub_items"))
    official = {b.key: b.weight for b in blocks}
    tolerance = settings.BENCHMARK_RERUN_TOLERANCE
    entries = round_entries(round_obj)
    board = user_board(entries) if any(b.kind == Block.Kind.USER for b in blocks) else None
    snapshot = board.snapshot if board else None
    rows = {r["endpoint_id"]: r for r in (snapshot.rows if snapshot else [])}
    rated = [rows[e.endpoint_id]["rating"] for e in entries if e.endpoint_id in rows]
    reference = float(np.mean(rated)) if rated else 0.0
    reviews: dict[int, list[float]] = defaultdict(list)  # endpoint id -> each review's rubric mean
    for score in expert_scores(round_obj) if scores is None else scores:
        reviews[score.endpoint_id].append(score.mean())
    serving = serving_figures(entries) if any(b.kind == Block.Kind.EFFICIENCY for b in blocks) else {}
    cost_reference = scoring.cost_reference([s.costs() for s in serving.values()])
    performance_block = next((b.key for b in blocks if b.kind == Block.Kind.BENCHMARK), None)

    inputs, evidence = [], {}
    for entry in entries:
        key = str(entry.team_id)
        by_sub = benchmark_runs(entry, tolerance)
        achievements: dict[str, scoring.Achievement | None] = {}
        missing_subs = []
        for block in blocks:
            if block.kind == Block.Kind.BENCHMARK:
                parts = []
                for sub in block.sub_items.all():
                    results = [
                        scoring.benchmark_result(b.combined.score, b.first.target_score, b.combined.se)
                        for b in by_sub.get(sub.key, [])
                    ]
                    if not results:
                        missing_subs.append(sub.label)
                    parts.append((sub.points, scoring.mean_of(results)))
                achievements[block.key] = scoring.weighted(parts)
            elif block.kind == Block.Kind.EXPERT:
                achievements[block.key] = scoring.expert_reviews(reviews.get(entry.endpoint_id, []))
            elif block.kind == Block.Kind.USER:
                row = rows.get(entry.endpoint_id)
                achievements[block.key] = (
                    scoring.user_rating(row["rating"], row["ci_low"], row["ci_high"], reference)
                    if row
                    else None
                )
        for block in blocks:  # after the others: efficiency reads the benchmark block's achievement
            if block.kind == Block.Kind.EFFICIENCY:
                achievements[block.key] = scoring.efficiency(
                    achievements.get(performance_block) if performance_block else None,
                    serving[entry.endpoint_id].costs(),
                    cost_reference,
                )
        inputs.append(
            scoring.TeamInput(key=key, name=entry.team.name, gate=entry.gate, achievements=achievements)
        )
        evidence[key] = Evidence(
            benchmarks=by_sub,
            missing_sub_items=missing_subs,
            expert_reviews=len(reviews.get(entry.endpoint_id, [])),
            rating=rows.get(entry.endpoint_id),
            rating_view=snapshot.get_view_display() if snapshot else None,
            serving=serving.get(entry.endpoint_id),
        )
    used = {k: float(v) for k, v in (weights or official).items() if k in official}
    card = scoring.compute(inputs, used, round_obj.advance_count, draws=draws)
    return RoundScorecard(
        round=round_obj,
        blocks=blocks,
        entries={str(e.team_id): e for e in entries},
        evidence=evidence,
        card=card,
        official_weights=official,
        what_if=weights is not None and used != official,
        user_board=board,
        tolerance=tolerance,
    )


@dataclass(frozen=True)
class ExpertModelStats:
    entry: RoundTeam
    reviews: int
    means: dict[str, float]  # rubric criterion -> mean
    overall: float | None
    interval: tuple[float, float] | None


def expert_stats(
    round_obj: Round, scores: list[ExpertScore] | None = None
) -> tuple[list[ExpertModelStats], float | None, int]:
    """Per model of the round: rubric means and a 95% interval of the overall mean; and the experts'
    agreement (Krippendorff's alpha, interval level, over every battle side and criterion scored by
    two or more experts) with the number of such units."""
    entries = round_obj.entries.select_related("team", "endpoint")
    scores = expert_scores(round_obj) if scores is None else scores
    stats = []
    for entry in entries:
        mine = [s for s in scores if s.endpoint_id == entry.endpoint_id]
        means = {c: float(np.mean([getattr(s, c) for s in mine])) for c in RUBRIC} if mine else {}
        overall, interval = None, None
        if mine:
            per_review = np.array([s.mean() for s in mine])
            overall = float(per_review.mean())
            half = (
                scoring.Z95 * per_review.std(ddof=1) / math.sqrt(len(mine)) if len(mine) > 1 else float("nan")
            )
            interval = (overall - half, overall + half) if not math.isnan(half) else None
        stats.append(
            ExpertModelStats(entry=entry, reviews=len(mine), means=means, overall=overall, interval=interval)
        )
    # units: (battle, side, criterion); coders: experts
    experts = sorted({s.assignment.expert_id for s in scores})
    units = sorted({(s.assignment.battle_id, s.side, c) for s in scores for c in RUBRIC}, key=str)
    col = {u: i for i, u in enumerate(units)}
    row = {e: i for i, e in enumerate(experts)}
    matrix = np.full((len(experts), len(units)), np.nan)
    for s in scores:
        for c in RUBRIC:
            matrix[row[s.assignment.expert_id], col[(s.assignment.battle_id, s.side, c)]] = getattr(s, c)
    shared = int(((~np.isnan(matrix)).sum(axis=0) >= 2).sum()) if units else 0
    return stats, (agreement.alpha(matrix, "interval") if shared else None), shared
