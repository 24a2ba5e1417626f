"""Writes of the arena: endpoints, battles, turns, votes. Each service owns its transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.battles import sampling
from arena.battles.text_features import answer_style, prompt_language
from arena.errors import NO_MODELS_MESSAGE, ArenaError, BattleNotVotable, NoModelsAvailable
from arena.integrity.ledger import ledger_append
from arena.models import (
    Battle,
    CohortMember,
    ModelEndpoint,
    PanelMember,
    Turn,
    Vote,
    VoteReason,
    VoterProfile,
    VoteTag,
)
from arena.panel import services as panel
from arena.panel import sessions
from arena.panel.reasons import ReasonInput, tag_clean, tag_sides
from arena.panel.services import panel_voter
from arena.ratings.bradley_terry import BASE, SCALE
from arena.ratings.snapshots import snapshot_latest
from arena.ratings.tables import View
from arena.ratings.tasks import leaderboard_refresh
from arena.safety import limits
from core import metrics

_rng = secrets.SystemRandom()  # positions and pairs must not be predictable from outside


def sampler_pool() -> tuple[list[ModelEndpoint], list[int], list[float]]:
    """The versions the sampler may draw now, each one's team index, and the team weights (equal: every
    team the same share of battles, however many versions it runs)."""
    endpoints = list(ModelEndpoint.objects.available().select_related("team").order_by("team_id", "pk"))
    team_ids = sorted({e.team_id for e in endpoints})
    index = {team_id: i for i, team_id in enumerate(team_ids)}
    return endpoints, [index[e.team_id] for e in endpoints], team_weights(team_ids)


def team_weights(team_ids: list[int]) -> list[float]:
    """The sampler's target weight of each team: equal. One place, read by the exposure page too."""
    return [1.0] * len(team_ids)


def battle_create(*, voter: str, in_turn: bool = False) -> Battle:
    """Draw two available versions of two different teams and open a battle for this voter: by equal
    team exposure (the reference design), or, with ARENA_SAMPLER = "active", from the active plan,
    storing the weight that brings the pair back to the reference design. `in_turn` opens it with its
    first turn already begun (what `turn_begin` would do next, without a second statement)."""
    endpoints, teams, team_weights = sampler_pool()
    weights = [e.weight for e in endpoints]
    try:
        draw = sampling.draw_team_pair(teams, weights, team_weights, _rng)
    except ValueError:
        raise NoModelsAvailable(NO_MODELS_MESSAGE) from None
    pair_weight = 1.0
    if settings.ARENA_SAMPLER == "active":
        plan = active_plan_current(endpoints, teams, weights, team_weights)
        draw = sampling.draw_from_plan(plan, _rng)
        reference = sampling.version_pair_probability(teams, weights, team_weights, draw.a, draw.b)
        pair_weight = reference / draw.probability
    model_a, model_b = endpoints[draw.a], endpoints[draw.b]
    return Battle.objects.create(
        voter=voter,
        model_a=model_a,
        model_b=model_b,
        model_a_version=model_a.model_id,
        model_b_version=model_b.model_id,
        pair_probability=draw.probability,
        pair_weight=pair_weight,
        in_turn=in_turn,
        turn_started_at=timezone.now() if in_turn else None,
    )


