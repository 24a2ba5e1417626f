"""Writes of the arena: endpoints, battles, turns, votes. Each service owns its transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

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
from arena.models import Battle, ModelEndpoint, PanelMember, Turn, Vote, VoteReason, VoterProfile
from arena.panel import services as panel
from arena.panel.reasons import ReasonInput
from arena.panel.services import panel_voter
from arena.ratings.tasks import leaderboard_refresh
from arena.safety import limits

_rng = secrets.SystemRandom()  # positions and pairs must not be predictable from outside


def battle_create(*, voter: str, in_turn: bool = False) -> Battle:
    """Draw a pair of available models and open a battle for this voter; `in_turn` opens it with its
    first turn already begun (what `turn_begin` would do next, without a second statement)."""
    endpoints = list(ModelEndpoint.objects.available().select_related("team"))
    try:
        draw = sampling.draw_pair([e.weight for e in endpoints], _rng)
    except ValueError:
        raise NoModelsAvailable(NO_MODELS_MESSAGE) from None
    model_a, model_b = endpoints[draw.a], endpoints[draw.b]
    return Battle.objects.create(
        voter=voter,
        model_a=model_a,
        model_b=model_b,
        model_a_version=model_a.model_id,
        model_b_version=model_b.model_id,
        pair_probability=draw.probability,
        in_turn=in_turn,
        turn_started_at=timezone.now() if in_turn else None,
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
) -> Vote:
    """Record the one vote of a battle, atomically, and close the battle.

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
        )
        ledger_append(vote=vote)
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
    if cache.add(REFRESH_LOCK, 1, timeout=60):
        leaderboard_refresh.delay_on_commit()


def citizen_data_delete(*, voter: str) -> dict[str, int]:
    """Delete a citizen's conversations and withdraw their votes from the ranking.

    The turns (prompts and answers) are deleted outright. Votes stay as rows marked
    `deleted_by_citizen`, holding no text, so published counts stay auditable; the next snapshot
    leaves them out.
    """
    with transaction.atomic():
        turns, _details = Turn.objects.filter(battle__voter=voter).delete()
        votes = Vote.objects.filter(voter=voter).update(inclusion=Vote.Inclusion.DELETED_BY_CITIZEN)
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
    *, member: PanelMember, battle_id, choice: str, reason: ReasonInput, client=None
) -> Vote:
    """A panel member's vote with its reason; routes the battle to expert re-check when its turn comes."""
    with transaction.atomic():
        vote = vote_record(
            battle_id=battle_id, voter=member.voter, choice=choice, reason=reason, client=client
        )
        panel.expert_check_route(campaign=member.campaign, vote=vote)
    return vote
