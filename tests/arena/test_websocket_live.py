"""The battle websocket through the real ASGI stack (uvicorn, Channels' session middleware, the origin
check, the consumer), sent what an attacker or a flaky client would send."""

import asyncio
import logging

import httpx
import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from arena.consent import consent_give
from arena.models import Battle, Turn, Vote

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def consented_cookie() -> str:
    session = SessionStore()
    consent_give(session)
    session.save()
    return session.session_key


def socket(url: str, session_key: str | None, *, origin: str | None = "same"):
    headers = {}
    if session_key:
        headers["Cookie"] = f"sessionid={session_key}"
    if origin is not None:
        headers["Origin"] = url if origin == "same" else origin
    return connect(url.replace("http://", "ws://") + "/ws/arena/", additional_headers=headers, max_size=None)


async def next_event(ws, timeout=20):
    import json

    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def until(ws, *kinds):
    events = []
    while True:
        events.append(await next_event(ws))
        if events[-1]["type"] in kinds:
            return events


async def test_malformed_frames_are_answered_without_a_traceback(live_portal, two_demo_endpoints, caplog):
    caplog.set_level(logging.INFO)
    key = await consented_cookie()
    async with socket(live_portal, key) as ws:
        for frame in ("{not json", b"\x00\x01binary", "[" * 40_000, '"just a string"', "[1, 2]", "{}"):
            await ws.send(frame)
            event = await next_event(ws)
            assert event["type"] == "error" and event["code"] == "bad_message", frame[:20]
            assert event["message"] == "알 수 없는 요청입니다."
        # The connection survived all of it and still runs a battle.
        await ws.send('{"type": "prompt", "text": "안녕하세요"}')
        assert (await until(ws, "turn_done", "error"))[-1]["type"] == "turn_done"
    logged = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert logged == []


async def test_a_frame_larger_than_a_prompt_needs_is_refused_by_the_server(live_portal, two_demo_endpoints):
    key = await consented_cookie()
    async with socket(live_portal, key) as ws:
        await ws.send('{"type": "prompt", "text": "' + "가" * 40_000 + '"}')  # 120 KB of UTF-8
        with pytest.raises(ConnectionClosed) as closed:
            await next_event(ws)
    assert closed.value.rcvd.code == 1009  # message too big
    assert await database_sync_to_async(Battle.objects.count)() == 0


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://127.0.0.1:1",  # the right host on another port
        "https://127.0.0.1",  # the right host over another scheme
        "null",
        None,  # no Origin header at all
    ],
)
async def test_the_origin_must_match_scheme_host_and_port(live_portal, origin):
    key = await consented_cookie()
    with pytest.raises(InvalidStatus) as refused:
        async with socket(live_portal, key, origin=origin):
            pass
    assert refused.value.response.status_code == 403


async def test_the_portals_own_origin_and_trusted_origins_are_accepted(
    live_portal, settings, two_demo_endpoints
):
    key = await consented_cookie()
    async with socket(live_portal, key) as ws:
        await ws.send('{"type": "new_battle"}')
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example.kr"]
    async with socket(live_portal, key, origin="https://portal.example.kr") as ws:
        await ws.send('{"type": "new_battle"}')


async def test_without_consent_the_close_code_reaches_the_client(live_portal):
    async with socket(live_portal, None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4403


async def test_a_vote_and_a_second_prompt_sent_together_never_both_win(
    live_portal, two_demo_endpoints, settings
):
    """Today's audit: 6 of 40 such races started a turn after the vote."""
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    for attempt in range(25):
        key = await consented_cookie()
        async with (
            socket(live_portal, key) as ws,
            httpx.AsyncClient(base_url=live_portal, cookies={"sessionid": key}) as http,
        ):
            await http.get("/arena/")  # the page sets the CSRF cookie the vote form needs
            await ws.send(f'{{"type": "prompt", "text": "첫 질문 {attempt}"}}')
            battle_id = next(e for e in await until(ws, "turn_done") if e["type"] == "battle")["battle_id"]
            vote, _sent = await asyncio.gather(
                http.post(
                    "/arena/vote/",
                    data={"battle_id": battle_id, "choice": "a"},
                    headers={"X-CSRFToken": http.cookies["csrftoken"], "HX-Request": "true"},
                ),
                ws.send(f'{{"type": "prompt", "text": "둘째 질문 {attempt}"}}'),
            )
            reply = await until(ws, "turn_done", "error")
        assert vote.status_code in (200, 409), vote.text
        turns = await database_sync_to_async(list)(Turn.objects.filter(battle_id=battle_id).order_by("index"))
        battle = await database_sync_to_async(Battle.objects.get)(pk=battle_id)
        if vote.status_code == 200:
            # The vote won: the prompt was refused before any model saw it.
            assert reply[-1]["type"] == "error" and reply[-1]["code"] == "battle_closed"
            assert [t.index for t in turns] == [0] and battle.status == Battle.Status.VOTED
            cast = await database_sync_to_async(Vote.objects.get)(battle_id=battle_id)
            assert all(t.started_at < cast.created_at for t in turns)
        else:
            # The turn won: the vote was refused while it streamed, and nothing was counted.
            assert reply[-1]["type"] == "turn_done" and len(turns) == 2
            assert battle.status == Battle.Status.OPEN and not battle.in_turn
            assert not await database_sync_to_async(Vote.objects.filter(battle_id=battle_id).exists)()
