"""Leaderboard snapshots: a battle table in, one stored board per view out.

`snapshot_recompute` builds each view's table from the database and `leaderboard_from_export` from a
published export, through the same builder (arena/ratings/tables.py); both then call `board_compute`,
so anyone holding the export and the seed gets the published numbers exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from arena.models import LeaderboardSnapshot, ModelEndpoint, Vote
from arena.ratings import bradley_terry as ratings
from arena.ratings.tables import STYLE_FIELDS, VIEWS, BattleTable, table_from_database


def board_compute(
    table: BattleTable, labels: Mapping[int, Mapping], *, seed: int, rounds: int, min_votes: int
) -> dict:
    """Fit and lay out one board: rows per model, matrices and the method, as JSON-ready values."""
    n = len(table.model_ids)
    method = {
        "model": "Bradley-Terry MLE",
        "ties": "half a win each",
        "seed": seed,
        "bootstrap_rounds": rounds,
    }
    if n < 2:
        return {
            "rows": [],
            "matrices": {"models": [], "win_rate": [], "battle_count": []},
            "method": method,
            "votes_counted": int(table.counts.sum()),
        }
    style = None
    if table.style is not None:
        style, mean, sd = ratings.style_features(*(table.style[:, k, :] for k in range(4)))
    fit = ratings.fit_bradley_terry(
        table.a,
        table.b,
        table.outcome,
        n,
        counts=table.counts,
        weights=table.weights,
        style=style,
        bootstrap_rounds=rounds,
        seed=seed,
    )
    listed = fit.games >= min_votes
    # Ranks count only the listed models: an unlisted model's wide interval must not push others down.
    rank_ub = np.zeros(n, dtype=int)
    if listed.any():
        sub_low, sub_high = fit.ci_low[listed], fit.ci_high[listed]
        rank_ub[listed] = ratings.rank_upper_bounds(sub_low, sub_high)
    win_share = fit.win_share
    rows = []
    for i, model_id in enumerate(table.model_ids):
        rows.append(
            {
                "endpoint_id": model_id,
                **labels.get(model_id, {"model": f"#{model_id}", "team": "", "is_demo": False}),
                "rating": round(float(fit.rating[i]), 2),
                "ci_low": round(float(fit.ci_low[i]), 2),
                "ci_high": round(float(fit.ci_high[i]), 2),
                "rank_ub": int(rank_ub[i]) if listed[i] else None,
                "votes": int(fit.games[i]),
                "win_rate": None if np.isnan(win_share[i]) else round(float(win_share[i]), 4),
                "listed": bool(listed[i]),
            }
        )
    rows.sort(key=lambda r: (not r["listed"], r["rank_ub"] or 0, -r["rating"]))
    method |= {"interval": fit.interval, "ridge": fit.ridge}
    if fit.style_coef is not None:
        method |= {
            "style_features": list(STYLE_FIELDS),
            "style_coef": [round(float(x), 4) for x in fit.style_coef],
            "style_mean": [round(float(x), 6) for x in mean],
            "style_sd": [round(float(x), 6) for x in sd],
        }
    return {
        "rows": rows,
        "matrices": {
            "models": [labels.get(m, {}).get("model", f"#{m}") for m in table.model_ids],
            "win_rate": [[None if np.isnan(x) else round(float(x), 4) for x in row] for row in fit.win_rate],
            "battle_count": [[int(x) for x in row] for row in fit.battle_count],
        },
        "method": method,
        "votes_counted": int(table.counts.sum()),
    }


def labels_for(model_ids: Iterable[int]) -> dict[int, dict]:
    return {
        e.pk: {"model": e.name, "team": e.team.name, "is_demo": e.team.is_demo}
        for e in ModelEndpoint.objects.filter(pk__in=list(model_ids)).select_related("team")
    }


def snapshot_recompute(
    views: Iterable[str] = tuple(VIEWS), *, seed: int | None = None, rounds: int | None = None
) -> list[LeaderboardSnapshot]:
    """Compute and store one snapshot per view from the valid votes now in the database."""
    seed = settings.LEADERBOARD_SEED if seed is None else seed
    rounds = settings.LEADERBOARD_BOOTSTRAP_ROUNDS if rounds is None else rounds
    up_to = Vote.objects.aggregate(m=Max("id"))["m"] or 0
    snapshots = []
    for view in views:
        table = table_from_database(view, up_to_vote=up_to)
        board = board_compute(
            table,
            labels_for(table.model_ids),
            seed=seed,
            rounds=rounds,
            min_votes=settings.LEADERBOARD_MIN_VOTES,
        )
        snapshots.append(
            LeaderboardSnapshot(
                view=view,
                votes_counted=board["votes_counted"],
                votes_excluded=table.excluded,
                seed=seed,
                bootstrap_rounds=rounds,
                min_votes=settings.LEADERBOARD_MIN_VOTES,
                rows=board["rows"],
                matrices=board["matrices"],
                method=board["method"] | {"last_vote_id": up_to},
            )
        )
    with transaction.atomic():
        for snapshot in snapshots:
            snapshot.save()
    return snapshots


def snapshot_latest(view: str) -> LeaderboardSnapshot | None:
    return LeaderboardSnapshot.objects.filter(view=view).first()
