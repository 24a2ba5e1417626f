"""One board as a dated CSV: what a journalist or a ministry analyst downloads to work with.

The file name carries the board, the snapshot date and the licence (as compar:IA names its ranking
file); every row carries the method version, the snapshot time and the licence too, so a row pasted
elsewhere still says where it came from. Written through core/spreadsheet.py (BOM for Korean Excel,
formula cells defused).
"""

from __future__ import annotations

from typing import TextIO

from arena.models import LeaderboardSnapshot
from core import spreadsheet

LICENCE_SHORT = "KOGL-Type1"
LICENCE = "공공누리 제1유형 (KOGL Type 1: attribution; commercial use and changes allowed)"
FIELDS = [
    *("rank_best", "rank_worst", "tier", "model", "team", "rating", "ci95_low", "ci95_high"),
    *("votes", "win_rate", "listed", "evidence_thin", "rank_upper_bound"),
    *("provisional", "retired", "retired_on", "retirement_reason"),
    *("board", "snapshot_at", "votes_counted", "bootstrap_rounds", "seed", "method_version", "licence"),
]


def ranking_filename(snapshot: LeaderboardSnapshot) -> str:
    return f"k-ai-ranking_{snapshot.view}_{snapshot.created_at:%Y-%m-%d}_{LICENCE_SHORT}.csv"


def ranking_csv_write(handle: TextIO, snapshot: LeaderboardSnapshot) -> int:
    """Write the board; returns the number of model rows."""
    out = spreadsheet.dict_writer(handle, FIELDS)
    out.writeheader()
    # The changelog version the board was computed with (/methodology/changes/).
    version = snapshot.method_version or snapshot.method.get("version", "")
    for row in snapshot.rows:
        out.writerow(
            {
                # Older snapshots carry only the upper bound; it is the best rank.
                "rank_best": (row.get("rank_best") or row["rank_ub"]) if row["listed"] else "",
                "rank_worst": (row.get("rank_worst") or "") if row["listed"] else "",
                "tier": (row.get("tier") or "") if row["listed"] else "",
                "rank_upper_bound": row["rank_ub"] if row["listed"] else "",
                "evidence_thin": "yes" if row.get("evidence_thin") else "no",
                "model": row["model"],
                "team": row["team"],
                "rating": row["rating"],
                "ci95_low": row["ci_low"],
                "ci95_high": row["ci_high"],
                "votes": row["votes"],
                "win_rate": "" if row["win_rate"] is None else row["win_rate"],
                "listed": "yes" if row["listed"] else "no",
                "provisional": "yes" if row.get("provisional") else "no",
                "retired": "yes" if row.get("retired") else "no",
                "retired_on": row.get("retired_on") or "",
                "retirement_reason": row.get("retirement_reason") or "",
                "board": snapshot.view,
                "snapshot_at": snapshot.created_at.isoformat(),
                "votes_counted": snapshot.votes_counted,
                "bootstrap_rounds": snapshot.bootstrap_rounds,
                "seed": snapshot.seed,
                "method_version": version,
                "licence": LICENCE,
            }
        )
    return len(snapshot.rows)
