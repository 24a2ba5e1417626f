"""The portal as a distributed system: two nodes (gunicorn, two uvicorn workers each, in network
namespaces of their own where the machine allows), a Celery worker and beat, one PostgreSQL, one Redis
(tests/topology.py). A citizen's battle streams from one node while the other serves the vote, the
reveal, my-data and the leaderboard; limits hold across nodes; the worker refits the board once; then
the faults: a node killed mid-battle, Redis restarted, the worker stopped, a database connection
dropped during a vote, a node drained by SIGTERM. Afterwards the ledger verifies and the stored votes
are exactly the ones the clients were told were stored.

Marked `topology`: it runs where DATABASE_URL names PostgreSQL and REDIS_URL is set (CI's second
pass); `-m "not topology"` skips it locally. Everything it starts it stops, and the database, the
Redis, the namespaces and the links it made are removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from arena.ratings.tables import VIEWS as LEADERBOARD_VIEWS
from tests.topology import Node, Topology, log_lines, metric_value, wait_until

# Also `browser`: one test drives Chromium, and the suite runs Playwright's tests last (tests/conftest.py).
pytestmark = [pytest.mark.topology, pytest.mark.browser]

BATTLES_PER_HOUR = 6
REFRESH_AFTER_VOTE = 4
NODE_ENV = {
    "ARENA_BATTLES_PER_HOUR": str(BATTLES_PER_HOUR),
    # Beat's own refit is an hour away: every refit seen here was asked for by a vote.
    "LEADERBOARD_REFRESH_SECONDS": "3600",
    "LEADERBOARD_REFRESH_AFTER_VOTE_SECONDS": str(REFRESH_AFTER_VOTE),
    "ENDPOINT_PROBE_SECONDS": "3",
    "PORTAL_DRAIN_SECONDS": "12",
    # Every logger at DEBUG: the logs must hold no prompt, answer or address even then.
    "LOG_LEVEL": "DEBUG",
}
VIEWS = len(LEADERBOARD_VIEWS)  # one snapshot of each per refit
SHORT = "pace:6:30"  # a 0.2 s answer
DISCONNECTED = "서버와 연결이 끊겼습니다. 새 대결을 시작해 주세요."


@pytest.fixture(scope="module")
def topo():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        pytest.skip("the topology runs on PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with Topology(database_url=url, tls=True, env=NODE_ENV) as topology:
        topology.told = []  # (battle id, choice) of every vote a client was told was stored
        yield topology


# --- a citizen, speaking to whichever node it is pointed at ------------------------------------------


@dataclass
class Citizen:
    topo: Topology
    cookies: dict[str, str] = field(default_factory=dict)

    def _remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def _headers(self, node: Node, **extra: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "Origin": node.url, "Referer": node.url + "/arena/", **extra}

    def get(self, node: Node, path: str) -> httpx.Response:
        with self.topo.client() as http:
            response = http.get(node.url + path, headers=self._headers(node))
        self._remember(response)
        return response

    def post(self, node: Node, path: str, data: dict, **headers: str) -> httpx.Response:
        if "csrftoken" not in self.cookies:
            self.get(node, "/arena/")
        with self.topo.client() as http:
            response = http.post(
                node.url + path,
                data=data,
                headers=self._headers(node, **{"X-CSRFToken": self.cookies["csrftoken"], **headers}),
            )
        self._remember(response)
        return response

    def consent(self, node: Node) -> Citizen:
        assert self.post(node, "/arena/consent/", {}).status_code == 302
        return self

    def socket(self, node: Node):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        return connect(
            node.ws_url,
            ssl=context if node.tls else None,
            origin=node.url,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            open_timeout=30,
            max_size=None,
        )

    def battle(self, node: Node, prompt: str) -> tuple[str | None, list[dict]]:
        """One turn of a new battle on `node`: (battle id, every event up to the turn's end)."""
        with self.socket(node) as ws:
            ws.send(json.dumps({"type": "prompt", "text": prompt}, ensure_ascii=False))
            events = read_until(ws, "turn_done", "error", "blocked")
        battle = next((e["battle_id"] for e in events if e["type"] == "battle"), None)
        return battle, events

    def vote(self, node: Node, battle_id: str, choice: str = "a") -> httpx.Response:
        response = self.post(
            node, "/arena/vote/", {"battle_id": battle_id, "choice": choice}, **{"HX-Request": "true"}
        )
        if response.status_code == 200:
            self.topo.told.append((battle_id, choice))
        return response


def read_until(ws, *kinds: str, timeout: float = 90) -> list[dict]:
    events = []
    deadline = time.monotonic() + timeout
    while True:
        events.append(json.loads(ws.recv(timeout=max(1, deadline - time.monotonic()))))
        if events[-1]["type"] in kinds:
            return events


def prompt(text: str, pace: str = SHORT) -> str:
    return f"{text} {uuid.uuid4().hex[:8]} {pace}"


def snapshots_covering(topo: Topology, vote_id: int) -> int:
    return topo.sql(
        "SELECT count(*) FROM arena_leaderboardsnapshot WHERE (method->>'last_vote_id')::int >= %s",
        (vote_id,),
    )[0][0]


def last_vote_id(topo: Topology) -> int:
    return topo.sql("SELECT coalesce(max(id), 0) FROM arena_vote")[0][0]


def refits(text: str) -> float:
    return metric_value(text, "kai_leaderboard_refresh_seconds_count")


# --- 1. one citizen, two nodes ------------------------------------------------------------------------


def test_a_battle_streams_from_one_node_and_the_other_serves_vote_reveal_my_data_and_board(topo):
    node1, node2 = topo.nodes
    citizen = Citizen(topo).consent(node2)
    secret = f"토폴로지 비밀 질문 {uuid.uuid4().hex[:10]}"
    battle, events = citizen.battle(node1, f"{secret} pace:12:30")
    assert events[-1] == {"type": "turn_done", "turn": 1, "votable": True, "turns_left": 4}
    answer = "".join(e["text"] for e in events if e["type"] == "delta" and e["side"] == "a")
    assert answer.count("<") == 12  # every token of side A reached the citizen

    refits_before = refits(topo.worker_metrics())
    vote = citizen.vote(node2, battle)
    assert vote.status_code == 200
    assert "pace-A" in vote.text and "pace-B" in vote.text  # the reveal, from the other node
    assert citizen.get(node2, f"/arena/battles/{battle}/").status_code == 200
    my_data = citizen.get(node2, "/arena/my-data/")
    assert secret in my_data.text

    # The refit the vote asked for: computed by the worker, once, and by neither node.
    wait_until(lambda: snapshots_covering(topo, last_vote_id(topo)) >= VIEWS, timeout=120, what="refit")
    board = citizen.get(node2, "/api/v1/leaderboard/?view=overall").json()
    assert board["votes_counted"] == 1
    assert refits(topo.worker_metrics()) == refits_before + 1
    assert snapshots_covering(topo, last_vote_id(topo)) == VIEWS
    for node in topo.nodes:
        assert refits(topo.node_metrics(node)) == 0

    # Metrics of every worker of a node, with their labels.
    streamed, voted = topo.node_metrics(node1), topo.node_metrics(node2)
    assert metric_value(streamed, "kai_battle_turns_total", outcome="completed") >= 1
    assert metric_value(streamed, "kai_tokens_relayed_total") >= 24
    assert metric_value(voted, "kai_votes_stored_total", inclusion="valid") == 1
    assert (
        metric_value(
            voted,
            "django_http_requests_total_by_view_transport_method_total",
            view="arena:vote",
            method="POST",
        )
        == 1
    )
    assert "kai_battle_turns_in_flight" in streamed

    # The logs of that battle, at DEBUG, on every process: JSON lines with request ids, and nothing of
    # the prompt, the answer or any address.
    stored = topo.sql(
        "SELECT response_a FROM arena_turn t JOIN arena_battle b ON b.id = t.battle_id WHERE b.id = %s",
        (uuid.UUID(battle),),
    )[0][0]
    socket_lines = [r for r in log_lines(node1.process.text()) if r.get("kind") == "websocket"]
    assert socket_lines and all(len(r["request_id"]) == 32 for r in socket_lines)
    for process in [*topo.nodes, topo]:
        text = process.process.text() if isinstance(process, Node) else topo.worker.text() + topo.beat.text()
        assert secret not in text and "비밀 질문" not in text
        assert stored[:30] not in text and "pace:12:30" not in text
        assert not re.search(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])", text), "an address was logged"


