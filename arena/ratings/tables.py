"""Battle tables: one view's votes as arrays, ready for the fit.

Two doors lead in, and both end in the same builder, `battle_table`, so anyone holding the open
export and the seed gets the published boards exactly:

- `table_from_database` reads the database, aggregating in SQL where it can (a million plain votes
  arrive as a few thousand grouped rows; the style and post-stratified views need one row per vote);
- `table_from_records` reads the records of a published export (arena/ratings/export.py).

Each door only turns its source into `VoteColumns`; the builder decides what counts (valid votes),
counts what is left out (by inclusion), indexes the models, and puts the rows in one canonical order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Count, F, Q, Sum

from arena.models import Campaign, LeaderboardSnapshot, PanelMember, Vote, VoterProfile
from arena.ratings import bradley_terry, raking

View = LeaderboardSnapshot.View
OUTCOME = {
    "a": bradley_terry.A_WON,
    "b": bradley_terry.B_WON,
    "tie": bradley_terry.TIE,
    "both_bad": bradley_terry.BOTH_BAD,
}
STYLE_FIELDS = ("chars", "headers", "lists", "bold")


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


@dataclass
class VoteColumns:
    """What a door read: one row per vote, or per group of identical votes (`count`). Rows that do
    not count (inclusion other than valid) only add to the excluded counts."""

    model_a: list[int] = field(default_factory=list)
    model_b: list[int] = field(default_factory=list)
    choice: list[str] = field(default_factory=list)
    inclusion: list[str] = field(default_factory=list)
    count: list[int] = field(default_factory=list)
    vote_id: list[int] = field(default_factory=list)  # rows per vote: their order in the table
    style: list[np.ndarray] = field(default_factory=list)  # per row, 4 x 2 flattened, for the style view
    # Per row, the summed fit weight of its votes: pair weight x trust (x raking on the raked view).
    weight: list[float] = field(default_factory=list)

    def add(self, a, b, choice, inclusion, count=1, vote_id=0, style=None, weight=None) -> None:
        self.model_a.append(a)
        self.model_b.append(b)
        self.choice.append(choice)
        self.inclusion.append(inclusion)
        self.count.append(count)
        self.vote_id.append(vote_id)
        self.weight.append(float(count) if weight is None else float(weight))
        if style is not None:
            self.style.append(np.ravel(np.asarray(style, dtype=float)))  # name by name, a then b


def battle_table(columns: VoteColumns, *, per_vote: bool, last_vote_id: int) -> BattleTable:
    """The table both doors build. `per_vote`: keep one row per vote in vote order (the style and
    post-stratified views); otherwise rows are summed per (a, b, outcome) and sorted that way."""
    inclusion = np.asarray(columns.inclusion, dtype=object)
    count = np.asarray(columns.count, dtype=np.int64)
    valid = inclusion == Vote.Inclusion.VALID
    excluded: Counter[str] = Counter()
    for kind, n in zip(inclusion[~valid], count[~valid], strict=True):
        excluded[kind] += int(n)
    a_ids = np.asarray(columns.model_a, dtype=np.int64)[valid]
    b_ids = np.asarray(columns.model_b, dtype=np.int64)[valid]
    o = np.array([OUTCOME[c] for c in np.asarray(columns.choice, dtype=object)[valid]], dtype=np.int64)
    n = count[valid]
    weight_sum = np.asarray(columns.weight, dtype=float)[valid]
    model_ids = sorted(set(a_ids.tolist()) | set(b_ids.tolist()))
    index = np.asarray(model_ids, dtype=np.int64)
    a = np.searchsorted(index, a_ids)
    b = np.searchsorted(index, b_ids)
    extra = {"excluded": dict(excluded), "last_vote_id": last_vote_id}
    if per_vote:
        order = np.argsort(np.asarray(columns.vote_id, dtype=np.int64)[valid], kind="stable")
        style = (
            np.asarray(columns.style, dtype=float)[valid][order].reshape(-1, 4, 2) if columns.style else None
        )
        weights = _weights_or_none(weight_sum[order] / n[order])
        return BattleTable(model_ids, a[order], b[order], o[order], n[order], style, weights, **extra)
    # Sum identical (a, b, outcome) rows: the key sorts as (a, b, outcome) does.
    key = (a * len(model_ids) + b) * 4 + o
    unique, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, weights=n, minlength=len(unique)).astype(np.int64)
    weights = _weights_or_none(np.bincount(inverse, weights=weight_sum, minlength=len(unique)) / summed)
    return BattleTable(
        model_ids,
        unique // 4 // len(model_ids),
        unique // 4 % len(model_ids),
        unique % 4,
        summed,
        weights=weights,
        **extra,
    )


def _weights_or_none(weights: np.ndarray) -> np.ndarray | None:
    """Per-row mean weights, rounded so the database's sums and the export's agree to the last digit;
    None when every vote weighs one (the fit is then the plain one)."""
    weights = np.round(weights, 9)
    return None if np.all(weights == 1.0) else weights


def table_from_database(view: str, *, up_to_vote: int) -> BattleTable:
    """One view's votes with id <= up_to_vote."""
    spec = VIEWS[view]
    votes = Vote.objects.filter(spec.vote_filter(), pk__lte=up_to_vote)
    pair = ("battle__model_a_id", "battle__model_b_id", "choice")
    columns = VoteColumns()
    fit_weight = F("weight") * F("battle__pair_weight")
    if not (spec.style or spec.raked):
        for a, b, choice, inclusion, n, w in (
            votes.values_list(*pair, "inclusion").annotate(n=Count("id"), w=Sum(fit_weight)).order_by()
        ):
            columns.add(a, b, choice, inclusion, n, weight=w)
        return battle_table(columns, per_vote=False, last_vote_id=up_to_vote)
    for inclusion, n in (
        votes.exclude(inclusion=Vote.Inclusion.VALID)
        .values_list("inclusion")
        .annotate(n=Count("id"))
        .order_by()
    ):
        columns.add(
            0,
            0,
            "tie",
            inclusion,
            n,
            style=np.zeros((4, 2)) if spec.style else None,
            weight=0.0 if spec.raked else None,
        )
    valid = votes.filter(inclusion=Vote.Inclusion.VALID).order_by("id")
    if spec.raked:
        weights = raking_weights()
        for vote_id, a, b, choice, voter, trust, pair_weight in valid.values_list(
            "id", *pair, "voter", "weight", "battle__pair_weight"
        ):
            if voter in weights:
                weight = weights[voter] * trust * pair_weight
                columns.add(a, b, choice, Vote.Inclusion.VALID, 1, vote_id, weight=weight)
        return battle_table(columns, per_vote=True, last_vote_id=up_to_vote)
    # A million rows: straight from the cursor, skipping the ORM's per-row work.
    names = [f"battle__{name}_{side}" for name in STYLE_FIELDS for side in "ab"]
    sql, params = valid.values_list(
        "id", *pair, "weight", "battle__pair_weight", *names
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for vote_id, a, b, choice, trust, pair_weight, *style in cursor.fetchall():
            columns.add(
                a, b, choice, Vote.Inclusion.VALID, 1, vote_id, style=style, weight=trust * pair_weight
            )
    return battle_table(columns, per_vote=True, last_vote_id=up_to_vote)


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


def table_from_records(records: Iterable[Mapping], view: str) -> BattleTable:
    """The same table from exported vote records (see export.py for the fields)."""
    spec = VIEWS[view]
    columns = VoteColumns()
    last = 0
    for record in records:
        if not spec.accepts(record):
            continue
        valid = record["inclusion"] == Vote.Inclusion.VALID
        if valid:
            last = max(last, record["vote_id"])
        style = None
        if spec.style:
            style = [[record["style"][f"{name}_{side}"] for side in "ab"] for name in STYLE_FIELDS]
        weight = record.get("trust_weight", 1.0) * record.get("pair_weight", 1.0)
        if spec.raked:
            weight = weight * record["raking_weight"] if valid else 0.0
        columns.add(
            record["model_a"]["id"],
            record["model_b"]["id"],
            record["choice"],
            record["inclusion"],
            1,
            record["vote_id"],
            style=style,
            weight=weight,
        )
    return battle_table(columns, per_vote=spec.style or spec.raked, last_vote_id=last)
