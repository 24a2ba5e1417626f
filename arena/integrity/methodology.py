"""What /methodology/ publishes about how sure the board is: the ties fits, the A/A tests and the
last red-team run. Reads only (the figures were stored by the snapshot and the redteam command)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from arena.integrity import likelihood, trust, upset
from arena.integrity.redteam_runs import redteam_run_latest
from arena.models import AATest, LeaderboardSnapshot, RedTeamRun
from arena.ratings.snapshots import snapshot_latest


def ties_figures() -> dict | None:
    """Both fits' mean absolute error against the observed win matrix on the current overall board."""
    snapshot = snapshot_latest(LeaderboardSnapshot.View.OVERALL)
    if snapshot is None or "ties_error" not in snapshot.method:
        return None
    error = snapshot.method["ties_error"]
    return {
        "bradley_terry": error["bradley_terry"],
        "rao_kupper": error["rao_kupper"],
        "pairs": error["pairs"],
        "tie_share": snapshot.method.get("tie_share"),
        "eta": snapshot.method.get("rao_kupper_eta"),
        "used": snapshot.method.get("ties_model", "bradley_terry"),
        "setting": settings.LEADERBOARD_TIES_MODEL,
        "when": snapshot.created_at,
        "votes": snapshot.votes_counted,
    }


@dataclass(frozen=True)
class AAFigure:
    test: AATest
    first: dict | None  # the original name's row on the overall board
    second: dict | None  # the twin's row
    overlap: bool | None  # None until both names are on the board

    @property
    def pairs(self) -> list[tuple[str, dict | None]]:
        return [(self.test.endpoint.name, self.first), (self.test.twin.name, self.second)]


def aa_figures() -> list[AAFigure]:
    snapshot = snapshot_latest(LeaderboardSnapshot.View.OVERALL)
    rows = {r["endpoint_id"]: r for r in (snapshot.rows if snapshot else [])}
    figures = []
    for test in AATest.objects.select_related("endpoint__team", "twin"):
        first, second = rows.get(test.endpoint_id), rows.get(test.twin_id)
        overlap = None
        if first and second:
            overlap = first["ci_low"] <= second["ci_high"] and second["ci_low"] <= first["ci_high"]
        figures.append(AAFigure(test, first, second, overlap))
    return figures


def redteam_latest() -> RedTeamRun | None:
    return redteam_run_latest()


def defence_settings() -> dict:
    return {
        "sampler": settings.ARENA_SAMPLER,
        "floor_pct": round(100 * settings.ARENA_ACTIVE_FLOOR_SHARE),
        "target": settings.ARENA_ACTIVE_TARGET_HALF_WIDTH,
        "cut": settings.LEADERBOARD_CUT_LINE,
        "trust_panel": trust.PANEL,
        "trust_established": trust.ESTABLISHED,
        "trust_new": trust.NEW,
        "established_votes": trust.ESTABLISHED_VOTES,
        "established_days": trust.ESTABLISHED_DAYS,
        "upset_pct": round(100 * upset.THRESHOLD),
        "likelihood_alpha": likelihood.ALPHA,
        "likelihood_min_votes": likelihood.MIN_VOTES,
    }
