"""Usage limits: all-or-nothing allowances in the cache, a Korean message and Retry-After."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from arena.battles.services import vote_record
from arena.models import Battle, Vote
from arena.safety import limits
from tests.arena.test_consumer import connect, events_until_turn_done
from tests.arena.test_votes import finished_battle

ROOT = Path(__file__).resolve().parents[2]


def test_limit_counts_and_refuses_with_retry_after():
    limit = limits.Limit("votes", 2, 86400)
    limits.take((limit, "voter-1", 1))
    limits.take((limit, "voter-1", 1))
    with pytest.raises(limits.LimitExceeded) as caught:
        limits.take((limit, "voter-1", 1))
    assert 0 < caught.value.retry_after <= 86400
    assert "하루에 투표는 2번까지" in str(caught.value.message) and "뒤에 다시 시도해 주세요" in str(
        caught.value.message
    )
    limits.take((limit, "voter-2", 1))  # someone else is not affected


def test_refusal_takes_nothing_from_the_other_limits():
    chars = limits.Limit("chars", 100, 7200)
    battles = limits.Limit("battles", 1, 3600)
    limits.take((battles, "v", 1))
    for _ in range(3):
        with pytest.raises(limits.LimitExceeded):
            limits.take((chars, "net", 40), (battles, "v", 1))
    limits.take((chars, "net", 100))  # all 100 characters are still there


@pytest.mark.parametrize(
    ("address", "network"),
    [("203.0.113.77", "203.0.113.0/24"), ("2001:db8:1:2::5", "2001:db8:1::/48"), ("nonsense", "unknown")],
)
def test_network_prefix(address, network):
    assert limits.network_of(address) == network


@pytest.mark.django_db(transaction=True)
async def test_battles_per_hour_on_the_socket(two_demo_endpoints, consented_session, settings):
    settings.ARENA_BATTLES_PER_HOUR = 1
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "첫 대결"})
    await events_until_turn_done(communicator)
    await communicator.send_json_to({"type": "prompt", "text": "같은 대결의 이어지는 질문"})
    assert (await events_until_turn_done(communicator))[-1]["type"] == "turn_done"  # follow-ups are free
    await communicator.send_json_to({"type": "new_battle"})
    await communicator.send_json_to({"type": "prompt", "text": "두 번째 대결"})
    refused = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert refused["code"] == "rate_limited" and refused["retry_after"] > 0
    assert "한 시간에 새 대결은 1번까지" in refused["message"]
    assert await database_sync_to_async(Battle.objects.count)() == 1


@pytest.mark.django_db
def test_votes_per_day_answer_429_and_store_nothing(client, two_demo_endpoints, settings):
    from arena.consent import session_voter

    settings.ARENA_VOTES_PER_DAY = 1
    client.post("/arena/consent/")
    me = session_voter(client.session)
    first, second = finished_battle(me), finished_battle(me)
    assert client.post("/arena/vote/", {"battle_id": first.pk, "choice": "a"}).status_code == 302
    response = client.post("/arena/vote/", {"battle_id": second.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "하루에 투표는 1번까지" in response.content.decode()
    assert Vote.objects.count() == 1 and Battle.objects.get(pk=second.pk).status == Battle.Status.OPEN


@pytest.mark.django_db
def test_the_same_vote_twice_is_stored_once_and_counted_once(two_demo_endpoints, voter, settings):
    settings.ARENA_VOTES_PER_DAY = 1
    battle = finished_battle(voter)
    first = vote_record(battle_id=battle.pk, voter=voter, choice="a")
    assert vote_record(battle_id=battle.pk, voter=voter, choice="a").pk == first.pk


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis configured by REDIS_URL")
def test_limits_hold_across_processes():
    limit = limits.Limit("votes", 3, 86400)
    script = (
        "import django; django.setup()\n"
        "from arena import limits\n"
        "limits.take((limits.Limit('votes', 3, 86400), 'shared-voter', 2))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
    limits.take((limit, "shared-voter", 1))  # 2 taken by the other process + 1 here = 3
    with pytest.raises(limits.LimitExceeded):
        limits.take((limit, "shared-voter", 1))


@pytest.mark.django_db(transaction=True)
async def test_a_refused_battle_costs_nothing(consented_session, settings, demo_endpoints):
    settings.ARENA_BATTLES_PER_HOUR = 1
    communicator, _, _ = await connect(consented_session)
    for _ in range(2):  # no models registered: each attempt fails, neither uses the one battle allowed
        await communicator.send_json_to({"type": "prompt", "text": "모델이 없을 때"})
        assert (await communicator.receive_json_from(timeout=5))["code"] == "no_models"
    await database_sync_to_async(demo_endpoints)("demo-garam", "demo-raon")
    await communicator.send_json_to({"type": "prompt", "text": "이제 모델이 있을 때"})
    assert (await events_until_turn_done(communicator))[-1]["type"] == "turn_done"
    await communicator.disconnect()