def active_plan_current(endpoints, teams, weights, team_weights) -> sampling.PairPlan:
    """The active plan over the drawable versions, read off the newest overall board: its ratings,
    half-widths, rank spreads and battle counts. A version the board does not know yet counts as
    unmeasured (rating at the mean, interval wider than any target), so it is sampled first."""
    snapshot = snapshot_latest(View.OVERALL)
    rows = {r["endpoint_id"]: r for r in (snapshot.rows if snapshot else [])}
    ids = (snapshot.matrices.get("model_ids", []) if snapshot else []) or []
    position = {m: k for k, m in enumerate(ids)}
    counts = snapshot.matrices.get("battle_count", []) if snapshot else []
    n = len(endpoints)
    theta, half = np.zeros(n), np.full(n, np.inf)
    best, worst = np.ones(n, dtype=int), np.full(n, n)
    games = np.zeros((n, n))
    for k, endpoint in enumerate(endpoints):
        if (row := rows.get(endpoint.pk)) is not None:
            theta[k] = (row["rating"] - BASE) / SCALE
            half[k] = (row["ci_high"] - row["ci_low"]) / 2
            if row.get("rank_best"):
                best[k], worst[k] = row["rank_best"], row["rank_worst"]
    for k, a in enumerate(endpoints):
        for m, b in enumerate(endpoints):
            if a.pk in position and b.pk in position:
                games[k, m] = counts[position[a.pk]][position[b.pk]]
    drawable = np.array(
        [
            [sampling.version_pair_probability(teams, weights, team_weights, i, j) > 0 for j in range(n)]
            for i in range(n)
        ]
    )
    return sampling.active_plan(
        theta,
        games,
        half,
        target=settings.ARENA_ACTIVE_TARGET_HALF_WIDTH,
        cut=settings.LEADERBOARD_CUT_LINE,
        best=best,
        worst=worst,
        allowed=drawable,
        floor_share=settings.ARENA_ACTIVE_FLOOR_SHARE,
    )


@dataclass(frozen=True)
class SideResult:
    text: str
    reasoning: str
    ttft_ms: int | None
    tokens_per_s: float | None
    output_tokens: int | None
    finish_reason: str
    error: str  # "" when the side finished; otherwise "<kind>: <detail>" for staff


def turn_record(
    *,
    battle: Battle,
    index: int,
    prompt: str,
    side_a: SideResult,
    side_b: SideResult,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    identity_leak: bool = False,
    cancelled: bool = False,
) -> Turn:
    """Store a finished turn. A failed side closes the battle to voting; a leaked identity keeps the
    battle votable but marks it, so its vote is stored and left out of the ranking.

    A cancelled turn (the citizen's connection closed mid-answer) is stored as such and only releases
    the battle: it is not counted as a turn, fails no model, and the turns before it stay votable.
    """
    with transaction.atomic():
        turn = Turn.objects.create(
            battle=battle,
            index=index,
            prompt=prompt,
            started_at=started_at,
            finished_at=finished_at,
            cancelled=cancelled,
            **{f"{name}_a": value for name, value in _side_fields(side_a).items()},
            **{f"{name}_b": value for name, value in _side_fields(side_b).items()},
        )
        if cancelled:
            # A name shown in the partial answers was still seen: the vote stays marked.
            release: dict[str, object] = {"in_turn": False}
            if identity_leak:
                release["identity_leak"] = True
            Battle.objects.filter(pk=battle.pk).update(**release)
            return turn
        updates: dict[str, object] = {"in_turn": False, "turn_count": F("turn_count") + 1}
        if index == 0:
            updates["language"] = prompt_language(prompt)
        if identity_leak:
            updates["identity_leak"] = True
        for side, result in (("a", side_a), ("b", side_b)):
            style = answer_style(result.text)
            for name in ("chars", "headers", "lists", "bold"):
                updates[f"{name}_{side}"] = F(f"{name}_{side}") + getattr(style, name)
        if turn.failed:
            updates |= {"status": Battle.Status.FAILED, "failure": (side_a.error or side_b.error)[:200]}
        Battle.objects.filter(pk=battle.pk).update(**updates)
    return turn


def turn_begin(*, battle_id) -> None:
    """Mark a turn as streaming: no vote is taken until both sides of it are stored.

    One conditional UPDATE, so starting a turn and voting exclude each other: the vote holds the row
    lock (SELECT ... FOR UPDATE; SQLite's IMMEDIATE transaction) while it checks `in_turn`, and this
    statement matches only a battle still open and idle once any such lock is released.
    """
    started = Battle.objects.filter(pk=battle_id, status=Battle.Status.OPEN, in_turn=False).update(
        in_turn=True, turn_started_at=timezone.now()
    )
    if not started:
        raise ArenaError(_("이 대결은 끝났습니다. 새 대결을 시작해 주세요."), code="battle_closed")


