"""Leaderboard snapshots: votes in, one stored board per view out.

Two doors lead to the same computation: `snapshot_recompute` reads the database (aggregating in SQL,
so a million votes arrive as a few thousand rows), and `tables_from_records` reads a published export.
Both build a `BattleTable` in one canonical order and call `board_compute`, so anyone holding the
export and the seed gets the published numbers exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from arena.models import Campaign, LeaderboardSnapshot, ModelEndpoint, PanelMember, Vote, VoterProfile
from arena.ratings import bradley_terry as ratings
from arena.ratings import raking

View = LeaderboardSnapshot.View
OUTCOME = {"a": ratings.A_WON, "b": ratings.B_WON, "tie": ratings.TIE, "both_bad": ratings.BOTH_BAD}


def panel_voters():
    return PanelMember.objects.filter(campaign=Campaign.objects.active()).values("voter")


@dataclass(frozen=True)
class ViewSpec:
    vote_filter: Callable[[], Q]  # for the database, built when the view is computed
    accepts: Callable[[Mapping], bool]  # the same filter for an exported record
    style: bool = False
    raked: bool = False  # weight each vote by its voter's raking weight (see raking.py)


VIEWS: dict[str, ViewSpec] = {
    View.OVERALL: ViewSpec(Q, lambda r: True),
    View.KOREAN: ViewSpec(lambda: Q(battle__language="ko"), lambda r: r["language"] == "ko"),
    View.OTHER_LANGUAGE: ViewSpec(lambda: Q(battle__language="other"), lambda r: r["language"] == "other"),
    View.MULTI_TURN: ViewSpec(lambda: Q(battle__turn_count__gte=2), lambda r: r["turn_count"] >= 2),
    View.STYLE_CONTROLLED: ViewSpec(Q, lambda r: True, style=True),
    View.PANEL: ViewSpec(lambda: Q(voter__in=panel_voters()), lambda r: r["panel"]),
    View.PUBLIC: ViewSpec(lambda: ~Q(voter__in=panel_voters()), lambda r: not r["panel"]),
    View.PUBLIC_RAKED: ViewSpec(
        lambda: ~Q(voter__in=panel_voters()),
        lambda r: not r["panel"] and r.get("raking_weight") is not None,
        raked=True,
    ),
}
STYLE_FIELDS = ("chars", "headers", "lists", "bold")


@dataclass(frozen=True)
class BattleTable:
    """Valid votes of one view as arrays over models indexed by position in `model_ids`."""

    model_ids: list[int]
    a: np.ndarray
    b: np.ndarray
    outcome: np.ndarray
    counts: np.ndarray
    style: np.ndarray | None = None  # (rows, 4, 2) style counts when the view controls for style
    weights: np.ndarray | None = None  # per row, for the post-stratified view
    excluded: dict[str, int] = field(default_factory=dict)
    last_vote_id: int = 0


def _canonical(model_ids, a_ids, b_ids, choices, counts, style=None, weights=None, **extra) -> BattleTable:
    """Index models by sorted id and sort aggregated rows by (a, b, outcome): one order for both doors."""
    index = {model_id: i for i, model_id in enumerate(model_ids)}
    a = np.array([index[x] for x in a_ids], dtype=np.int64)
    b = np.array([index[x] for x in b_ids], dtype=np.int64)
    o = np.array([OUTCOME[c] for c in choices], dtype=np.int64)
    n = np.asarray(counts, dtype=np.int64)
    if weights is not None:
        return BattleTable(model_ids, a, b, o, n, None, np.asarray(weights, dtype=float), **extra)
    if style is None:
        order = np.lexsort((o, b, a))
        return BattleTable(model_ids, a[order], b[order], o[order], n[order], None, **extra)
    return BattleTable(model_ids, a, b, o, n, np.asarray(style, dtype=float), **extra)


def table_from_database(view: str, *, up_to_vote: int) -> BattleTable:
    """One view's votes with id <= up_to_vote, aggregated in SQL (a single GROUP BY for the plain
    views; the style view needs rows)."""
    spec = VIEWS[view]
    votes = Vote.objects.filter(spec.vote_filter(), pk__lte=up_to_vote)
    pair = ("battle__model_a_id", "battle__model_b_id", "choice")
    if spec.raked:
        return _raked_table(votes, up_to_vote)
    if spec.style:
        excluded = dict(
            votes.exclude(inclusion=Vote.Inclusion.VALID)
            .values_list("inclusion")
            .annotate(n=Count("id"))
            .order_by()
        )
        columns = [*pair, *(f"battle__{name}_{side}" for name in STYLE_FIELDS for side in "ab")]
        # A million rows: straight from the cursor into arrays, skipping the ORM's per-row work.
        valid = votes.filter(inclusion=Vote.Inclusion.VALID).order_by("id").values_list(*columns)
        sql, params = valid.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            data = np.array(cursor.fetchall(), dtype=object).reshape(-1, len(columns))
        a_ids, b_ids, choices = data[:, 0].tolist(), data[:, 1].tolist(), data[:, 2].tolist()
        return _canonical(
            sorted(set(a_ids) | set(b_ids)), a_ids, b_ids, choices, np.ones(len(data)),
            style=data[:, 3:].astype(float).reshape(-1, 4, 2), excluded=excluded, last_vote_id=up_to_vote,
        )  # fmt: skip
    grouped = list(votes.values_list(*pair, "inclusion").annotate(n=Count("id")).order_by())
    excluded: Counter[str] = Counter()
    for *_, inclusion, n in grouped:
        if inclusion != Vote.Inclusion.VALID:
            excluded[inclusion] += n
    valid = [r for r in grouped if r[3] == Vote.Inclusion.VALID]
    return _canonical(
        sorted({r[0] for r in valid} | {r[1] for r in valid}),
        [r[0] for r in valid], [r[1] for r in valid], [r[2] for r in valid], [r[4] for r in valid],
        excluded=dict(excluded), last_vote_id=up_to_vote,
    )  # fmt: skip


def _raked_table(votes, up_to_vote: int) -> BattleTable:
    """Public votes from voters who answered the optional profile, each weighted by its voter's
    raking weight towards the panel's target margins. Rows, in vote order."""
    weights = raking_weights()
    excluded = dict(
        votes.exclude(inclusion=Vote.Inclusion.VALID)
        .values_list("inclusion")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [
        r
        for r in votes.filter(inclusion=Vote.Inclusion.VALID)
        .order_by("id")
        .values_list("battle__model_a_id", "battle__model_b_id", "choice", "voter")
        if r[3] in weights
    ]
    return _canonical(
        sorted({r[0] for r in rows} | {r[1] for r in rows}),
        [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], np.ones(len(rows)),
        weights=np.array([weights[r[3]] for r in rows]), excluded=excluded, last_vote_id=up_to_vote,
    )  # fmt: skip


def raking_weights() -> dict[str, float]:
    """Per open-public voter with a profile: the weight that matches the panel's target margins."""
    campaign = Campaign.objects.active()
    members = set(panel_voters().values_list("voter", flat=True))
    profiles = [p for p in VoterProfile.objects.order_by("voter") if p.voter not in members]
    if campaign is None or not profiles:
        return {}
    categories = {dim: [getattr(p, dim) for p in profiles] for dim in campaign.margins}
    weights = raking.rake(categories, campaign.margins)
    return {p.voter: float(w) for p, w in zip(profiles, weights, strict=True)}


def tables_from_records(records: Iterable[Mapping], view: str) -> BattleTable:
    """The same table from exported vote records (see export.py for the fields)."""
    spec = VIEWS[view]
    excluded: Counter[str] = Counter()
    grouped: Counter[tuple[int, int, str]] = Counter()
    style_rows: list[tuple[int, int, int, str, np.ndarray]] = []
    raked_rows: list[tuple[int, int, int, str, float]] = []
    last = 0
    for record in records:
        if not spec.accepts(record):
            continue
        if record["inclusion"] != Vote.Inclusion.VALID:
            excluded[record["inclusion"]] += 1
            continue
        last = max(last, record["vote_id"])
        a, b = record["model_a"]["id"], record["model_b"]["id"]
        if spec.raked:
            raked_rows.append((record["vote_id"], a, b, record["choice"], record["raking_weight"]))
        elif spec.style:
            style = np.array([[record["style"][f"{name}_{side}"] for side in "ab"] for name in STYLE_FIELDS])
            style_rows.append((record["vote_id"], a, b, record["choice"], style))
        else:
            grouped[(a, b, record["choice"])] += 1
    if spec.raked:
        raked_rows.sort(key=lambda r: r[0])
        return _canonical(
            sorted({r[1] for r in raked_rows} | {r[2] for r in raked_rows}),
            [r[1] for r in raked_rows], [r[2] for r in raked_rows], [r[3] for r in raked_rows],
            np.ones(len(raked_rows)), weights=np.array([r[4] for r in raked_rows]),
            excluded=dict(excluded), last_vote_id=last,
        )  # fmt: skip
    if spec.style:
        style_rows.sort(key=lambda r: r[0])
        model_ids = sorted({r[1] for r in style_rows} | {r[2] for r in style_rows})
        return _canonical(
            model_ids,
            [r[1] for r in style_rows],
            [r[2] for r in style_rows],
            [r[3] for r in style_rows],
            [1] * len(style_rows),
            style=[r[4] for r in style_rows],
            excluded=dict(excluded),
            last_vote_id=last,
        )
    keys = list(grouped)
    model_ids = sorted({k[0] for k in keys} | {k[1] for k in keys})
    return _canonical(
        model_ids,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [grouped[k] for k in keys],
        excluded=dict(excluded),
        last_vote_id=last,
    )


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
        rank_ub[listed] = 1 + (sub_low[None, :] > sub_high[:, None]).sum(axis=1)
    win_share = _decisive_win_share(table, n)
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


def _decisive_win_share(table: BattleTable, n: int) -> np.ndarray:
    """Per model: wins over decisive battles (ties and both-bad left out); NaN with none."""
    a, b, o, c = table.a, table.b, table.outcome, table.counts
    decisive = o <= ratings.B_WON
    wins = np.bincount(a[o == ratings.A_WON], c[o == ratings.A_WON], n) + np.bincount(
        b[o == ratings.B_WON], c[o == ratings.B_WON], n
    )
    played = np.bincount(a[decisive], c[decisive], n) + np.bincount(b[decisive], c[decisive], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(played > 0, wins / played, np.nan)


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


def snapshot_is_stale(max_age: dt.timedelta) -> bool:
    newest = LeaderboardSnapshot.objects.first()
    return newest is None or timezone.now() - newest.created_at > max_age
