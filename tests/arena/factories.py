"""Test data and clients shared by the arena tests: votes in bulk (real rows, written the fast way),
one finished battle through the services, and a websocket client of the battle consumer."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from arena.battles import services
from arena.battles.consumers import BattleConsumer
from arena.models import Battle, ModelEndpoint, Team, Vote

CHOICES = np.array(["a", "b", "tie", "both_bad"])


def endpoints(n: int, prefix: str = "모델") -> list[ModelEndpoint]:
    team_objs = Team.objects.bulk_create([Team(name=f"{prefix}팀 {i}") for i in range(n)])
    return ModelEndpoint.objects.bulk_create(
        [
            ModelEndpoint(team=t, name=f"{prefix}-{i}", base_url="http://127.0.0.1:9/v1", model_id=f"m{i}")
            for i, t in enumerate(team_objs)
        ]
    )


def bt_votes(
    models: list[ModelEndpoint],
    strengths,
    n: int,
    *,
    seed: int = 0,
    language: str = "ko",
    turn_count: int = 1,
    inclusion: str = Vote.Inclusion.VALID,
    voter: str | None = None,
    batch: int = 20_000,
) -> None:
    """n battles between random pairs, decided by Bradley-Terry with the given strengths (logits)."""
    rng = np.random.default_rng(seed)
    strengths = np.asarray(strengths, dtype=float)
    k = len(models)
    now = timezone.now()
    for start in range(0, n, batch):
        size = min(batch, n - start)
        a = rng.integers(0, k, size)
        b = (a + rng.integers(1, k, size)) % k
        p = 1 / (1 + np.exp(-(strengths[a] - strengths[b])))
        tie = rng.random(size) < 0.1
        outcome = np.where(tie, 2, np.where(rng.random(size) < p, 0, 1))
        lengths = rng.integers(100, 1500, (size, 2))
        battles = [
            Battle(
                id=uuid.uuid4(),
                voter=voter or f"voter-{rng.integers(0, 10_000)}",
                model_a_id=models[a[i]].pk,
                model_b_id=models[b[i]].pk,
                model_a_version="v1",
                model_b_version="v1",
                pair_probability=2 / (k * (k - 1)),
                status=Battle.Status.VOTED,
                turn_count=turn_count,
                language=language,
                chars_a=int(lengths[i, 0]),
                chars_b=int(lengths[i, 1]),
                lists_a=int(rng.integers(0, 4)),
            )
            for i in range(size)
        ]
        Battle.objects.bulk_create(battles, batch_size=5000)
        Vote.objects.bulk_create(
            [
                Vote(
                    battle=battle,
                    choice=CHOICES[outcome[i]],
                    voter=battle.voter,
                    seconds_after_last_token=5.0,
                    inclusion=inclusion,
                    created_at=now - dt.timedelta(seconds=int(size - i)),
                )
                for i, battle in enumerate(battles)
            ],
            batch_size=5000,
        )


def open_battle(
    voter: str,
    model_a: ModelEndpoint,
    model_b: ModelEndpoint,
    *,
    prompt: str = "질문",
    seconds_ago: float = 30,
) -> Battle:
    """A battle with one finished turn, ready for its vote, as the turn lifecycle leaves it."""
    from arena.models import Turn

    battle = Battle.objects.create(
        voter=voter,
        model_a=model_a,
        model_b=model_b,
        model_a_version="v1",
        model_b_version="v1",
        pair_probability=1.0,
        turn_count=1,
        language="ko",
    )
    finished = timezone.now() - dt.timedelta(seconds=seconds_ago)
    Turn.objects.create(
        battle=battle,
        index=0,
        prompt=prompt,
        response_a="답변 A",
        response_b="답변 B",
        started_at=finished - dt.timedelta(seconds=5),
        finished_at=finished,
    )
    return battle


def finished_battle(voter: str, *, error_b: str = "") -> Battle:
    battle = services.battle_create(voter=voter)
    ok = services.SideResult("답", "", 100, 20.0, 5, "stop", "")
    side_b = services.SideResult("", "", None, None, None, "", error_b) if error_b else ok
    # The answers finished ten seconds ago: time enough to read them before voting.
    finished = timezone.now() - dt.timedelta(seconds=10)
    services.turn_record(
        battle=battle,
        index=0,
        prompt="질문",
        side_a=ok,
        side_b=side_b,
        started_at=finished - dt.timedelta(seconds=3),
        finished_at=finished,
    )
    return Battle.objects.get(pk=battle.pk)


async def connect(session):
    communicator = WebsocketCommunicator(BattleConsumer.as_asgi(), "/ws/arena/")
    communicator.scope["session"] = session
    connected, code = await communicator.connect()
    return communicator, connected, code


async def events_until_turn_done(communicator, limit=2000):
    events = []
    for _ in range(limit):
        event = await communicator.receive_json_from(timeout=20)
        events.append(event)
        if event["type"] in ("turn_done", "error"):
            return events
    raise AssertionError("no turn_done")
