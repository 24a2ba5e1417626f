"""What the page is told about each side and about the vote: a thinking model says so (never what it
thinks), and a vote kept but not counted is explained at the reveal, never dropped in silence."""

import pytest
from channels.db import database_sync_to_async

from arena.consent import session_voter
from arena.models import Battle, Vote
from tests.arena.factories import connect, events_until_turn_done, finished_battle
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.conftest import register_attested


def reasoner(attempt):
    actions = [head()]
    for k in range(10):
        actions += [sse(chunk(reasoning=f"비밀스러운 추론 {k}")), 0.3]
    return [*actions, sse(chunk("답입니다.", finish="stop")), sse("[DONE]")]


@pytest.fixture
def reasoning_server():
    server = MisbehavingServer(
        {
            "reasoner": reasoner,
            "plain": lambda n: [head(), sse(chunk("바로 답합니다.", finish="stop")), sse("[DONE]")],
        }
    ).start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
async def test_a_reasoning_side_is_announced_as_thinking_and_its_reasoning_stays_on_the_server(
    reasoning_server, consented_session
):
    for scenario in ("reasoner", "plain"):
        await database_sync_to_async(register_attested)(
            team=f"팀 {scenario}",
            model=f"모델 {scenario}",
            base_url=reasoning_server.base_url(scenario),
            model_id=scenario,
            internal=True,
        )
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "생각해 보고 답해 줘"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()
    battle = await database_sync_to_async(Battle.objects.select_related("model_a").get)()
    thinker = "a" if battle.model_a.model_id == "reasoner" else "b"
    kinds = [(e["type"], e.get("side")) for e in events]
    thinking = [k for k in kinds if k == ("thinking", thinker)]
    # About 3 s of reasoning, told at most once a second: a heartbeat, not a relay of the reasoning.
    assert 2 <= len(thinking) <= 5, kinds
    assert ("thinking", "ab".replace(thinker, "")) not in kinds
    assert kinds.index(("thinking", thinker)) < kinds.index(("delta", thinker))
    assert "추론" not in str(events)
    assert {e["type"] for e in events} <= {
        "battle",
        "turn_started",
        "thinking",
        "delta",
        "side_done",
        "turn_done",
    }


@pytest.fixture
def voting_client(client, two_demo_endpoints):
    client.post("/arena/consent/")
    return client, session_voter(client.session)


def reveal(client, battle):
    response = client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_counted_vote_says_nothing_more(voting_client):
    client, voter = voting_client
    html = reveal(client, finished_battle(voter))
    assert "vote-not-counted" not in html and Vote.objects.get().inclusion == Vote.Inclusion.VALID


@pytest.mark.django_db
def test_a_vote_too_fast_says_so_at_the_reveal(voting_client, settings):
    client, voter = voting_client
    settings.ARENA_MIN_SECONDS_TO_VOTE = 30
    html = reveal(client, finished_battle(voter))
    assert Vote.objects.get().inclusion == Vote.Inclusion.TOO_FAST
    assert 'data-testid="vote-not-counted"' in html
    assert "순위에는 반영하지 않습니다" in html and "30초가 지나기 전에" in html


@pytest.mark.django_db
def test_an_identity_leak_says_so_at_the_reveal(voting_client):
    client, voter = voting_client
    battle = finished_battle(voter)
    Battle.objects.filter(pk=battle.pk).update(identity_leak=True)
    html = reveal(client, battle)
    assert Vote.objects.get().inclusion == Vote.Inclusion.IDENTITY_LEAK
    assert "모델 이름이 드러났거나" in html


@pytest.mark.django_db
def test_a_vote_over_the_device_limit_says_so_at_the_reveal_and_on_the_battle_record(voting_client, settings):
    client, voter = voting_client
    settings.ARENA_VOTES_PER_DAY_PER_DEVICE = 0
    battle = finished_battle(voter)
    html = reveal(client, battle)
    assert Vote.objects.get().inclusion == Vote.Inclusion.RATE_LIMITED
    assert "오늘 순위에 반영할 수 있는 투표 수를 넘었습니다" in html
    record = client.get(f"/arena/battles/{battle.pk}/").content.decode()
    assert 'data-testid="vote-not-counted"' in record


@pytest.mark.django_db
def test_the_battle_page_tells_the_script_the_stall_and_reading_times(voting_client, settings):
    client, _voter = voting_client
    settings.ARENA_STALL_SECONDS = 7
    settings.ARENA_MIN_SECONDS_TO_VOTE = 2.5
    html = client.get("/arena/").content.decode()
    assert 'data-stall-seconds="7"' in html and 'data-min-vote-seconds="2.5"' in html
    assert 'data-testid="state-a"' in html and 'data-testid="state-b"' in html
