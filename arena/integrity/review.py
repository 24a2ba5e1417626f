"""Vote quality: the anomaly scans (per voter, and per network and time window), the reviewer's
decisions on what they flag, position bias.

Nothing is deleted to exclude it: votes change `inclusion` (and point at the flag that says why), and
every reviewer decision is audit-logged with a reason. Verified panel members are never in the
network tests: they are one person each by identity check, and only their own tests apply to them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from arena.integrity import anomaly, defences, trust
from arena.models import Campaign, ModelEndpoint, NetworkFlag, PanelMember, Vote, VoterFlag
from arena.ratings.tables import OUTCOME
from core import metrics
from core.audit import audit_record

ALPHA = 0.01


def voter_anomaly_scan(*, alpha: float = ALPHA) -> dict[str, int]:
    """Test every voter (defences.voter_tests: the anomaly e-values at e >= 1/alpha, and the
    likelihood test) against ratings fitted on the counted votes; set a flagged voter's counted votes
    to `anomalous_voter` until a reviewer decides, with the test that flagged them on the flag."""
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
    tests = defences.voter_tests(v, a, b, o, len(models), len(voters), counted=counted, alpha_e=alpha)
    hits = np.flatnonzero(tests.flagged)
    decided = set(VoterFlag.objects.exclude(status=VoterFlag.Status.FLAGGED).values_list("voter", flat=True))
    changed = 0
    with transaction.atomic():
        for i in hits:
            voter = voters[i]
            if voter in decided:
                continue  # a reviewer already ruled on this voter
            z = tests.likelihood_z[i]
            VoterFlag.objects.update_or_create(
                voter=voter,
                defaults={
                    "log_evalue": float(tests.log_evalue[i]),
                    "test": VoterFlag.Test.EVALUE
                    if tests.reason[i] == defences.BY_EVALUE
                    else VoterFlag.Test.LIKELIHOOD,
                    "likelihood_z": None if np.isnan(z) else float(z),
                    "favoured_id": models[tests.favoured[i]],
                    "decisive_votes": int(np.sum((v == i) & (o <= 1))),
                },
            )
            changed += Vote.objects.filter(voter=voter, inclusion=Vote.Inclusion.VALID).update(
                inclusion=Vote.Inclusion.ANOMALOUS_VOTER
            )
        metrics.votes_excluded(Vote.Inclusion.ANOMALOUS_VOTER, changed)
    return {"voters": len(voters), "flagged": len(hits), "votes": changed}


def vote_weights_scan() -> dict[str, int]:
    """Weigh the counted votes (defences.vote_weights): each by its voter's trust (panel highest,
    then established voters, then new accounts), and set aside heavy-underdog wins from new accounts
    (`upset`, never a panel vote). Re-run hourly: a voter's trust grows with their history, and a vote
    the filter set aside counts again if the ratings no longer make it an upset."""
    rows = list(
        Vote.objects.filter(inclusion__in=[Vote.Inclusion.VALID, Vote.Inclusion.UPSET])
        .order_by("id")
        .values_list("id", "voter", "battle__model_a_id", "battle__model_b_id", "choice", "created_at")
    )
    if not rows:
        return {"votes": 0, "upsets": 0}
    campaign = Campaign.objects.active()
    panel = (
        set(PanelMember.objects.filter(campaign=campaign).values_list("voter", flat=True))
        if campaign
        else set()
    )
    voters = sorted({r[1] for r in rows})
    models = sorted({r[2] for r in rows} | {r[3] for r in rows})
    v_index = {x: i for i, x in enumerate(voters)}
    m_index = {x: i for i, x in enumerate(models)}
    v = np.array([v_index[r[1]] for r in rows])
    a = np.array([m_index[r[2]] for r in rows])
    b = np.array([m_index[r[3]] for r in rows])
    o = np.array([OUTCOME[r[4]] for r in rows])
    if len(models) < 2:
        return {"votes": 0, "upsets": 0}
    days = np.array([r[5].date().toordinal() for r in rows])
    voter_days = np.unique(np.stack([v, days], axis=1), axis=0)
    active_days = np.bincount(voter_days[:, 0], minlength=len(voters))
    voter_trust = trust.voter_trust(
        [x in panel for x in voters], np.bincount(v, minlength=len(voters)), active_days
    )
    weights = defences.vote_weights(v, a, b, o, len(models), voter_trust)
    levels = [Vote.Trust(trust.LEVELS[k]) for k in range(len(trust.LEVELS))]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for (vote_id, *_rest), upset_, level in zip(rows, weights.upset, weights.level, strict=True):
        inclusion = Vote.Inclusion.UPSET if upset_ else Vote.Inclusion.VALID
        groups[(inclusion, levels[level], float(voter_trust.weight[v_index[_rest[0]]]))].append(vote_id)
    with transaction.atomic():
        for (inclusion, level, weight), ids in groups.items():
            for start in range(0, len(ids), 5000):
                Vote.objects.filter(
                    pk__in=ids[start : start + 5000],
                    inclusion__in=[Vote.Inclusion.VALID, Vote.Inclusion.UPSET],
                ).update(inclusion=inclusion, trust=level, weight=weight)
    return {"votes": len(rows), "upsets": int(weights.upset.sum())}


def network_burst_scan(*, alpha: float | None = None) -> dict[str, int]:
    """The anomaly test per network and time window: group the counted votes of first-time voters
    (voters whose first vote falls in the window) by network and window, and test each group of at
    least ARENA_BURST_MIN_VOTERS voters as if it were one voter (anomaly.groups_test: the favouritism
    e-value against ratings fitted on the votes in no such group, so neither one big burst nor a
    brigade spread over many networks can hide behind them). A group whose e-value reaches 1/alpha
    is flagged (NetworkFlag, with the reason in words) and its votes set to `network_burst`.
    Windows: ARENA_BURST_WINDOW_SECONDS, the whole day and the week, the week also shifted by half a
    week (the wider first): a campaign of fresh accounts spread over a week from a few networks is one
    group however it falls on the calendar (see arena/integrity/redteam.py)."""
    alpha = alpha or settings.ARENA_NETWORK_ALPHA
    campaign = Campaign.objects.active()
    panel = (
        set(PanelMember.objects.filter(campaign=campaign).values_list("voter", flat=True))
        if campaign
        else set()
    )
    rows = list(
        # Votes a reviewer restored after an earlier flag stay restored.
        Vote.objects.filter(inclusion=Vote.Inclusion.VALID)
        .exclude(flag__status=NetworkFlag.Status.CLEARED)
        .values_list(
            "id", "voter", "network", "created_at", "battle__model_a_id", "battle__model_b_id", "choice"
        )
    )
    if not rows:
        return {"groups": 0, "flagged": 0, "votes": 0}
    first_vote = dict(Vote.objects.values_list("voter").annotate(first=Min("created_at")).order_by())
    models = sorted({r[4] for r in rows} | {r[5] for r in rows})
    m_index = {m: i for i, m in enumerate(models)}
    a = np.array([m_index[r[4]] for r in rows])
    b = np.array([m_index[r[5]] for r in rows])
    o = np.array([OUTCOME[r[6]] for r in rows])
    # (network, window length, window start in seconds) -> the rows of first-time voters in it. The week
    # is also cut on a grid shifted by half a week, so a campaign cannot hide by straddling its edge.
    groups: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    week = 7 * 86400
    grids = sorted({(settings.ARENA_BURST_WINDOW_SECONDS, 0), (86400, 0), (week, 0), (week, week // 2)})
    for window, shift in grids:
        for i, (_, voter, network, created_at, *_rest) in enumerate(rows):
            if not network or network == "unknown" or voter in panel:
                continue
            slot = int((created_at.timestamp() + shift) // window)
            if int((first_vote[voter].timestamp() + shift) // window) == slot:
                groups[(network, window, slot * window - shift)].append(i)
    stats = {"groups": 0, "flagged": 0, "votes": 0}
    decided = set(
        NetworkFlag.objects.exclude(status=NetworkFlag.Status.FLAGGED).values_list(
            "network", "window_start", "window_seconds"
        )
    )
    already: set[int] = set()
    candidates = [
        (key, members)
        for key, members in sorted(groups.items(), key=lambda g: (-g[0][1], -len(g[1])))
        if len({rows[i][1] for i in members}) >= settings.ARENA_BURST_MIN_VOTERS
    ]
    for window in sorted({key[1] for key, _ in candidates}, reverse=True):
        of_window = [(key, members) for key, members in candidates if key[1] == window]
        tests = anomaly.groups_test(a, b, o, [np.array(m) for _, m in of_window], len(models))
        for ((network, _window, start), members), test in zip(of_window, tests, strict=True):
            stats["groups"] += 1
            if all(rows[i][0] in already for i in members) or test.log_evalue < math.log(1 / alpha):
                continue  # not a burst, or already set aside as part of a wider window
            window_start = dt.datetime.fromtimestamp(start, tz=dt.UTC)
            if (network, window_start, window) in decided:
                continue
            vote_ids = [rows[i][0] for i in members if rows[i][0] not in already]
            stats["votes"] += _burst_flag(
                network=network,
                window_start=window_start,
                window=window,
                voters=len({rows[i][1] for i in members}),
                favoured=models[test.favoured],
                backed=sum(
                    1
                    for i in members
                    if (o[i] == 0 and rows[i][4] == models[test.favoured])
                    or (o[i] == 1 and rows[i][5] == models[test.favoured])
                ),
                test=test,
                alpha=alpha,
                vote_ids=vote_ids,
            )
            already.update(vote_ids)
            stats["flagged"] += 1
    return stats


def _burst_flag(*, network, window_start, window, voters, favoured, backed, test, alpha, vote_ids) -> int:
    """Store the flag with its reason in words and set the group's counted votes aside."""
    model = ModelEndpoint.objects.select_related("team").get(pk=favoured)
    reason = (
        f"같은 네트워크에서 처음 투표한 {voters}명이 {window // 60}분 구간 안에 투표했고, "
        f"승패가 갈린 {test.decisive}표 가운데 {backed}표가 같은 모델({model.name}, {model.team.name})을 "
        f"지지했습니다. 다른 투표로 맞춘 순위에서 이럴 e-value는 {math.exp(min(test.log_evalue, 700)):.3g}입니다 "
        f"(기준 {1 / alpha:.0f} 이상)."
    )
    with transaction.atomic():
        flag, _created = NetworkFlag.objects.update_or_create(
            network=network,
            window_start=window_start,
            window_seconds=window,
            defaults={
                "favoured_id": favoured,
                "voters": voters,
                "decisive_votes": test.decisive,
                "log_evalue": test.log_evalue,
                "reason": reason,
            },
        )
        excluded = Vote.objects.filter(pk__in=vote_ids, inclusion=Vote.Inclusion.VALID).update(
            inclusion=Vote.Inclusion.NETWORK_BURST, flag=flag
        )
        metrics.votes_excluded(Vote.Inclusion.NETWORK_BURST, excluded)
        return excluded


