"""The computed scorecard as plain data: for `manage.py scorecard --format json` and the staff API."""

from __future__ import annotations

from evaluation.selectors import RoundScorecard


def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def scorecard_dict(built: RoundScorecard) -> dict:
    card = built.card
    return {
        "round": {
            "slug": built.round.slug,
            "name": built.round.name,
            "stage": built.round.stage,
            "advance_count": built.round.advance_count,
            "published": built.round.is_published,
        },
        "weights": card.weights,
        "official_weights": built.official_weights,
        "what_if": built.what_if,
        "line": _num(card.line),
        "blocks": [
            {
                "key": b.key,
                "name": b.name,
                "kind": b.kind,
                "weight": b.weight,
                "sub_items": [{"key": s.key, "name": s.name, "points": s.points} for s in b.sub_items.all()],
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
                "published": built.entries[t.key].published,
            }
            for t in card.teams
        ],
    }