# --- 2. limits across nodes -----------------------------------------------------------------------------


def test_usage_limits_hold_across_nodes(topo):
    citizen = Citizen(topo).consent(topo.nodes[0])
    outcomes = []
    for i in range(BATTLES_PER_HOUR + 2):
        _battle, events = citizen.battle(topo.nodes[i % 2], prompt("한도 시험"))
        outcomes.append(events[-1].get("code") or events[-1]["type"])
    assert outcomes == ["turn_done"] * BATTLES_PER_HOUR + ["rate_limited"] * 2
    topo.limited = citizen


# --- 3. a node killed mid-battle -------------------------------------------------------------------------


def test_a_node_killed_mid_battle_fails_that_battle_only_and_the_page_says_so(topo, browser):
    node1, node2 = topo.nodes
    page = browser.new_context(locale="ko-KR", ignore_https_errors=True).new_page()
    page.set_default_timeout(60_000)
    page.goto(node1.url + "/arena/")
    page.get_by_test_id("consent-accept").click()
    page.get_by_test_id("prompt-input").fill(prompt("긴 답변을 부탁합니다", "pace:400:10"))
    page.get_by_test_id("send-prompt").click()
    page.get_by_test_id("response-a").filter(has_text="<").wait_for()

    # Meanwhile on the other node: a battle voted on, and one whose vote is on its way to node 1.
    other = Citizen(topo).consent(node2)
    voted, _ = other.battle(node2, prompt("다른 노드의 대결"))
    assert other.vote(node2, voted).status_code == 200
    pending, _ = other.battle(node2, prompt("투표 중인 대결"))
    in_flight = _VoteInFlight(topo, other, node1, pending)

    node1.process.signal(9, group=True)  # SIGKILL: the master and both workers
    node1.process.wait(30)
    page.locator("#arena-status").filter(has_text=DISCONNECTED).wait_for()
    assert in_flight.finish() is None  # the node died before it answered
    retried = other.vote(node2, pending)  # the citizen tries again, on the node that is up
    assert retried.status_code == 200
    assert topo.sql("SELECT count(*) FROM arena_vote WHERE battle_id = %s", (uuid.UUID(pending),))[0][0] == 1
    assert topo.sql("SELECT count(*) FROM arena_vote WHERE battle_id = %s", (uuid.UUID(voted),))[0][0] == 1
    page.context.close()
    topo.node_restart(node1)


