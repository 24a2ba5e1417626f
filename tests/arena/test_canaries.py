"""Drift canaries and the health probe against real local model servers: a model swapped behind the
same endpoint is caught and suspended; a server that lists its models but fails every chat is
unhealthy and never sampled; a timeout is unhealthy, not drift; canary answers stay out of the open
data and the public pages."""

import asyncio
import hashlib
import json

import httpx
import pytest
from django.utils import timezone

from arena.battles import services as battle_services
from arena.endpoints import similarity
from arena.endpoints.canary import DEVELOPMENT_PROMPTS, canary_outcome_counts
from arena.endpoints.demo_models import DemoModelServer
from arena.endpoints.services import endpoint_register
from arena.endpoints.tasks import canaries_run, endpoints_probe
from arena.errors import NoModelsAvailable
from arena.models import CanaryAnswer, CanaryRun, ModelEndpoint
from arena.ratings.export import export_votes
from core import roles
from core.audit import AuditLog
from tests.arena.factories import bt_votes
from tests.conftest import attest
from tests.personas import make_user
from tests.servers import ServerThread

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def switchable():
    """A demo model server whose model behind a served id the test can swap, as a team could."""
    server = DemoModelServer(speed=50)
    with ServerThread(server) as thread:
        yield server, thread.url + "/v1"


