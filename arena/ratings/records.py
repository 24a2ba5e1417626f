"""Each model's record in a set of votes: wins, ties, losses and its win share (ties and "both bad" as
half a win, as in the public fit). For boards too small for a Bradley-Terry fit to say anything: a
citizen's own votes (personal.py), a classroom session's (arena/panel/sessions.py)."""

from __future__ import annotations

from collections.abc import Iterable

from arena.models import Vote

_HALF = (Vote.Choice.TIE, Vote.Choice.BOTH_BAD)


def model_records(votes: Iterable[Vote]) -> list[dict]:
    """One row per model met in `votes` (battles with both models and their teams selected): endpoint
    id, model, team, demo flag, wins, ties, losses, games and share, best share first (then more games,
    then name)."""
    table: dict[int, dict] = {}
    for vote in votes:
        for side, endpoint in (("a", vote.battle.model_a), ("b", vote.battle.model_b)):
            row = table.setdefault(
                endpoint.pk,
                {
                    "endpoint_id": endpoint.pk,
                    "model": endpoint.name,
                    "team": endpoint.team.name,
                    "is_demo": endpoint.team.is_demo,
                    "wins": 0,
                    "ties": 0,
                    "losses": 0,
                },
            )
            outcome = "wins" if vote.choice == side else "ties" if vote.choice in _HALF else "losses"
            row[outcome] += 1
    rows = list(table.values())
    for row in rows:
        row["games"] = row["wins"] + row["ties"] + row["losses"]
        row["share"] = (row["wins"] + row["ties"] / 2) / row["games"]
    rows.sort(key=lambda r: (-r["share"], -r["games"], r["model"]))
    return rows
