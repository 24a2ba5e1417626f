"""Stored red-team runs: the command records one, the methodology page reads the newest."""

from __future__ import annotations

from arena.integrity import redteam
from arena.models import RedTeamRun

# Bumped whenever the defences (tests, thresholds, weights) or the replay change; stored with each run.
DEFENCES_VERSION = "defences-1"


def redteam_run_record(report: redteam.Report) -> RedTeamRun:
    return RedTeamRun.objects.create(
        votes=report.votes,
        seed=report.seed,
        method_version=DEFENCES_VERSION,
        report=redteam.as_dict(report),
    )


def redteam_run_latest() -> RedTeamRun | None:
    return RedTeamRun.objects.first()
