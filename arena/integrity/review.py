"""Vote quality: the anomaly scan, the reviewer's decisions on flagged voters, position bias.

Nothing is deleted to exclude it: votes change `inclusion`, and every reviewer decision is
audit-logged with a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from arena.integrity import anomaly
from arena.models import ModelEndpoint, Vote, VoterFlag
from arena.ratings import bradley_terry as ratings
from arena.ratings.snapshots import OUTCOME
from core.audit import audit_record

ALPHA = 0.01


def voter_anomaly_scan(*, alpha: float = ALPHA) -> dict[str, int]:
    """Test every voter against ratings fitted on the counted votes; flag those at e >= 1/alpha and
    set their counted votes to `anomalous_voter` until a reviewer decides."""
    rows = list(
        Vote.objects.filter(inclusion__in=[Vote.Inclusion.VALID, Vote.Inclusion.ANOMALOUS_VOTER]).values_list(
            "voter", "battle__model_a_id", "battle__model_b_id", "choice", "inclusion"
        )
    )
    if not rows:
        return {"voters": 0, "flagged": 0, "votes": 0}
    voters = sorted({r[0] for r in rows})
    models = sorted({r[1] for r in rows} | {r[2] for r in rows})
    v_index = {x: i for i, x in enumerate(voters)}
    m_index = {x: i for i, x in enumerate(models)}
    v = np.array([v_index[r[0]] for r in rows])
    a = np.array([m_index[r[1]] for r in rows])
    b = np.array([m_index[r[2]] for r in rows])
    o = np.array([OUTCOME[r[3]] for r in rows])
    counted = np.array([r[4] == Vote.Inclusion.VALID for r in rows])
    if len(models) < 2 or not counted.any():
        return {"voters": len(voters), "flagged": 0, "votes": 0}
    fit = ratings.fit_bradley_terry(a[counted], b[counted], o[counted], len(models), interval="sandwich")
    theta = (fit.rating - ratings.BASE) / ratings.SCALE
    scores = anomaly.voter_scores(v, a, b, o, theta, len(voters))
    hits = np.flatnonzero(anomaly.flagged(scores, alpha))
    decided = set(VoterFlag.objects.exclude(status=VoterFlag.Status.FLAGGED).values_list("voter", flat=True))
    changed = 0
    with transaction.atomic():
        for i in hits:
            voter = voters[i]
            if voter in decided:
                continue  # a reviewer already ruled on this voter
            VoterFlag.objects.update_or_create(
                voter=voter,
                defaults={
                    "log_evalue": float(scores.log_evalue[i]),
                    "favoured_id": models[scores.favoured[i]],
                    "decisive_votes": int(scores.decisive[i]),
                },
            )
            changed += Vote.objects.filter(voter=voter, inclusion=Vote.Inclusion.VALID).update(
                inclusion=Vote.Inclusion.ANOMALOUS_VOTER
            )
    return {"voters": len(voters), "flagged": len(hits), "votes": changed}


@transaction.atomic
def voter_exclude(*, flag: VoterFlag, reviewer, reason: str) -> int:
    """Confirm the exclusion: every counted or flagged vote of the voter becomes `staff_excluded`."""
    changed = Vote.objects.filter(
        voter=flag.voter, inclusion__in=[Vote.Inclusion.VALID, Vote.Inclusion.ANOMALOUS_VOTER]
    ).update(inclusion=Vote.Inclusion.STAFF_EXCLUDED)
    _decide(flag, VoterFlag.Status.EXCLUDED, reviewer, reason)
    audit_record(
        actor=reviewer,
        action="voter_exclude",
        target=f"voter {flag.voter[:16]}",
        reason=reason,
        votes=changed,
    )
    return changed


@transaction.atomic
def voter_clear(*, flag: VoterFlag, reviewer, reason: str) -> int:
    """Overrule the test: the voter's flagged votes count again."""
    changed = Vote.objects.filter(voter=flag.voter, inclusion=Vote.Inclusion.ANOMALOUS_VOTER).update(
        inclusion=Vote.Inclusion.VALID
    )
    _decide(flag, VoterFlag.Status.CLEARED, reviewer, reason)
    audit_record(
        actor=reviewer, action="voter_clear", target=f"voter {flag.voter[:16]}", reason=reason, votes=changed
    )
    return changed


def _decide(flag: VoterFlag, status: str, reviewer, reason: str) -> None:
    flag.status, flag.reason, flag.reviewed_by, flag.reviewed_at = status, reason, reviewer, timezone.now()
    flag.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "updated_at"])


@dataclass(frozen=True)
class PositionBias:
    decisive: int
    a_share: float | None
    low: float | None
    high: float | None


def position_bias() -> PositionBias:
    """Share of decisive counted votes that went to the left answer (A), with a 95% interval."""
    counts = dict(
        Vote.objects.filter(inclusion=Vote.Inclusion.VALID, choice__in=["a", "b"])
        .values_list("choice")
        .annotate(n=Count("id"))
        .order_by()
    )
    n = counts.get("a", 0) + counts.get("b", 0)
    if not n:
        return PositionBias(0, None, None, None)
    share = counts.get("a", 0) / n
    half = 1.96 * math.sqrt(share * (1 - share) / n)
    return PositionBias(n, share, max(0.0, share - half), min(1.0, share + half))


def endpoint_names() -> dict[int, str]:
    return {e.pk: f"{e.name} ({e.team.name})" for e in ModelEndpoint.objects.select_related("team")}
