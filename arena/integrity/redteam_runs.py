"""Stored red-team runs: the command records one, the methodology page reads the newest."""

from __future__ import annotations

from arena.integrity import redteam
from arena.models import RedTeamRun
from arena.ratings import method

# Bumped whenever the replay itself (the synthetic log, the attacks) changes; the defences are part of
# the method, whose changelog version is stored with each run beside this one.
REPLAY_VERSION = "replay-1"


def redteam_run_record(report: redteam.Report) -> RedTeamRun:
    return RedTeamRun.objects.create(
        votes=report.votes,
        seed=report.seed,
        method_version=method.method_version_current().version,
        report=redteam.as_dict(report) | {"replay_version": REPLAY_VERSION},
    )


def redteam_run_latest() -> RedTeamRun | None:
    return RedTeamRun.objects.first()