@transaction.atomic
def network_flag_clear(*, flag: NetworkFlag, reviewer, reason: str) -> int:
    """Overrule the network test: the group's votes count again (unless something else excludes them)."""
    changed = Vote.objects.filter(flag=flag, inclusion=Vote.Inclusion.NETWORK_BURST).update(
        inclusion=Vote.Inclusion.VALID
    )
    flag.status, flag.review_reason, flag.reviewed_by, flag.reviewed_at = (
        NetworkFlag.Status.CLEARED,
        reason,
        reviewer,
        timezone.now(),
    )
    flag.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=reviewer,
        action="network_flag_clear",
        target=f"network {flag.network[:12]}",
        reason=reason,
        votes=changed,
    )
    return changed


@transaction.atomic
def network_flag_exclude(*, flag: NetworkFlag, reviewer, reason: str) -> int:
    """Confirm it: the votes stay out (`network_burst`), and the decision is recorded."""
    changed = Vote.objects.filter(flag=flag).count()
    flag.status, flag.review_reason, flag.reviewed_by, flag.reviewed_at = (
        NetworkFlag.Status.EXCLUDED,
        reason,
        reviewer,
        timezone.now(),
    )
    flag.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=reviewer,
        action="network_flag_exclude",
        target=f"network {flag.network[:12]}",
        reason=reason,
        votes=changed,
    )
    return changed


@transaction.atomic
def voter_exclude(*, flag: VoterFlag, reviewer, reason: str) -> int:
    """Confirm the exclusion: every counted or flagged vote of the voter becomes `staff_excluded`."""
    changed = Vote.objects.filter(
        voter=flag.voter, inclusion__in=[Vote.Inclusion.VALID, Vote.Inclusion.ANOMALOUS_VOTER]
    ).update(inclusion=Vote.Inclusion.STAFF_EXCLUDED)
    metrics.votes_excluded(Vote.Inclusion.STAFF_EXCLUDED, changed)
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
