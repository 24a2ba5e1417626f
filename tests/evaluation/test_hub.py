"""Derivative counts from a Hugging Face-compatible hub, against a real local HTTP server that pages
with Link headers and can fail."""

import json
from urllib.parse import parse_qs

import pytest

from core.audit import AuditLog
from evaluation import hub, services
from tests.servers import ServerThread

pytestmark = pytest.mark.django_db


def derived(repo, i, relation):
    return {
        "id": f"user{i}/{repo.split('/')[1]}-{relation}-{i}",
        "tags": [f"base_model:{repo}", f"base_model:{relation}:{repo}"],
    }


class FakeHub:
    """/api/models?filter=base_model:<repo> with `limit` paging through a Link header (a cursor)."""

    def __init__(self):
        self.models = {}
        self.fail = {}  # repo -> "500" | "json"
        self.requests = []

    async def __call__(self, scope, receive, send):
        assert scope["type"] == "http"
        query = parse_qs(scope["query_string"].decode())
        self.requests.append((scope["path"], query))
        repo = query.get("filter", [""])[0].removeprefix("base_model:")
        cursor, limit = int(query.get("cursor", ["0"])[0]), int(query.get("limit", ["1000"])[0])
        status, headers, body = 200, [(b"content-type", b"application/json")], b""
        if scope["path"] != "/api/models":
            status, body = 404, b"{}"
        elif self.fail.get(repo) == "500":
            status, body = 500, b'{"error": "boom"}'
        elif self.fail.get(repo) == "json":
            body = b"<html>not json</html>"
        else:
            items = self.models.get(repo, [])
            body = json.dumps(items[cursor : cursor + limit]).encode()
            if cursor + limit < len(items):
                nxt = f"/api/models?filter=base_model:{repo}&limit={limit}&cursor={cursor + limit}"
                headers.append(
                    (b"link", f'<http://{scope["server"][0]}:{scope["server"][1]}{nxt}>; rel="next"'.encode())
                )
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def fake_hub():
    app = FakeHub()
    with ServerThread(app) as server:
        yield app, server.url


def test_counts_every_page_by_relation(fake_hub, monkeypatch):
    app, url = fake_hub
    repo = "org/base"
    app.models[repo] = [
        derived(repo, i, r) for i, r in enumerate(["finetune"] * 5 + ["quantized"] * 3 + ["adapter"] * 2)
    ]
    app.models[repo].append({"id": repo, "tags": []})  # the base itself is not its own derivative
    monkeypatch.setattr(hub, "PAGE_SIZE", 4)
    counted = hub.derivatives_count(url, repo)
    assert counted.total == 10 and counted.by_relation == {"finetune": 5, "quantized": 3, "adapter": 2}
    assert len(app.requests) == 3  # 11 models, 4 per page
    assert app.requests[0][1]["filter"] == [f"base_model:{repo}"]


@pytest.mark.parametrize("failure", ["500", "json"])
def test_a_hub_failure_is_one_clear_error(fake_hub, failure):
    app, url = fake_hub
    app.fail["org/x"] = failure
    with pytest.raises(hub.HubError):
        hub.derivatives_count(url, "org/x")


def test_unreachable_hub_is_an_error():
    with pytest.raises(hub.HubError):
        hub.derivatives_count("http://127.0.0.1:9", "org/x")


def test_sync_updates_readable_teams_and_keeps_the_rest(fake_hub, contest):
    app, url = fake_hub
    round_obj, (a, b, c) = contest
    b.derivatives = 7
    b.save()
    app.models[a.hub_repo] = [derived(a.hub_repo, i, "finetune") for i in range(3)]
    app.fail[b.hub_repo] = "500"
    report = services.derivatives_sync(round_obj=round_obj, hub_url=url)
    assert report[a.team.name] == 3 and report[c.team.name] == 0
    assert isinstance(report[b.team.name], hub.HubError)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.derivatives, a.derivatives_source, a.derivatives_detail["by_relation"]) == (
        3,
        "hub",
        {"finetune": 3},
    )
    assert b.derivatives == 7  # unchanged on failure
    assert AuditLog.objects.filter(action="derivatives").count() == 2
