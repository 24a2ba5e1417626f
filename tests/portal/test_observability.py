"""Operating the portal: metrics after a battle, log lines without prompts or addresses, liveness and
readiness, who may read /metrics, and a worker that drains its battles on shutdown. Through the real
ASGI stack on a real port (the topology test does the same across gunicorn nodes on PostgreSQL)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
import uuid

import httpx
import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from arena.consent import consent_give
from arena.models import Battle, Turn
from core import draining
from core.logs import PortalJsonFormatter, RequestIdFilter, logging_config
from portal.workers import DrainingServer
from tests.conftest import register_attested
from tests.servers import ServerThread
from tests.topology import log_lines, metric_value

pytestmark = pytest.mark.django_db(transaction=True)
OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address: no monitoring network


@pytest.fixture
def two_demo_endpoints(demo_endpoints):
    return demo_endpoints("demo-garam", "demo-raon")


@pytest.fixture
def one_dead_endpoint(demo_endpoints):
    dead = register_attested(
        team="고장팀", model="고장-모델", base_url="http://127.0.0.1:9/v1", model_id="broken", internal=True
    )[0]
    return [*demo_endpoints("demo-garam"), dead]


@database_sync_to_async
def consented_cookie() -> str:
    session = SessionStore()
    consent_give(session)
    session.save()
    return session.session_key


def socket(url: str, session_key: str):
    return connect(
        url.replace("http://", "ws://") + "/ws/arena/",
        additional_headers={"Cookie": f"sessionid={session_key}", "Origin": url},
        max_size=None,
    )


async def events_until(ws, *kinds, timeout=60):
    events = []
    while True:
        events.append(json.loads(await asyncio.wait_for(ws.recv(), timeout)))
        if events[-1]["type"] in kinds:
            return events


async def battle(url: str, text: str) -> tuple[str, list[dict], str]:
    key = await consented_cookie()
    async with socket(url, key) as ws:
        await ws.send(json.dumps({"type": "prompt", "text": text}, ensure_ascii=False))
        events = await events_until(ws, "turn_done", "error")
    return next(e["battle_id"] for e in events if e["type"] == "battle"), events, key


async def vote(url: str, key: str, battle_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as http:
        csrf = (await http.get("/arena/")).cookies["csrftoken"]
        return await http.post(
            "/arena/vote/",
            data={"battle_id": battle_id, "choice": "a"},
            headers={
                "X-CSRFToken": csrf,
                "Cookie": f"sessionid={key}; csrftoken={csrf}",
                "HX-Request": "true",
            },
        )


async def scrape(url: str) -> str:
    async with httpx.AsyncClient() as http:
        return (await http.get(url + "/metrics")).text


# --- metrics -------------------------------------------------------------------------------------------


async def test_metrics_after_a_battle_and_a_vote_carry_the_expected_labels(
    live_portal, two_demo_endpoints, settings
):
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    before = await scrape(live_portal)
    battle_id, events, key = await battle(live_portal, "지방세 납부 기한을 알려 주세요")
    assert events[-1]["type"] == "turn_done"
    assert (await vote(live_portal, key, battle_id)).status_code == 200
    after = await scrape(live_portal)

    def grew(name, **labels):
        return metric_value(after, name, **labels) - metric_value(before, name, **labels)

    assert grew("kai_battle_turns_total", outcome="completed") == 1
    assert grew("kai_tokens_relayed_total") >= 2
    assert grew("kai_votes_stored_total", inclusion="valid") == 1
    assert (
        grew("django_http_requests_total_by_view_transport_method_total", view="arena:vote", method="POST")
        == 1
    )
    assert metric_value(after, "kai_battle_turns_in_flight") == 0
    assert "# TYPE kai_leaderboard_refresh_seconds histogram" in after
    assert "# TYPE kai_canary_drift_total counter" in after


async def test_a_failing_endpoint_is_counted_by_kind(live_portal, one_dead_endpoint):
    before = await scrape(live_portal)
    _battle, events, _key = await battle(live_portal, "주민센터 운영 시간은요?")
    assert any(e["type"] == "side_error" for e in events)
    after = await scrape(live_portal)
    assert (
        metric_value(after, "kai_endpoint_errors_total", kind="connect")
        - metric_value(before, "kai_endpoint_errors_total", kind="connect")
        == 1
    )
    assert (
        metric_value(after, "kai_battle_turns_total", outcome="failed")
        - metric_value(before, "kai_battle_turns_total", outcome="failed")
        == 1
    )


def test_the_servers_own_loggers_follow_log_level_but_never_below_info():
    """uvicorn logs "connection open" per websocket at INFO: LOG_LEVEL=WARNING must silence it (a load
    test or a quiet node), and LOG_LEVEL=DEBUG must not turn on its per-message chatter."""
    import logging.config

    from django.conf import settings

    for level, expected in (("WARNING", logging.WARNING), ("INFO", logging.INFO), ("DEBUG", logging.INFO)):
        logging.config.dictConfig(logging_config(level=level, json=True))
        for name in ("uvicorn.error", "gunicorn.error"):
            assert logging.getLogger(name).level == expected, (level, name)
    logging.config.dictConfig(settings.LOGGING)  # as the other tests expect it


def test_metrics_are_for_the_monitoring_network_or_the_token_holder_only(client, settings):
    assert client.get("/metrics").status_code == 200  # loopback: a Prometheus on the node
    assert client.get("/metrics", **OUTSIDE).status_code == 404
    settings.METRICS_TOKEN = "m" * 40
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "m" * 40, **OUTSIDE).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "x" * 40, **OUTSIDE).status_code == 404
    settings.METRICS_NETWORKS = ["203.0.113.0/24"]
    assert client.get("/metrics", **OUTSIDE).status_code == 200


# --- health --------------------------------------------------------------------------------------------


def test_liveness_asks_nothing_behind_the_process_and_readiness_asks_everything(
    client, settings, monkeypatch
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert client.get("/healthz/live").json() == {"status": "ok"}
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503 and ready.json()["failing"] == ["cache"]
    assert client.get("/healthz/ready", **OUTSIDE).json() == {"status": "unavailable"}
    assert client.get("/healthz").status_code == 503  # unchanged: the combined check


def test_a_draining_process_is_not_ready(client, monkeypatch):
    assert client.get("/healthz/ready").status_code == 200
    monkeypatch.setitem(draining._state, "draining", True)
    response = client.get("/healthz/ready")
    assert response.status_code == 503 and response.json() == {"status": "draining"}
    assert client.get("/healthz/live").status_code == 200


# --- logs ---------------------------------------------------------------------------------------------


async def test_a_battles_log_lines_hold_no_prompt_answer_or_address(live_portal, two_demo_endpoints):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PortalJsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # everything the portal and its libraries would say at DEBUG
    try:
        secret = f"전입신고 서류 {uuid.uuid4().hex[:8]}"
        battle_id, events, _key = await battle(live_portal, secret)
        assert events[-1]["type"] == "turn_done"
        for _ in range(200):  # the server logs the socket once it has closed its side too
            if '"kind": "websocket"' in stream.getvalue():
                break
            await asyncio.sleep(0.05)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    turn = await database_sync_to_async(Turn.objects.get)(battle_id=battle_id)
    lines = log_lines(text)
    socket_lines = [r for r in lines if r.get("kind") == "websocket" and r.get("path") == "/ws/arena/"]
    assert socket_lines and socket_lines[0]["request_id"] != "-"
    assert secret not in text and "전입신고" not in text
    assert turn.response_a[:20] not in text and turn.response_b[:20] not in text
    assert "127.0.0.1" not in text


# --- graceful shutdown -------------------------------------------------------------------------------------


@pytest.fixture
def pacer():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.stamp_pacer", "0", "10", "20"],
        stdout=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{process.stdout.readline().strip()}/v1"
    yield url
    process.terminate()
    process.wait(10)


async def test_a_worker_told_to_stop_finishes_short_turns_and_cleanly_fails_long_ones(
    seed_data, pacer, settings, monkeypatch
):
    from portal.routing import application

    for name in ("A", "B"):
        await database_sync_to_async(register_attested)(
            team=f"페이서 {name}",
            model=f"pace-{name}",
            base_url=pacer,
            model_id=f"pace-{name}",
            internal=True,
        )
    settings.PORTAL_DRAIN_SECONDS = 4
    monkeypatch.setitem(draining._state, "draining", False)
    server = ServerThread(application, server_class=DrainingServer).start()
    try:
        short_key, long_key = await consented_cookie(), await consented_cookie()
        async with socket(server.url, short_key) as short, socket(server.url, long_key) as long:
            await long.send(json.dumps({"type": "prompt", "text": "긴 답변 pace:400:20"}))
            await short.send(json.dumps({"type": "prompt", "text": "짧은 답변 pace:30:20"}))
            long_events = await events_until(long, "delta")
            await events_until(short, "delta")
            server.server.should_exit = True  # what uvicorn's SIGTERM handler does
            short_events = await events_until(short, "turn_done")
            with pytest.raises(ConnectionClosed) as closed:
                await events_until(short, "never")
            assert closed.value.rcvd.code == draining.CLOSE_DRAINING
            with pytest.raises(ConnectionClosed) as cut:
                await events_until(long, "turn_done", timeout=60)
            assert cut.value.rcvd.code == draining.CLOSE_DRAINING
    finally:
        server.stop()
    assert short_events[-1]["votable"] is True
    long_battle = next(e["battle_id"] for e in long_events if e["type"] == "battle")
    battle_row = await database_sync_to_async(Battle.objects.get)(pk=long_battle)
    turn = await database_sync_to_async(Turn.objects.get)(battle_id=long_battle)
    assert turn.cancelled and not battle_row.in_turn  # failed cleanly: stored as cancelled, released
