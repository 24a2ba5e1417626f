"""A citizen's own board: the models they have met, ranked by their own votes, beside the public board.

With a handful of votes a Bradley-Terry fit says little, so the personal board is each model's record
in this citizen's votes (ties and "both bad" as half a win, as in the public fit) and their order by it.
The public board's order is restricted to the same models, so the two orders compare like for like.
Votes the citizen withdrew are left out; votes kept but not counted publicly (too fast, ...) count
here: this board is theirs.
"""

from __future__ import annotations

from django.db.models import Q

from arena.models import LeaderboardSnapshot, Vote
from arena.ratings.records import model_records
from arena.ratings.snapshots import snapshot_latest


def personal_board(voter: str | None) -> dict:
    if voter is None:
        return {"rows": [], "votes": 0}
    votes = (
        Vote.objects.filter(voter=voter)
        .filter(~Q(inclusion=Vote.Inclusion.DELETED_BY_CITIZEN))
        .select_related("battle__model_a__team", "battle__model_b__team")
    )
    votes = list(votes)
    count = len(votes)
    rows = model_records(votes)
    _positions(rows, key=lambda r: r["share"], field="mine")

    snapshot = snapshot_latest(LeaderboardSnapshot.View.OVERALL)
    public = {r["endpoint_id"]: r for r in (snapshot.rows if snapshot else [])}
    rated = [r for r in rows if r["endpoint_id"] in public]
    for row in rows:
        row["public_rating"] = public[row["endpoint_id"]]["rating"] if row["endpoint_id"] in public else None
    _positions(
        sorted(rated, key=lambda r: -r["public_rating"]), key=lambda r: r["public_rating"], field="public"
    )
    for row in rows:
        row.setdefault("public", None)
        row["shift"] = row["public"] - row["mine"] if row["public"] is not None else None
    differs = max((r for r in rows if r["shift"]), key=lambda r: abs(r["shift"]), default=None)
    agree = sum(1 for r in rated if r["shift"] == 0)
    return {
        "rows": rows,
        "votes": count,
        "snapshot": snapshot,
        "differs": differs,
        "agree": agree,
        "rated": len(rated),
    }


def _positions(rows: list[dict], *, key, field: str) -> None:
    """1-based positions, equal values sharing one (1, 2, 2, 4)."""
    previous, position = None, 0
    for index, row in enumerate(rows, start=1):
        value = key(row)
        if value != previous:
            position, previous = index, value
        row[field] = position