class FlakyServer:
    """Lists its models like any server; its chat completions fail (HTTP 500), stall, or refuse `seed`."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.bodies: list[dict] = []

    async def __call__(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"].endswith("/models"):
            return await self._json(send, 200, {"object": "list", "data": [{"id": "m", "object": "model"}]})
        request = json.loads(body)
        self.bodies.append(request)
        if self.mode == "fail":
            return await self._json(
                send, 500, {"error": {"message": "CUDA out of memory", "type": "server_error"}}
            )
        if self.mode == "slow":
            await asyncio.sleep(5)
        if self.mode == "no_seed" and "seed" in request:
            return await self._json(send, 400, {"error": {"message": "Unrecognized request argument: seed"}})
        answer = {
            "index": 0,
            "message": {"role": "assistant", "content": "고정된 답입니다."},
            "finish_reason": "stop",
        }
        return await self._json(send, 200, {"object": "chat.completion", "choices": [answer]})

    @staticmethod
    async def _json(send, status, payload):
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


def flaky(mode: str):
    server = FlakyServer(mode)
    return server, ServerThread(server)


def register(team: str, base_url: str, model_id: str) -> ModelEndpoint:
    return attest(
        endpoint_register(
            team=team, model=f"{team}-모델", base_url=base_url, model_id=model_id, internal=True
        )[0]
    )


def test_a_model_swapped_behind_the_same_endpoint_is_caught_and_suspended(switchable, client, seed_data):
    server, url = switchable
    server.served |= {"team-x": "demo-garam", "team-y": "demo-raon"}
    x, y = register("팀 X", url, "team-x"), register("팀 Y", url, "team-y")
    assert canaries_run.delay().get() == {x.pk: "baseline", y.pk: "baseline"}
    assert canaries_run.delay().get() == {x.pk: "same", y.pk: "same"}
    assert CanaryRun.objects.filter(endpoint=x).first().similarity == 1.0
    server.served["team-x"] = "demo-narae"  # the team puts another model behind its endpoint
    assert canaries_run.delay().get() == {x.pk: "drifted", y.pk: "same"}
    x.refresh_from_db()
    drifted = CanaryRun.objects.filter(endpoint=x).first()
    assert x.suspended_at is not None and x.is_healthy
    assert drifted.similarity < drifted.threshold and drifted.review == "pending"
    assert x not in ModelEndpoint.objects.available()
    with pytest.raises(NoModelsAvailable):
        battle_services.battle_create(voter="v")
    # A suspended version is not checked again until staff decide.
    assert canaries_run.delay().get() == {y.pk: "same"}
    # Staff see the alert and the diff of the answers (the prompts are kept only as hashes).
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    client.force_login(reviewer)
    assert 'data-testid="drift-alert"' in client.get("/staff/").content.decode()
    page = client.get("/staff/versions/").content.decode()
    assert f'data-testid="drift-{drifted.pk}"' in page and "<del>" in page and "<ins>" in page
    assert set(CanaryAnswer.objects.values_list("prompt_key", flat=True)) <= {
        hashlib.sha256(p.encode()).hexdigest() for p in DEVELOPMENT_PROMPTS
    }
    # Clearing (say the team proves it is the same model) needs a reason, restores it and re-baselines.
    assert (
        client.post(f"/staff/versions/drift/{drifted.pk}/", {"action": "clear", "reason": "짧"}).status_code
        == 302
    )
    x.refresh_from_db()
    assert x.suspended_at is not None and not AuditLog.objects.filter(action="drift_cleared").exists()
    client.post(
        f"/staff/versions/drift/{drifted.pk}/", {"action": "clear", "reason": "팀이 같은 가중치임을 증명함"}
    )
    x.refresh_from_db()
    assert x.suspended_at is None and x in ModelEndpoint.objects.available()
    entry = AuditLog.objects.get(action="drift_cleared")
    assert entry.actor == reviewer and entry.details["similarity"] == drifted.similarity
    assert canaries_run.delay().get() == {x.pk: "same", y.pk: "same"}  # the new answers are the baseline


def test_a_confirmed_drift_retires_the_version_for_a_version_mismatch(switchable, client, seed_data):
    server, url = switchable
    server.served |= {"team-x": "demo-garam"}
    x = register("팀 X", url, "team-x")
    canaries_run.delay()
    server.served["team-x"] = "demo-maru"
    canaries_run.delay()
    drifted = CanaryRun.objects.get(endpoint=x, outcome="drifted")
    client.force_login(make_user("reviewer", roles.MINISTRY_REVIEWER))
    client.post(
        f"/staff/versions/drift/{drifted.pk}/", {"action": "confirm", "reason": "다른 모델의 답과 일치"}
    )
    x.refresh_from_db()
    assert x.retired_on == timezone.localdate() and x.retirement_reason == "version_mismatch"
    assert AuditLog.objects.filter(action="drift_confirmed", target=f"endpoint:{x.pk}").exists()
    assert "확인서와 다른 모델로 확인됨" in client.get("/methodology/changes/").content.decode()


def test_an_endpoint_whose_chat_fails_is_unhealthy_and_never_sampled(demo_endpoints):
    garam, raon = demo_endpoints("demo-garam", "demo-raon")
    server, thread = flaky("fail")
    with thread:
        broken = register("고장팀", thread.url + "/v1", "m")
        assert httpx.get(thread.url + "/v1/models").status_code == 200  # listing its models works
        results = endpoints_probe.delay().get()
    assert results[garam.pk] == results[raon.pk] == ""
    assert results[broken.pk].startswith("http_status: HTTP 500")
    broken.refresh_from_db()
    assert not broken.is_healthy and "CUDA out of memory" in broken.last_probe_error
    assert server.bodies and server.bodies[0]["max_tokens"] == 16  # a real chat completion was asked for
    drawn = set()
    for _ in range(200):
        battle = battle_services.battle_create(voter="v")
        drawn |= {battle.model_a_id, battle.model_b_id}
    assert drawn == {garam.pk, raon.pk}


def test_a_canary_that_times_out_is_unhealthy_not_drifted(settings, switchable):
    settings.ARENA_FIRST_TOKEN_TIMEOUT = 0.5
    settings.ARENA_TOTAL_TIMEOUT = 1.0
    _, url = switchable
    server, thread = flaky("slow")
    with thread:
        slow = register("느린팀", thread.url + "/v1", "m")
        CanaryRun.objects.create(  # a baseline exists, so a comparison would have been possible
            endpoint=slow,
            version="m",
            outcome="baseline",
            is_baseline=True,
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )
        assert canaries_run.delay().get() == {slow.pk: "unhealthy"}
        assert endpoints_probe.delay().get()[slow.pk].startswith("timeout")
    slow.refresh_from_db()
    run = CanaryRun.objects.filter(endpoint=slow).first()
    assert run.error.startswith("timeout_first_token") and run.similarity is None
    assert slow.suspended_at is None and not slow.is_healthy
    assert canary_outcome_counts() | {} == {"baseline": 1, "same": 0, "drifted": 0, "unhealthy": 1}


def test_a_server_that_refuses_the_seed_is_asked_again_without_it():
    server, thread = flaky("no_seed")
    with thread:
        endpoint = register("시드없는팀", thread.url + "/v1", "m")
        assert canaries_run.delay().get() == {endpoint.pk: "baseline"}
    assert "seed" in server.bodies[0] and "seed" not in server.bodies[1]
    assert all(b["temperature"] == 0 for b in server.bodies)
    assert CanaryAnswer.objects.filter(run__endpoint=endpoint).count() == len(DEVELOPMENT_PROMPTS)


def test_canary_answers_never_reach_the_export_or_the_public_pages(switchable, client, tmp_path, settings):
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 10
    server, url = switchable
    server.served |= {"team-x": "demo-garam", "team-y": "demo-raon"}
    x, y = register("팀 X", url, "team-x"), register("팀 Y", url, "team-y")
    canaries_run.delay()
    answer = CanaryAnswer.objects.filter(run__endpoint=x).first().text
    assert "대한민국의 수도" in answer  # the demo model echoes the question
    bt_votes([x, y], [0, 0], 30)
    export_votes(tmp_path)
    for path in tmp_path.iterdir():
        assert "대한민국의 수도" not in path.read_text(encoding="utf-8"), path.name
    for page in (
        "/leaderboard/",
        f"/arena/models/{x.pk}/",
        "/methodology/",
        "/methodology/changes/",
        "/leaderboard/exposure/",
    ):
        assert "대한민국의 수도" not in client.get(page).content.decode(), page


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("같은 답입니다.", "같은 답입니다.", 1.0),
        ("같은 답입니다.\n", "  같은   답입니다. ", 1.0),  # whitespace is not drift
        ("１２３", "123", 1.0),  # NFKC: full-width digits
        ("", "", 1.0),
        ("abcd", "wxyz", 0.0),
        ("abcd", "abxy", 0.5),  # 2·2 / 8
    ],
)
def test_the_similarity_measure(a, b, expected):
    assert similarity.similarity(a, b) == pytest.approx(expected)


def test_the_word_diff_keeps_order_and_marks_changes():
    parts = similarity.word_diff("서울은 대한민국의 수도입니다.", "부산은 대한민국의 수도입니다.")
    assert [(p.kind, p.text) for p in parts] == [
        ("removed", "서울은"),
        ("added", "부산은"),
        ("same", "대한민국의 수도입니다."),
    ]
