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
from arena.ratings import listing, method, rank_spread, rao_kupper
from arena.ratings.register import facts_from_database, version_register
from arena.ratings.register import rules as listing_rules
from arena.ratings.tables import STYLE_FIELDS, VIEWS, BattleTable, View, table_from_database


def board_compute(
    table: BattleTable,
    labels: Mapping[int, Mapping],
    *,
    seed: int,
    rounds: int,
    rules: listing.ListingRules,
    facts: Mapping[int, listing.VersionFacts],
    method_version: str,
    ties_model: str = "bradley_terry",
) -> dict:
    """Fit and lay out one board: rows per model (with the listing rule's fields, arena/ratings/
    listing.py), matrices and the method, as JSON-ready values."""
    n = len(table.model_ids)
    method = {
        "version": method_version,
        "model": "Bradley-Terry MLE",
        "ties": "half a win each",
        "seed": seed,
        "bootstrap_rounds": rounds,
        "min_votes": rules.min_votes,
        "provisional_votes": rules.provisional_votes,
        "provisional_fresh_votes": rules.fresh_votes,
        "variant_cap": rules.variant_cap,
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
    # Ties: Rao-Kupper beside Bradley-Terry on the same votes; the setting says which one the board
    # shows, and both fits' win-matrix error is published either way.
    rk = rao_kupper.fit_rao_kupper(
        table.a,
        table.b,
        table.outcome,
        n,
        counts=table.counts,
        weights=table.weights,
        bootstrap_rounds=rounds if ties_model == "rao_kupper" and style is None else 0,
        seed=seed,
    )
    error = rao_kupper.win_matrix_error(
        fit.win_rate, (fit.rating - ratings.BASE) / ratings.SCALE, rk.theta, rk.eta
    )
    shown_by = "rao_kupper" if ties_model == "rao_kupper" and style is None else "bradley_terry"
    rating, ci_low, ci_high = (
        (rk.rating, rk.ci_low, rk.ci_high)
        if shown_by == "rao_kupper"
        else (fit.rating, fit.ci_low, fit.ci_high)
    )
    listings = [
        listing.listing(int(fit.games[i]), facts.get(m), rules) for i, m in enumerate(table.model_ids)
    ]
    listed = np.array([entry.listed for entry in listings], dtype=bool)
    # Spreads and tiers count only the listed models: an unlisted model's wide interval must not push
    # others down, and it has no rank until the listing rule is met.
    best, worst, tier = (np.zeros(n, dtype=int) for _ in range(3))
    if listed.any():
        spread = rank_spread.rank_spread(rating[listed], ci_low[listed], ci_high[listed])
        best[listed], worst[listed], tier[listed] = spread.best, spread.worst, spread.tier
    win_share = fit.win_share
    rows = []
    for i, model_id in enumerate(table.model_ids):
        rows.append(
            {
                "endpoint_id": model_id,
                **labels.get(model_id, {"model": f"#{model_id}", "team": "", "is_demo": False}),
                "rating": round(float(rating[i]), 2),
                "ci_low": round(float(ci_low[i]), 2),
                "ci_high": round(float(ci_high[i]), 2),
                "rank_best": int(best[i]) if listed[i] else None,
                "rank_worst": int(worst[i]) if listed[i] else None,
                "tier": int(tier[i]) if listed[i] else None,
                "rank_ub": int(best[i]) if listed[i] else None,  # = rank_best; kept for older readers
                "votes": int(fit.games[i]),
                "win_rate": None if np.isnan(win_share[i]) else round(float(win_share[i]), 4),
                "evidence_thin": bool(fit.prior_bound[i]),
                **listings[i].row_fields(),
            }
        )
    rows.sort(key=lambda r: (not r["listed"], r["tier"] or 0, -r["rating"]))
    method |= {
        "interval": fit.interval,
        "ridge": fit.ridge,
        "prior_sd_logits": ratings.PRIOR_SD if fit.ridge else None,
        "ties_model": shown_by,
        "ties_error": {
            "bradley_terry": round(error.bradley_terry, 4) if error.pairs else None,
            "rao_kupper": round(error.rao_kupper, 4) if error.pairs else None,
            "pairs": error.pairs,
        },
        "rao_kupper_eta": round(rk.eta, 4),
        "tie_share": round(rk.tie_share, 4),
        "weights": "pair weight (active sampling) x voter trust (x raking weight on the raked board)",
    }
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
            "model_ids": [int(m) for m in table.model_ids],
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
    views: Iterable[str] = tuple(VIEWS),
    *,
    seed: int | None = None,
    rounds: int | None = None,
    register: list[dict] | None = None,
) -> list[LeaderboardSnapshot]:
    """Compute and store one snapshot per view from the valid votes now in the database, under the
    current method version (written to the changelog first when the method changed)."""
    seed = settings.LEADERBOARD_SEED if seed is None else seed
    rounds = settings.LEADERBOARD_BOOTSTRAP_ROUNDS if rounds is None else rounds
    version = method.method_version_current().version
    up_to = Vote.objects.aggregate(m=Max("id"))["m"] or 0
    tables = {view: table_from_database(view, up_to_vote=up_to) for view in views}
    overall = tables.get(View.OVERALL) or table_from_database(View.OVERALL, up_to_vote=up_to)
    register = version_register() if register is None else register
    facts = facts_from_database(register, overall)
    rules = listing_rules()
    snapshots = []
    for view, table in tables.items():
        board = board_compute(
            table,
            labels_for(table.model_ids),
            seed=seed,
            rounds=rounds,
            rules=rules,
            facts=facts,
            method_version=version,
            ties_model=settings.LEADERBOARD_TIES_MODEL,
        )
        snapshots.append(
            LeaderboardSnapshot(
                view=view,
                votes_counted=board["votes_counted"],
                votes_excluded=table.excluded,
                seed=seed,
                bootstrap_rounds=rounds,
                min_votes=rules.min_votes,
                rows=board["rows"],
                matrices=board["matrices"],
                method=board["method"] | {"last_vote_id": up_to},
                method_version=version,
            )
        )
    with transaction.atomic():
        for snapshot in snapshots:
            snapshot.save()
    return snapshots


def snapshot_latest(view: str) -> LeaderboardSnapshot | None:
    return LeaderboardSnapshot.objects.filter(view=view).first()