def battles_stuck_release(*, older_than: dt.timedelta) -> int:
    """Release battles still marked in_turn long after any turn could have ended (the process running
    the turn died before recording it). Their finished turns become votable again."""
    cutoff = timezone.now() - older_than
    return (
        Battle.objects.filter(in_turn=True)
        .filter(Q(turn_started_at__lt=cutoff) | Q(turn_started_at__isnull=True))
        .update(in_turn=False)
    )


def _side_fields(side: SideResult) -> dict[str, object]:
    return {
        "response": side.text,
        "reasoning": side.reasoning,
        "ttft_ms": side.ttft_ms,
        "tokens_per_s": side.tokens_per_s,
        "output_tokens": side.output_tokens,
        "finish_reason": side.finish_reason[:40],
        "error": side.error[:300],
    }


def vote_record(
    *,
    battle_id,
    voter: str,
    choice: str,
    reason: ReasonInput | None = None,
    client: limits.Client | None = None,
    cohort_id: int | None = None,
) -> Vote:
    """Record the one vote of a battle, atomically, and close the battle.

    `cohort_id` is the classroom or 국민평가단 session the voter joined (kept in their browser session):
    the vote carries it when the session is still open.

    `reason` (already cleaned by arena.panel.reasons.reason_clean) is stored beside the vote in the same
    transaction: required of panel members by arena.panel, optional for anyone.

    A second vote on the same battle (double click, replay, another tab) returns the stored vote
    unchanged rather than failing, so the citizen still sees the reveal. Raises BattleNotVotable when
    the battle failed, has no finished turn yet, or belongs to someone else.
    """
    if choice not in Vote.Choice.values:
        raise BattleNotVotable(_("알 수 없는 선택입니다."))
    with transaction.atomic():
        battle = Battle.objects.select_for_update().filter(pk=battle_id, voter=voter).first()
        if battle is None:
            raise BattleNotVotable(_("이 대결을 찾을 수 없습니다."))
        existing = Vote.objects.filter(battle=battle).first()
        if existing is not None:
            return existing
        if battle.in_turn:
            raise BattleNotVotable(_("두 모델의 답변이 끝난 뒤에 투표할 수 있습니다."))
        if battle.status != Battle.Status.OPEN:
            raise BattleNotVotable(
                _("한쪽 모델이 답하지 못해 이 대결은 투표할 수 없습니다. 새 대결을 시작해 주세요.")
            )
        last_turn = battle.turns.filter(cancelled=False).order_by("-index").first()
        if last_turn is None:
            raise BattleNotVotable(_("두 모델의 답변이 끝난 뒤에 투표할 수 있습니다."))
        within = limits.vote_take(voter=voter, client=client, exempt=panel_voter(voter))
        seconds = max(0.0, (timezone.now() - last_turn.finished_at).total_seconds())
        vote = Vote.objects.create(
            battle=battle,
            choice=choice,
            voter=voter,
            inclusion=_inclusion_at_vote(battle, seconds) if within else Vote.Inclusion.RATE_LIMITED,
            seconds_after_last_token=seconds,
            network=client.network if client and client.network != "unknown" else "",
            cohort=sessions.cohort_for_vote(cohort_id=cohort_id, voter=voter),
        )
        ledger_append(vote=vote)
        metrics.vote_stored(vote.inclusion)
        if reason is not None:
            VoteReason.objects.create(vote=vote, criteria=list(reason.criteria), text=reason.text)
        battle.status = Battle.Status.VOTED
        battle.save(update_fields=["status"])
        leaderboard_refresh_soon()
    return vote


