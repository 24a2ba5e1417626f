"""A turn's life against real misbehaving model servers: a citizen who drops off mid-answer, a side that
fails while the other is still talking, a battle left in_turn by a process that died."""

import asyncio
import datetime as dt

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from arena.battles import services, tasks
from arena.battles.consumers import BattleConsumer
from arena.models import Battle, Turn, Vote
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.conftest import register_attested

pytestmark = pytest.mark.django_db(transaction=True)


def answer_then_stall(n):
    """The first request is answered in full; later ones start and then hang for half a minute."""
    if n == 1:
        return [head(), sse(chunk("첫 답변입니다.")), sse(chunk(finish="stop")), sse("[DONE]")]
    return [head(), sse(chunk("두 번째 답변을 쓰는 중")), 30.0]


SCENARIOS = {
    "left": answer_then_stall,
    "right": answer_then_stall,
    # Refuses a second after the request, so the slow side's first words are on screen by then.
    "refuses": lambda n: [1.0, head(401, "application/json"), b'{"error": {"message": "invalid api key"}}'],
    "talks_slowly": lambda n: [head(), sse(chunk("천천히 ")), 20.0, sse(chunk("말합니다")), sse("[DONE]")],
}


@pytest.fixture
def upstream():
    server = MisbehavingServer(SCENARIOS).start()
    yield server
    server.stop()


async def register(upstream, *names):
    for name in names:
        await database_sync_to_async(register_attested)(
            team=f"팀 {name}",
            model=f"모델 {name}",
            base_url=upstream.base_url(name),
            model_id=name,
            internal=True,
        )


async def connect(session):
    communicator = WebsocketCommunicator(BattleConsumer.as_asgi(), "/ws/arena/")
    communicator.scope["session"] = session
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def until(communicator, *kinds, timeout=10):
    events = []
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        events.append(event)
        if event["type"] in kinds:
            return events


async def test_a_dropped_connection_mid_turn_keeps_the_earlier_turn_votable(
    upstream, consented_session, voter, settings
):
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    await register(upstream, "left", "right")
    communicator = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "첫 질문"})
    first = await until(communicator, "turn_done")
    assert first[-1]["votable"] is True
    await communicator.send_json_to({"type": "prompt", "text": "이어지는 질문"})
    await until(communicator, "delta")
    await communicator.disconnect()  # the phone lost its signal mid-answer

    battle = await database_sync_to_async(Battle.objects.get)()
    assert not battle.in_turn and battle.status == Battle.Status.OPEN and battle.turn_count == 1
    cancelled = await database_sync_to_async(Turn.objects.get)(index=1)
    assert cancelled.cancelled and not cancelled.failed
    assert "두 번째 답변" in cancelled.response_a + cancelled.response_b  # what was shown is kept
    assert cancelled.error_a.startswith("cancelled") and cancelled.error_b.startswith("cancelled")
    for name in ("left", "right"):  # both upstream requests were closed, not left generating
        assert await asyncio.to_thread(upstream.hung_up[name].wait, 5)

    vote = await database_sync_to_async(services.vote_record)(battle_id=battle.pk, voter=voter, choice="a")
    assert vote.inclusion == Vote.Inclusion.VALID
    assert (await database_sync_to_async(Battle.objects.get)()).status == Battle.Status.VOTED


async def test_a_battle_whose_first_turn_was_cancelled_cannot_be_voted(upstream, consented_session, voter):
    await register(upstream, "left", "right")
    upstream.attempts["left"] = upstream.attempts["right"] = 1  # skip straight to the stalling answer
    communicator = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "질문"})
    await until(communicator, "delta")
    await communicator.disconnect()
    battle = await database_sync_to_async(Battle.objects.get)()
    assert not battle.in_turn
    with pytest.raises(services.BattleNotVotable):
        await database_sync_to_async(services.vote_record)(battle_id=battle.pk, voter=voter, choice="a")


async def test_when_one_side_fails_the_other_request_is_cancelled_at_once(upstream, consented_session):
    await register(upstream, "refuses", "talks_slowly")
    communicator = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "안녕하세요"})
    # The slow side would talk for 20 s more; the turn ends as soon as the other side failed.
    events = await until(communicator, "turn_done", timeout=5)
    await communicator.disconnect()
    assert events[-1]["votable"] is False
    errors = {e["side"]: e["message"] for e in events if e["type"] == "side_error"}
    assert set(errors) == {"a", "b"}
    assert "다른 쪽 모델이 답하지 못해 이 답변도 멈췄습니다." in errors.values()
    assert await asyncio.to_thread(upstream.hung_up["talks_slowly"].wait, 5)
    turn = await database_sync_to_async(Turn.objects.select_related("battle__model_a").get)()
    slow = "a" if turn.battle.model_a.model_id == "talks_slowly" else "b"
    assert getattr(turn, f"error_{slow}").startswith("cancelled: stopped because the other side failed")
    assert getattr(turn, f"response_{slow}") == "천천히 "  # shown, and stored as shown
    streamed = "".join(e["text"] for e in events if e["type"] == "delta")
    assert streamed == "천천히 "


def test_the_sweep_releases_battles_stuck_in_turn_past_the_total_timeout(two_demo_endpoints, voter, settings):
    settings.ARENA_TOTAL_TIMEOUT = 180
    stuck, streaming = services.battle_create(voter=voter), services.battle_create(voter=voter)
    Battle.objects.filter(pk=stuck.pk).update(
        in_turn=True, turn_started_at=timezone.now() - dt.timedelta(minutes=5)
    )
    Battle.objects.filter(pk=streaming.pk).update(in_turn=True, turn_started_at=timezone.now())
    assert tasks.battles_stuck_release.delay().get() == 1
    assert not Battle.objects.get(pk=stuck.pk).in_turn
    assert Battle.objects.get(pk=streaming.pk).in_turn  # a turn still within its time is left alone


def test_a_turn_cannot_start_on_a_voted_battle(two_demo_endpoints, voter):
    battle = services.battle_create(voter=voter)
    Battle.objects.filter(pk=battle.pk).update(status=Battle.Status.VOTED)
    with pytest.raises(services.ArenaError) as refused:
        services.turn_begin(battle_id=battle.pk)
    assert refused.value.code == "battle_closed"
    assert not Battle.objects.get(pk=battle.pk).in_turn
