"""One turn of a battle, in three steps: admit the prompt, stream both models at once, record the turn.

`turn_run` sends the typed events of arena/battles/events.py through the `send` it is given (the
websocket consumer's); it knows nothing of Channels.

1. `turn_admit`: the prompt is cleaned, checked (empty, too long), redacted before anything else sees
   it, held against the moderation and crisis rules, charged to the usage limits, and the battle
   opened (or the next turn begun): all its database and cache work in one trip to a thread
   (core/socket_db.py). A refusal is one event and leaves nothing behind.
2. `turn_stream`: one task per side reads its endpoint through the one inference door and, for each
   read, cleans the text of invisible characters, masks names, redacts, checks it against the response
   rules and only then sends it, itself: no queue, no hop to another task. A side that fails stops the
   other at once.
3. `turn_record`: both sides are stored with their timings and errors, in one trip to a thread. When
   the citizen left mid-answer the turn is stored as cancelled and the battle released, so its
   finished turns stay votable.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arena.battles import selectors, services
from arena.battles.events import (
    THINKING_EVERY,
    BattleOpened,
    Blocked,
    Crisis,
    Delta,
    Event,
    IdentityMasked,
    Refused,
    SideDone,
    SideError,
    SideModerated,
    Thinking,
    TurnDone,
    TurnStarted,
)
from arena.battles.identity import LeakMasker, TurnNames, aliases_for_turn, asks_identity
from arena.endpoints import inference
from arena.endpoints import services as endpoint_services
from arena.errors import DEFAULT_SIDE_ERROR, SIDE_ERROR_MESSAGES, ArenaError
from arena.models import Battle
from arena.panel.services import panel_voter
from arena.safety import limits, moderation, textnorm
from arena.safety.redaction import LABELS, StreamRedactor, redact
from core import metrics
from core.socket_db import socket_db

Send = Callable[[Event], Awaitable[None]]

RESPONSE_WINDOW = 200  # characters of an answer kept in view of the response rules
# An answer carrying this many invisible characters (or any tag character) is marked: a model has no
# use for them but to watermark itself for a bot. They are removed either way.
COVERT_INVISIBLE = 2
RULE_SPAN = 80  # longest phrase a response rule is expected to match
MODERATED_ANSWER = gettext_lazy("이 답변은 안전 기준에 따라 여기서 멈췄습니다.")


@dataclass
class _Side:
    label: str
    endpoint: inference.Endpoint
    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    started: float = 0.0
    first_token: float | None = None
    last_token: float | None = None
    pieces: int = 0
    finish_reason: str = ""
    usage: dict[str, Any] | None = None
    error: inference.InferenceError | None = None
    leaked: bool = False
    tail: str = ""  # the last RESPONSE_WINDOW characters shown, for the response rules
    tags: int = 0  # tag characters (U+E0000-E007F) removed from the answer
    invisible: int = 0  # other invisible characters removed from it
    thought_at: float | None = None  # when the page was last told this side is thinking

    def result(self) -> services.SideResult:
        tokens = (self.usage or {}).get("completion_tokens") or self.pieces or None
        ttft = round((self.first_token - self.started) * 1000) if self.first_token is not None else None
        rate = None
        if tokens and self.first_token is not None and self.last_token and self.last_token > self.first_token:
            rate = round(tokens / (self.last_token - self.first_token), 2)
        return services.SideResult(
            # Models see only redacted prompts, but may still invent a number that looks personal.
            text=redact("".join(self.text)).text,
            reasoning=redact(textnorm.clean("".join(self.reasoning))).text,
            ttft_ms=ttft,
            tokens_per_s=rate,
            output_tokens=tokens if isinstance(tokens, int) else None,
            finish_reason=self.finish_reason,
            error=f"{self.error.kind}: {self.error.message}" if self.error else "",
        )


@dataclass(frozen=True)
class _TurnPlan:
    battle: Battle
    index: int
    created: bool
    history_a: list[dict[str, str]]
    history_b: list[dict[str, str]]
    endpoint_a: inference.Endpoint
    endpoint_b: inference.Endpoint
    aliases: tuple[str, ...]
    families: tuple[tuple[str, ...], ...]  # the aliases grouped by maker (seeded and registered)
    own_aliases: tuple[tuple[str, ...], ...]  # each model's own registered names, its team's and maker's
    prompts: tuple[str, ...]  # the citizen's earlier prompts in this battle


def _plan_turn(battle_id, voter: str) -> _TurnPlan:
    created = battle_id is None
    if created:
        battle = services.battle_create(voter=voter, in_turn=True)
    else:
        battle = (
            Battle.objects.select_related("model_a__team", "model_b__team")
            .filter(pk=battle_id, voter=voter)
            .first()
        )
        if battle is None or battle.status != Battle.Status.OPEN:
            raise ArenaError(_("이 대결은 끝났습니다. 새 대결을 시작해 주세요."), code="battle_closed")
    turns = [] if created else list(battle.turns.order_by("index"))
    if len(turns) >= settings.ARENA_MAX_TURNS:
        raise ArenaError(
            _("한 대결에서는 질문을 %(n)d번까지 할 수 있습니다. 이제 투표해 주세요.")
            % {"n": settings.ARENA_MAX_TURNS},
            code="turn_limit",
        )
    history_a: list[dict[str, str]] = []
    history_b: list[dict[str, str]] = []
    for turn in turns:
        history_a += [
            {"role": "user", "content": turn.prompt},
            {"role": "assistant", "content": turn.response_a},
        ]
        history_b += [
            {"role": "user", "content": turn.prompt},
            {"role": "assistant", "content": turn.response_b},
        ]
    if not created:
        services.turn_begin(battle_id=battle.pk)
    families = selectors.alias_families_known()
    return _TurnPlan(
        battle=battle,
        index=len(turns),
        created=created,
        history_a=history_a,
        history_b=history_b,
        endpoint_a=endpoint_services.endpoint_config(battle.model_a),
        endpoint_b=endpoint_services.endpoint_config(battle.model_b),
        aliases=tuple(name for family in families for name in family),
        families=families,
        own_aliases=_own_aliases(battle),
        prompts=tuple(turn.prompt for turn in turns),
    )


def _own_aliases(battle: Battle) -> tuple[tuple[str, ...], ...]:
    """The names registered for the two models of the battle, their teams and makers, per model."""
    groups: list[tuple[str, ...]] = []
    for endpoint in (battle.model_a, battle.model_b):
        team = endpoint.team
        names = [team.name, team.organization, *team.aliases.splitlines()]
        names += [endpoint.name, *endpoint.aliases.splitlines()]
        # An identifier-like model id ("hx-1-instruct", "org/HX-1") names the model too.
        for model_id in {endpoint.model_id, endpoint.model_id.rsplit("/", 1)[-1]}:
            if len(model_id) >= 4 and any(c.isdigit() or c in "-_/." for c in model_id):
                names.append(model_id)
        groups.append(tuple(n.strip() for n in names if n and n.strip()))
    return tuple(groups)


_count = socket_db(moderation.decision_count)


def _refusal(decision: moderation.Decision) -> Event:
    message = str(moderation.message_for(decision))
    if decision.action == "crisis":
        return Crisis(decision.category, message, moderation.crisis_resources())
    return Blocked(decision.category, message)


def check_prompt(text: object) -> str:
    if isinstance(text, str):
        text = textnorm.clean(text)  # zero-width characters alone are no question
    if not isinstance(text, str) or not text.strip():
        raise ArenaError(_("질문을 입력해 주세요."), code="empty_prompt")
    text = text.strip()
    if len(text) > settings.ARENA_MAX_PROMPT_CHARS:
        raise ArenaError(
            _("질문은 %(n)d자까지 입력할 수 있습니다. 지금은 %(m)d자입니다.")
            % {"n": settings.ARENA_MAX_PROMPT_CHARS, "m": len(text)},
            code="prompt_too_long",
        )
    return text


class _Moderated(Exception):
    """An answer hit a response rule: stop reading it (which closes the upstream request)."""


async def _side_run(side: _Side, messages: list[dict[str, str]], names: TurnNames, rules, send: Send) -> str:
    """Read one side's answer and send what passes every check, then its end event; return how it
    ended ("done", "moderated" or "error"). One task does it all, read by read."""
    params = {"max_tokens": settings.ARENA_MAX_OUTPUT_TOKENS, "temperature": 0.7}
    masker = LeakMasker(names.masked, echoed=names.echoed)
    redactor = StreamRedactor()  # a model may still invent a number that looks personal
    side.started = time.monotonic()
    label = side.label

    def guard(content: str) -> str:
        """Invisible characters out (counted: a watermark unmasks the battle), names masked, personal
        details redacted; what comes out is what the citizen sees and what is stored."""
        visible = textnorm.clean(content)
        if len(visible) != len(content):
            tags = len(textnorm.TAGS.findall(content))
            side.tags += tags
            side.invisible += len(content) - len(visible) - tags
        return redactor.feed(masker.feed(content))

    async def relay(text: str) -> None:
        if (masker.leaked or side.tags or side.invisible >= COVERT_INVISIBLE) and not side.leaked:
            side.leaked = True
            await send(IdentityMasked(label))
        if not text:
            return
        # The rule sees the new text with the tail before it, so a phrase split across chunks counts;
        # the text that completes a match is never shown.
        window = side.tail + text
        # Only a match that ends in the new text is new: start RULE_SPAN characters before it.
        decision = moderation.check(window, "response", rules, pos=max(0, len(side.tail) - RULE_SPAN))
        if decision is not None:
            await _count(decision=decision, target="response")
            raise _Moderated
        side.tail = window[-RESPONSE_WINDOW:]
        # Sent first, kept after: a send cut short by the citizen leaving is not stored as shown.
        await send(Delta(label, text))
        side.text.append(text)

    async def release_held() -> None:
        """What masking and redaction still hold, as at the end of an answer."""
        await relay(redactor.feed(masker.flush()) + redactor.flush())

    try:
        async for item in inference.stream_chat(
            side.endpoint,
            messages,
            params=params,
            timeouts=endpoint_services.timeouts(),
            coalesce=settings.ARENA_COALESCE_SECONDS,
        ):
            if isinstance(item, inference.Delta):
                now = time.monotonic()
                if side.first_token is None:
                    side.first_token = now
                side.last_token = now
                if item.reasoning:
                    side.reasoning.append(item.reasoning)
                    if side.thought_at is None or now - side.thought_at >= THINKING_EVERY:
                        side.thought_at = now
                        await send(Thinking(label))
                if item.content:
                    side.pieces += 1
                    # Only text that can no longer become a model name or a personal detail leaves.
                    await relay(guard(item.content))
            else:
                side.finish_reason = item.finish_reason or ""
                side.usage = item.usage
        await release_held()
    except asyncio.CancelledError:
        # Stopped (the other side failed, or the citizen left): what was held back is released as at
        # the end of an answer, so what is stored is exactly what was shown. The socket may be gone.
        with contextlib.suppress(Exception):
            await release_held()
        raise
    except _Moderated:
        side.finish_reason = "moderated"
        await send(SideModerated(label, str(MODERATED_ANSWER)))
        return "moderated"
    except inference.InferenceError as error:
        with contextlib.suppress(_Moderated):
            await release_held()
        side.error = error
        await send(_side_end("error", label, side))
        return "error"
    await send(SideDone(label))
    return "done"


@dataclass(frozen=True)
class _Admitted:
    plan: _TurnPlan
    text: str  # the prompt as redacted: what the models see and what is stored
    masked: list[str]  # the kinds of personal detail masked in it
    rules: moderation.Ruleset
    allowance: limits.TurnAllowance


@socket_db
def _admission(
    *, battle_id, voter: str, text: str, client: limits.Client, charge: bool
) -> tuple[moderation.Ruleset, moderation.Decision | None, tuple[_TurnPlan, limits.TurnAllowance] | None]:
    """Everything the admission asks of the database and the cache, in one trip to a thread: the
    prompt rules (and the count of a refusal), then, if `charge`, the limits and the battle."""
    rules = moderation.load_rules()
    decision = moderation.check(text, "prompt", rules)
    if decision is not None:
        moderation.decision_count(decision=decision, target="prompt")
        return rules, decision, None
    if not charge:
        return rules, None, None
    exempt = battle_id is None and panel_voter(voter)
    allowance = limits.turn_take(
        voter=voter, client=client, text=text, new_battle=battle_id is None, exempt=exempt
    )
    try:
        plan = _plan_turn(battle_id, voter)
    except ArenaError:
        allowance.give_back_all()  # no battle, no charge
        raise
    return rules, None, (plan, allowance)


async def turn_admit(*, battle_id, voter: str, prompt: object, client: limits.Client) -> _Admitted | Event:
    """Admit the prompt into a turn, or say why not (one event; nothing stored, nothing charged)."""
    try:
        # Redacted before anything else sees it: the endpoints, the database, the export.
        masked = redact(check_prompt(prompt))
        text = masked.text
        # With a moderation endpoint, the rules first, then the endpoint, and only then the charge.
        endpoint_first = bool(settings.ARENA_MODERATION_URL)
        args = {"battle_id": battle_id, "voter": voter, "text": text, "client": client}
        rules, decision, admitted = await _admission(**args, charge=not endpoint_first)
        if decision is None and endpoint_first:
            decision = await moderation.check_with_endpoint(text)
            if decision is not None:
                await _count(decision=decision, target="prompt")
            else:
                rules, decision, admitted = await _admission(**args, charge=True)
        if decision is not None:
            return _refusal(decision)
    except limits.LimitExceeded as error:
        return Refused(error.code, str(error.message), error.retry_after)
    except ArenaError as error:
        return Refused(error.code, str(error.message))
    plan, allowance = admitted
    return _Admitted(plan, text, [LABELS[kind] for kind in masked.kinds], rules, allowance)


async def turn_stream(admitted: _Admitted, sides: dict[str, _Side], send: Send) -> None:
    """Both models at once, each side's text sent as it passes every check. When one side fails, the
    turn cannot be voted on: the other side's request is cancelled at once (the citizen does not wait
    for an answer that cannot count, and the team's server stops generating it); what it had already
    streamed is still shown, so the screen matches what is stored. Cancelling this coroutine (the
    citizen left) closes both upstream requests."""
    plan, text = admitted.plan, admitted.text
    user = {"role": "user", "content": text}
    system = (
        [{"role": "system", "content": settings.ARENA_ANONYMITY_PROMPT}]
        if settings.ARENA_ANONYMITY_PROMPT
        else []
    )
    # What the model says of itself is masked, not the names the citizen typed (issues 12.2, 17.4).
    names = aliases_for_turn(
        aliases=plan.aliases,
        own=[name for group in plan.own_aliases for name in group],
        prompts=(*plan.prompts, text),
        families=(*plan.families, *plan.own_aliases),
    )
    histories = {"a": plan.history_a, "b": plan.history_b}
    tasks = {
        asyncio.create_task(
            _side_run(sides[label], [*system, *histories[label], user], names, admitted.rules, send)
        ): label
        for label in "ab"
    }
    try:
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            ends = [task.result() for task in done]  # a side that raised (a bug) raises here
            if pending and "error" in ends:
                other = pending.pop()
                await _stop(other)
                if other.cancelled():  # it may have finished on its own just before
                    side = sides[tasks[other]]
                    side.error = OTHER_SIDE_FAILED
                    await send(_side_end("error", side.label, side))
                else:
                    other.result()
    finally:
        await _stop(*tasks)


@socket_db
def _record(
    admitted: _Admitted, sides: dict[str, _Side], *, started_at, identity_leak: bool, cancelled: bool
):
    if not (sides["a"].text or sides["b"].text):
        # Nothing streamed (a refused or dead endpoint on both sides): the characters are given back.
        admitted.allowance.give_back_chars()
    return services.turn_record(
        battle=admitted.plan.battle,
        index=admitted.plan.index,
        prompt=admitted.text,
        side_a=sides["a"].result(),
        side_b=sides["b"].result(),
        started_at=started_at,
        finished_at=timezone.now(),
        identity_leak=identity_leak,
        cancelled=cancelled,
    )


async def turn_record(
    admitted: _Admitted, sides: dict[str, _Side], *, started_at, identity_leak: bool, cancelled: bool
):
    """Store the turn. A cancelled turn keeps what was streamed and only releases the battle."""
    metrics.turn_observed(sides.values(), cancelled=cancelled)
    if cancelled:
        for side in sides.values():
            if side.error is None and not side.finish_reason:
                side.error = CANCELLED_BY_CITIZEN
    return await _record(
        admitted, sides, started_at=started_at, identity_leak=identity_leak, cancelled=cancelled
    )


async def turn_run(
    *, battle_id, voter: str, prompt: object, send: Send, client: limits.Client | None = None
) -> None:
    admitted = await turn_admit(
        battle_id=battle_id, voter=voter, prompt=prompt, client=client or limits.Client.unknown()
    )
    if isinstance(admitted, Event):
        await send(admitted)
        return
    plan = admitted.plan
    if plan.created:
        await send(
            BattleOpened(str(plan.battle.pk), settings.ARENA_MAX_TURNS, settings.ARENA_MAX_PROMPT_CHARS)
        )
    await send(TurnStarted(plan.index + 1, admitted.text, admitted.masked))
    started_at = timezone.now()
    sides = {"a": _Side("a", plan.endpoint_a), "b": _Side("b", plan.endpoint_b)}
    asked = asks_identity(admitted.text, plan.aliases)
    completed = False
    try:
        await turn_stream(admitted, sides, send)
        completed = True
    finally:
        if not completed:
            # The citizen left or something broke: release the battle now (it would stay in_turn and
            # refuse the vote on the turns already finished). Shielded: a second cancellation must
            # not lose the write; the periodic sweep is the last resort.
            await asyncio.shield(
                turn_record(
                    admitted,
                    sides,
                    started_at=started_at,
                    identity_leak=asked or sides["a"].leaked or sides["b"].leaked,
                    cancelled=True,
                )
            )
    turn = await turn_record(
        admitted,
        sides,
        started_at=started_at,
        identity_leak=asked or sides["a"].leaked or sides["b"].leaked,
        cancelled=False,
    )
    await send(TurnDone(plan.index + 1, not turn.failed, settings.ARENA_MAX_TURNS - plan.index - 1))


CANCELLED_BY_CITIZEN = inference.InferenceError(
    "cancelled", "the citizen's connection closed before the answer finished", retryable=False
)
OTHER_SIDE_FAILED = inference.InferenceError(
    "cancelled", "stopped because the other side failed", retryable=False
)


async def _stop(*tasks: asyncio.Task) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _side_end(kind: str, label: str, side: _Side) -> Event:
    if kind == "done":
        return SideDone(label)
    if kind == "moderated":
        return SideModerated(label, str(MODERATED_ANSWER))
    message = (
        SIDE_ERROR_MESSAGES.get(side.error.kind, DEFAULT_SIDE_ERROR) if side.error else DEFAULT_SIDE_ERROR
    )
    return SideError(label, str(message))
