"""Voter trust: how much each vote counts in the fit. Pure numpy.

Three levels, highest first:
- a verified panel member (국민평가단, one person by identity check): PANEL;
- an established voter: at least ESTABLISHED_VOTES counted votes, on at least ESTABLISHED_DAYS
  different days: ESTABLISHED;
- anyone else (a new account, or one that has only ever voted in one sitting): NEW.

A new account costs nothing to make, so a rigger who spreads votes over many of them should not get
full weight for each; an honest newcomer's vote still counts, at NEW. The weight is relative: on a
board of established voters only, every vote weighs the same and the ratings do not move. Voters the
anomaly tests flagged are excluded outright (their votes change inclusion), not down-weighted here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PANEL, ESTABLISHED, NEW = 1.0, 0.8, 0.4
ESTABLISHED_VOTES = 10
ESTABLISHED_DAYS = 2
LEVELS = ("panel", "established", "new")  # codes 0, 1, 2


@dataclass(frozen=True)
class Trust:
    weight: np.ndarray  # (n_voters,) weight of each of the voter's counted votes
    level: np.ndarray  # (n_voters,) index into LEVELS


def voter_trust(panel, counted_votes, active_days) -> Trust:
    """Per voter: panel membership, counted votes, and the number of different days they voted on."""
    panel = np.asarray(panel, dtype=bool)
    established = (np.asarray(counted_votes) >= ESTABLISHED_VOTES) & (
        np.asarray(active_days) >= ESTABLISHED_DAYS
    )
    level = np.where(panel, 0, np.where(established, 1, 2))
    return Trust(weight=np.array([PANEL, ESTABLISHED, NEW])[level], level=level)