class _VoteInFlight:
    """A vote held inside its transaction (the test holds the ledger's head row) while the node dies."""

    def __init__(self, topo: Topology, citizen: Citizen, node: Node, battle: str) -> None:
        self.lock = psycopg.connect(topo.database_url(via_relay=False))
        self.lock.execute("SELECT * FROM arena_ledgerhead FOR UPDATE")
        self.response: httpx.Response | Exception | None = None
        self.thread = threading.Thread(target=self._post, args=(citizen, node, battle), daemon=True)
        self.thread.start()
        wait_until(lambda: waiting_on_lock(topo), timeout=60, what="the vote waiting for the ledger")

    def _post(self, citizen: Citizen, node: Node, battle: str) -> None:
        try:
            self.response = citizen.vote(node, battle)
        except httpx.HTTPError as error:
            self.response = error

    def finish(self) -> httpx.Response | None:
        self.lock.rollback()
        self.lock.close()
        self.thread.join(60)
        return self.response if isinstance(self.response, httpx.Response) else None


def waiting_on_lock(topo: Topology) -> list[int]:
    return [
        row[0]
        for row in topo.sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (topo.database,),
        )
    ]


# --- 4. Redis restarted ----------------------------------------------------------------------------------


def test_a_redis_restart_loses_nothing_and_limits_and_sockets_recover(topo):
    node1, node2 = topo.nodes
    votes_before = topo.sql("SELECT count(*) FROM arena_vote")[0][0]
    topo.redis_restart()
    for node in topo.nodes:
        topo.node_wait(node, timeout=60)
    assert topo.sql("SELECT count(*) FROM arena_vote")[0][0] == votes_before
    limited = getattr(topo, "limited", None)
    if limited is not None:  # its hour's count survived the restart, on both nodes
        for node in topo.nodes:
            assert limited.battle(node, prompt("재시작 뒤 한도"))[1][-1]["code"] == "rate_limited"
    citizen = Citizen(topo).consent(node2)
    battle, events = citizen.battle(node1, prompt("재시작 뒤 대결"))
    assert events[-1]["type"] == "turn_done"
    assert citizen.vote(node2, battle).status_code == 200


# --- 5. the Celery worker stopped ---------------------------------------------------------------------------


def test_votes_are_stored_while_the_worker_is_down_and_the_board_catches_up_once(topo):
    node1, node2 = topo.nodes
    citizens = [Citizen(topo).consent(node) for node in topo.nodes]
    battles = [
        c.battle(node, prompt("작업자 정지 중"))[0] for c, node in zip(citizens, topo.nodes, strict=True)
    ]
    topo.worker.stop(timeout=60)
    # The refit a vote asks for at most every REFRESH_AFTER_VOTE seconds: let the last one's lapse.
    wait_until(lambda: not topo.redis_key_exists("arena:leaderboard-refresh"), timeout=60, what="refit lock")
    covered = topo.sql(
        "SELECT coalesce(max((method->>'last_vote_id')::int), 0) FROM arena_leaderboardsnapshot"
    )[0][0]
    for citizen, node, battle in zip(citizens, (node2, node1), battles, strict=True):
        assert citizen.vote(node, battle).status_code == 200
    newest = last_vote_id(topo)
    assert newest > covered
    assert snapshots_covering(topo, newest) == 0  # nobody refits while the worker is down

    topo.worker_start()
    topo.worker_wait()
    wait_until(lambda: snapshots_covering(topo, newest) >= VIEWS, timeout=120, what="the board catching up")
    assert refits(topo.worker_metrics()) == 1  # one refit for the votes of both nodes
    assert snapshots_covering(topo, newest) == VIEWS


