"""The battle websocket with Channels' WebsocketCommunicator, streaming from the real demo server."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore

from arena.battles.events import CLOSE_NO_CONSENT
from arena.models import Battle, Turn
from tests.arena.factories import connect, events_until_turn_done

pytestmark = pytest.mark.django_db(transaction=True)


async def test_without_consent_the_socket_is_closed_with_the_code_the_page_reloads_on():
    communicator, connected, _ = await connect(SessionStore())
    # Accepted and then closed: a refused handshake would reach the page as 1006, not as 4403.
    assert connected
    assert await communicator.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": CLOSE_NO_CONSENT,
    }
    await communicator.send_json_to({"type": "prompt", "text": "동의 없이 보낸 질문"})
    assert await communicator.receive_nothing(timeout=0.5)
    assert await database_sync_to_async(Battle.objects.count)() == 0


async def test_a_turn_streams_both_sides_and_names_no_model(two_demo_endpoints, consented_session):
    communicator, connected, _ = await connect(consented_session)
    assert connected
    await communicator.send_json_to({"type": "prompt", "text": "전입신고는 어떻게 하나요?"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()

    kinds = [e["type"] for e in events]
    assert kinds[0] == "battle" and kinds[1] == "turn_started" and kinds[-1] == "turn_done"
    assert {e["side"] for e in events if e["type"] == "side_done"} == {"a", "b"}
    assert events[-1]["votable"] is True
    streamed = {
        side: "".join(e["text"] for e in events if e["type"] == "delta" and e["side"] == side)
        for side in "ab"
    }
    turn = await database_sync_to_async(
        Turn.objects.select_related("battle__model_a", "battle__model_b").get
    )()
    assert (turn.response_a, turn.response_b) == (streamed["a"], streamed["b"])
    assert turn.ttft_ms_a is not None and turn.tokens_per_s_b > 0 and turn.finish_reason_a == "stop"
    # Nothing sent before the vote may identify a model or a team.
    wire = repr(events)
    for endpoint in two_demo_endpoints:
        for secret in (endpoint.name, endpoint.team.name, endpoint.model_id, endpoint.base_url):
            assert secret not in wire


async def test_follow_up_goes_to_the_same_pair_until_the_turn_cap(
    two_demo_endpoints, consented_session, settings
):
    settings.ARENA_MAX_TURNS = 2
    communicator, _, _ = await connect(consented_session)
    for text in ("첫 질문", "이어서 묻습니다"):
        await communicator.send_json_to({"type": "prompt", "text": text})
        done = (await events_until_turn_done(communicator))[-1]
    assert done["turns_left"] == 0
    await communicator.send_json_to({"type": "prompt", "text": "세 번째"})
    refused = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert refused["type"] == "error" and refused["code"] == "turn_limit"
    assert await database_sync_to_async(Battle.objects.count)() == 1
    assert await database_sync_to_async(Turn.objects.count)() == 2


@pytest.mark.parametrize(
    ("text", "code"), [("   ", "empty_prompt"), ("가" * 4001, "prompt_too_long"), (None, "empty_prompt")]
)
async def test_bad_prompts_get_a_korean_message_and_change_nothing(
    two_demo_endpoints, consented_session, text, code
):
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": text})
    event = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert event["type"] == "error" and event["code"] == code
    assert any("\uac00" <= ch <= "\ud7a3" for ch in event["message"])
    assert await database_sync_to_async(Battle.objects.count)() == 0


async def test_a_failing_side_fails_only_its_side_and_blocks_the_vote(
    one_dead_endpoint, consented_session, settings
):
    settings.ARENA_CONNECT_TIMEOUT = 1
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "안녕하세요"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()
    errors = [e for e in events if e["type"] == "side_error"]
    assert len(errors) == 1 and errors[0]["message"] == "모델 서버에 연결하지 못했습니다."
    done_side = next(e["side"] for e in events if e["type"] == "side_done")
    assert done_side != errors[0]["side"]
    assert any(e["type"] == "delta" and e["side"] == done_side for e in events)
    assert events[-1]["votable"] is False
    battle = await database_sync_to_async(Battle.objects.get)()
    assert battle.status == Battle.Status.FAILED and battle.failure.startswith("connect")


async def test_no_models_available(consented_session):
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "안녕하세요"})
    event = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert event["code"] == "no_models"
