"""The computed scorecard as plain data: for `manage.py scorecard --format json` and the staff API."""

from __future__ import annotations

from evaluation import scoring
from evaluation.selectors import RoundScorecard


def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _serving(built: RoundScorecard, key: str) -> dict | None:
    serving = built.evidence[key].serving
    if serving is None:
        return None
    att = serving.attestation
    return {
        "params_active": att.params_active if att else None,
        "params_total": att.params_total if att else None,
        "wh_per_million_tokens": _num(serving.estimate.wh_per_million) if serving.estimate else None,
        "energy_class": serving.estimate.energy_class if serving.estimate else None,
        "tokens_per_s": _num(serving.tokens_per_s),
        "measured_turns": serving.measured_turns,
    }


def _user_board(built: RoundScorecard) -> dict | None:
    board = built.user_board
    if board is None:
        return None
    return {
        "view": board.snapshot.view if board.snapshot else None,
        "is_panel": board.is_panel,
        "panel_members": board.panel_members,
        "panel_votes": board.panel_votes,
        "votes_counted": board.snapshot.votes_counted if board.snapshot else None,
        "uncovered": board.uncovered,
    }


def scorecard_dict(built: RoundScorecard) -> dict:
    card = built.card
    return {
        "round": {
            "slug": built.round.slug,
            "name": built.round.name,
            "stage": built.round.stage,
            "advance_count": built.round.advance_count,
            "published": built.round.is_published,
            "gate_policy": built.round.gate_policy,
            "method_version": built.round.method_version,
        },
        "method_version": scoring.METHOD_VERSION,
        "rerun_tolerance": built.tolerance,
        "user_board": _user_board(built),
        "weights": card.weights,
        "official_weights": built.official_weights,
        "what_if": built.what_if,
        "line": _num(card.line),
        "blocks": [
            {
                "key": b.key,
                "name": b.name,
                "name_en": b.name_en,
                "kind": b.kind,
                "weight": b.weight,
                "sub_items": [
                    {"key": s.key, "name": s.name, "name_en": s.name_en, "points": s.points}
                    for s in b.sub_items.all()
                ],
            }
            for b in built.blocks
        ],
        "teams": [
            {
                "team": t.name,
                "model": built.entries[t.key].endpoint.name,
                "gate": t.gate,
                "status": t.status,
                "rank": t.rank,
                "total": _num(t.total),
                "stability": _num(t.stability),
                "points": {k: _num(v) for k, v in t.points.items()},
                "intervals": {
                    k: None if v is None else [_num(v[0]), _num(v[1])] for k, v in t.intervals.items()
                },
                "missing": t.missing,
                "missing_benchmark_sub_items": built.evidence[t.key].missing_sub_items,
                "expert_reviews": built.evidence[t.key].expert_reviews,
                "user_rating_view": built.evidence[t.key].rating_view,
                "derivatives": built.entries[t.key].derivatives,
                "benchmarks_flagged": [b.benchmark for b in built.evidence[t.key].flagged],
                "benchmarks_without_reproducibility": [
                    b.benchmark for b in built.evidence[t.key].without_reproducibility
                ],
                "serving": _serving(built, t.key),
                "published": built.entries[t.key].published,
            }
            for t in card.teams
        ],
    }