def _inclusion_at_vote(battle: Battle, seconds_after_last_token: float) -> str:
    """What the vote counts as when cast; later checks (anomalies, staff) may change it."""
    if battle.identity_leak:
        return Vote.Inclusion.IDENTITY_LEAK
    if seconds_after_last_token < settings.ARENA_MIN_SECONDS_TO_VOTE:
        return Vote.Inclusion.TOO_FAST
    return Vote.Inclusion.VALID


REFRESH_LOCK = "arena:leaderboard-refresh"


def leaderboard_refresh_soon() -> None:
    """Queue a leaderboard refit after this commit, at most once a minute however fast votes come."""
    if cache.add(REFRESH_LOCK, 1, timeout=settings.LEADERBOARD_REFRESH_AFTER_VOTE_SECONDS):
        leaderboard_refresh.delay_on_commit()


def citizen_data_delete(*, voter: str) -> dict[str, int]:
    """Delete a citizen's conversations and withdraw their votes from the ranking.

    The turns (prompts and answers) are deleted outright, with the one-tap reasons and the sessions
    joined. Votes stay as rows marked `deleted_by_citizen`, holding no text and no session, so
    published counts stay auditable; the next snapshot leaves them out.
    """
    with transaction.atomic():
        turns, _details = Turn.objects.filter(battle__voter=voter).delete()
        VoteTag.objects.filter(vote__voter=voter).delete()
        CohortMember.objects.filter(voter=voter).delete()
        votes = Vote.objects.filter(voter=voter).update(
            inclusion=Vote.Inclusion.DELETED_BY_CITIZEN, cohort=None
        )
        metrics.votes_excluded(Vote.Inclusion.DELETED_BY_CITIZEN, votes)
        Battle.objects.filter(voter=voter).update(
            chars_a=0, chars_b=0, headers_a=0, headers_b=0, lists_a=0, lists_b=0, bold_a=0, bold_b=0
        )
        if votes:
            cache.delete(REFRESH_LOCK)
            leaderboard_refresh_soon()
    return {"turns": turns, "votes": votes}


def conversations_purge(*, older_than_days: int) -> int:
    """Delete stored conversations past the retention period. Returns how many turns went."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _details = Turn.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


def voter_profile_save(*, voter: str, answers: dict[str, str]) -> VoterProfile:
    """Keep an open-public voter's optional answers (self-reported, used only for reweighting)."""
    profile, _created = VoterProfile.objects.update_or_create(voter=voter, defaults=answers)
    return profile


def panel_vote_record(
    *, member: PanelMember, battle_id, choice: str, reason: ReasonInput, client=None, cohort_id=None
) -> Vote:
    """A panel member's vote with its reason; routes the battle to expert re-check when its turn comes."""
    with transaction.atomic():
        vote = vote_record(
            battle_id=battle_id,
            voter=member.voter,
            choice=choice,
            reason=reason,
            client=client,
            cohort_id=cohort_id,
        )
        panel.expert_check_route(campaign=member.campaign, vote=vote)
    return vote


def vote_tag_toggle(*, battle_id, voter: str, tag: str) -> bool:
    """Tap a one-tap reason after voting: on if it was off, off if it was on. Returns whether it is on.
    The sides it speaks of follow from the vote (arena.panel.reasons.tag_sides)."""
    reason = tag_clean(tag)
    with transaction.atomic():
        vote = Vote.objects.select_for_update().filter(battle_id=battle_id, voter=voter).first()
        if vote is None or vote.inclusion == Vote.Inclusion.DELETED_BY_CITIZEN:
            raise BattleNotVotable(_("투표한 대결에만 이유를 남길 수 있습니다."))
        sides = tag_sides(vote.choice, reason.positive)
        if not sides:
            raise BattleNotVotable(_("이 선택에는 맞지 않는 이유입니다."))
        existing = VoteTag.objects.filter(vote=vote, tag=reason.key, side__in=sides)
        if existing.count() == len(sides):
            existing.delete()
            return False
        for side in sides:
            VoteTag.objects.get_or_create(vote=vote, side=side, tag=reason.key)
    return True
