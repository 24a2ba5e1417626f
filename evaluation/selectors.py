"""Reads of stage evaluation: the evidence of a round gathered into scoring inputs, and expert statistics."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Prefetch

from arena.models import LeaderboardSnapshot
from arena.ratings.snapshots import snapshot_latest
from evaluation import agreement, scoring
from evaluation.models import RUBRIC, BenchmarkResult, Block, ExpertScore, Round, RoundTeam

STABILITY_DRAWS = 2000


@dataclass(frozen=True)
class Evidence:
    """Where each block's number came from, for the page (what a reviewer checks)."""

    benchmarks: dict[str, list[BenchmarkResult]]  # sub-item key -> results
    missing_sub_items: list[str]
    expert_reviews: int
    rating: dict | None  # the leaderboard row used for the user block
    rating_view: str | None


@dataclass(frozen=True)
class RoundScorecard:
    round: Round
    blocks: list[Block]
    entries: dict[str, RoundTeam]  # team key -> entry
    evidence: dict[str, Evidence]
    card: scoring.Scorecard
    official_weights: dict[str, float]
    what_if: bool


def round_entries(round_obj: Round) -> list[RoundTeam]:
    return list(
        round_obj.entries.select_related("team", "endpoint").prefetch_related(
            Prefetch("benchmarks", queryset=BenchmarkResult.objects.select_related("sub_item"))
        )
    )


def user_rating_view(entries: list[RoundTeam]) -> LeaderboardSnapshot | None:
    """The verified panel's board when it covers every model of the round, else the overall board."""
    panel = snapshot_latest(LeaderboardSnapshot.View.PANEL)
    ids = {e.endpoint_id for e in entries}
    if panel and ids <= {r["endpoint_id"] for r in panel.rows}:
        return panel
    return snapshot_latest(LeaderboardSnapshot.View.OVERALL)


def expert_scores(round_obj: Round) -> list[ExpertScore]:
    """Every submitted expert score for a model of the round: the expert block and the expert
    statistics read the same list (a page that shows both queries once)."""
    return list(
        ExpertScore.objects.filter(
            endpoint_id__in=round_obj.entries.values("endpoint_id"), assignment__submitted_at__isnull=False
        ).select_related("assignment")
    )


def scorecard_build(
    round_obj: Round,
    *,
    weights: dict[str, float] | None = None,
    draws: int = STABILITY_DRAWS,
    scores: list[ExpertScore] | None = None,
) -> RoundScorecard:
    blocks = list(round_obj.blocks.prefetch_related("sub_items"))
    official = {b.key: b.weight for b in blocks}
    entries = round_entries(round_obj)
    snapshot = user_rating_view(entries)
    rows = {r["endpoint_id"]: r for r in (snapshot.rows if snapshot else [])}
    rated = [rows[e.endpoint_id]["rating"] for e in entries if e.endpoint_id in rows]
    reference = float(np.mean(rated)) if rated else 0.0
    reviews: dict[int, list[float]] = defaultdict(list)  # endpoint id -> each review's rubric mean
    for score in expert_scores(round_obj) if scores is None else scores:
        reviews[score.endpoint_id].append(score.mean())

    inputs, evidence = [], {}
    for entry in entries:
        key = str(entry.team_id)
        by_sub: dict[str, list[BenchmarkResult]] = defaultdict(list)
        for result in entry.benchmarks.all():
            by_sub[result.sub_item.key].append(result)
        achievements: dict[str, scoring.Achievement | None] = {}
        missing_subs = []
        for block in blocks:
            if block.kind == Block.Kind.BENCHMARK:
                parts = []
                for sub in block.sub_items.all():
                    results = [
                        scoring.benchmark_result(r.score, r.target_score, r.stderr) for r in by_sub[sub.key]
                    ]
                    if not results:
                        missing_subs.append(sub.name)
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
        inputs.append(
            scoring.TeamInput(key=key, name=entry.team.name, gate=entry.gate, achievements=achievements)
        )
        evidence[key] = Evidence(
            benchmarks=dict(by_sub),
            missing_sub_items=missing_subs,
            expert_reviews=len(reviews.get(entry.endpoint_id, [])),
            rating=rows.get(entry.endpoint_id),
            rating_view=snapshot.get_view_display() if snapshot else None,
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