# --- 6. a database connection dropped during a vote ----------------------------------------------------------


def test_a_vote_whose_database_connection_drops_is_refused_whole_then_stored_once(topo):
    node1, node2 = topo.nodes
    citizen = Citizen(topo).consent(node1)
    battle, _ = citizen.battle(node1, prompt("연결 끊김"))
    ledger_before = topo.sql("SELECT count(*) FROM arena_voteledgerentry")[0][0]
    in_flight = _VoteInFlight(topo, citizen, node2, battle)
    for pid in waiting_on_lock(topo):
        topo.sql("SELECT pg_terminate_backend(%s)", (pid,))
    response = in_flight.finish()
    assert response is not None and response.status_code == 503
    assert "아무것도 기록되지 않았으니" in response.text
    assert topo.sql("SELECT count(*) FROM arena_vote WHERE battle_id = %s", (uuid.UUID(battle),))[0][0] == 0
    assert topo.sql("SELECT count(*) FROM arena_voteledgerentry")[0][0] == ledger_before
    assert topo.sql("SELECT status FROM arena_battle WHERE id = %s", (uuid.UUID(battle),))[0][0] == "open"

    assert citizen.vote(node2, battle).status_code == 200
    assert citizen.vote(node1, battle).status_code == 200  # the same vote again: returned, not doubled
    topo.told.pop()
    assert topo.sql("SELECT count(*) FROM arena_vote WHERE battle_id = %s", (uuid.UUID(battle),))[0][0] == 1


# --- 7. a node drained by SIGTERM ----------------------------------------------------------------------------


def test_a_node_draining_on_sigterm_finishes_short_turns_and_cleanly_fails_long_ones(topo):
    node1, node2 = topo.nodes
    short, long = Citizen(topo).consent(node2), Citizen(topo).consent(node2)
    with short.socket(node2) as ws_short, long.socket(node2) as ws_long:
        ws_long.send(json.dumps({"type": "prompt", "text": prompt("아주 긴 답변", "pace:600:10")}))
        ws_short.send(json.dumps({"type": "prompt", "text": prompt("조금 긴 답변", "pace:40:10")}))
        long_events = read_until(ws_long, "delta")
        short_events = read_until(ws_short, "delta")
        node2.process.signal(15)  # SIGTERM to the master, as a deploy would
        short_events += read_until(ws_short, "turn_done")
        with pytest.raises(ConnectionClosed) as closed:
            read_until(ws_short, "never")
        assert closed.value.rcvd.code == 1012  # closed once its turn was done
        with pytest.raises(ConnectionClosed) as cut:
            read_until(ws_long, "turn_done", timeout=120)
        assert cut.value.rcvd.code == 1012
    assert short_events[-1]["votable"] is True
    node2.process.wait(90)
    short_battle = next(e["battle_id"] for e in short_events if e["type"] == "battle")
    long_battle = next(e["battle_id"] for e in long_events if e["type"] == "battle")
    # The long turn was stored as cancelled and its battle released: failed cleanly, nothing half-written.
    assert topo.sql(
        "SELECT t.cancelled, b.in_turn FROM arena_turn t JOIN arena_battle b ON b.id = t.battle_id WHERE b.id = %s",
        (uuid.UUID(long_battle),),
    ) == [(True, False)]
    assert short.vote(node1, short_battle).status_code == 200
    drain_lines = [
        r["message"] for r in log_lines(node2.process.text()) if r["message"].startswith("draining")
    ]
    assert any("still streaming at the deadline" in line for line in drain_lines)
    topo.node_restart(node2)


# --- afterwards -------------------------------------------------------------------------------------------


def test_afterwards_the_ledger_verifies_and_the_counts_match_what_clients_were_told(topo):
    out = topo.manage("verify_vote_ledger")
    assert "ledger intact" in out.stdout
    stored = topo.sql("SELECT battle_id::text, choice FROM arena_vote ORDER BY id")
    assert sorted(stored) == sorted(topo.told)
    assert len(topo.told) >= 1
    assert topo.sql("SELECT count(*) FROM arena_voteledgerentry")[0][0] == len(topo.told)
