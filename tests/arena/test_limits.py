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
from tests.arena.factories import connect, events_until_turn_done, finished_battle
from tests.conftest import register_attested

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
        "from arena.safety import limits\n"
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


def _consent(client, user_agent, address="198.51.100.7"):
    return client.post("/arena/consent/", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_new_pseudonyms_are_capped_per_device_and_per_network(settings):
    from django.test import Client

    settings.ARENA_CONSENTS_PER_DAY_PER_DEVICE = 2
    settings.ARENA_CONSENTS_PER_DAY_PER_NETWORK = 3
    chrome = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"
    assert [_consent(Client(), chrome).status_code for _ in range(2)] == [302, 302]
    refused = _consent(Client(), chrome)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "이 기기에서 오늘 새로 참여할 수 있는 횟수(2번)" in refused.content.decode()
    # Another browser on the same network gets the network's last place, then the network is full;
    # a household on another network is not affected.
    firefox = "Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"
    assert _consent(Client(), firefox).status_code == 302
    assert _consent(Client(), "Mozilla/5.0 (Macintosh; Mac OS X) Version/17 Safari").status_code == 429
    assert _consent(Client(), chrome, address="203.0.113.50").status_code == 302
    # Consenting again in a session that already has a pseudonym costs nothing.
    same = Client()
    assert _consent(same, chrome, address="192.0.2.1").status_code == 302
    for _ in range(3):
        assert _consent(same, chrome, address="192.0.2.1").status_code == 302


@pytest.mark.django_db
def test_votes_past_a_device_or_network_ceiling_are_kept_but_not_counted(two_demo_endpoints, settings):
    from django.contrib.sessions.backends.db import SessionStore

    from arena.consent import consent_give, session_voter

    settings.ARENA_VOTES_PER_DAY_PER_NETWORK = 2
    client = limits.client_of("198.51.100.20", "Chrome/131", "ko")
    inclusions = []
    for _ in range(3):
        session = SessionStore()
        consent_give(session)
        voter = session_voter(session)
        battle = finished_battle(voter)
        inclusions.append(vote_record(battle_id=battle.pk, voter=voter, choice="a", client=client).inclusion)
    assert inclusions == [Vote.Inclusion.VALID, Vote.Inclusion.VALID, Vote.Inclusion.RATE_LIMITED]
    assert set(Vote.objects.values_list("network", flat=True)) == {client.network}


def test_one_client_cannot_spend_a_networks_character_budget(settings):
    settings.ARENA_CHARS_PER_2H_PER_VOTER = 100
    settings.ARENA_CHARS_PER_2H_PER_NETWORK = 250
    office = limits.Client(network="office", device="pc")
    limits.turn_take(voter="greedy", client=office, text="가" * 100, new_battle=False)
    with pytest.raises(limits.LimitExceeded) as caught:
        limits.turn_take(voter="greedy", client=office, text="가", new_battle=False)
    assert "두 시간 동안 보낼 수 있는 질문 분량(100자)" in str(caught.value.message)
    limits.turn_take(voter="colleague", client=office, text="가" * 100, new_battle=False)  # unaffected
    with pytest.raises(limits.LimitExceeded):  # ...until the network's own ceiling
        limits.turn_take(voter="third", client=office, text="가" * 100, new_battle=False)


def test_a_repeated_prompt_is_counted_per_network_and_however_it_is_spelled(settings):
    settings.ARENA_PROMPT_REPEATS_PER_DAY = 2
    here, there = limits.Client("here", "d1"), limits.Client("there", "d2")
    limits.turn_take(voter="v1", client=here, text="Ｈｅｌｌｏ, 안녕하세요!", new_battle=False)
    limits.turn_take(voter="v2", client=here, text="hello 안녕\u200b하세요", new_battle=False)
    with pytest.raises(limits.LimitExceeded):
        limits.turn_take(voter="v3", client=here, text="HELLO  안녕하세요", new_battle=False)
    limits.turn_take(voter="v4", client=there, text="hello 안녕하세요", new_battle=False)  # not for everyone


@pytest.mark.django_db
def test_network_and_device_hashes_change_every_day_and_yesterdays_key_is_gone():
    import datetime as dt

    from arena.models import DailyKey

    today = dt.date(2026, 12, 1)
    limits._day_keys.clear()
    first = limits.day_key(today)
    second = limits.day_key(today + dt.timedelta(days=1))
    assert first != second and list(DailyKey.objects.values_list("key", flat=True)) == [second]
    client = limits.client_of("203.0.113.77", "Mozilla/5.0 Chrome/131.0", "ko-KR")
    assert "203.0.113" not in client.network + client.device and len(client.network) == 32
    assert limits.client_of("203.0.113.200").network == client.network  # same /24
    assert limits.client_of("203.0.114.1").network != client.network
    assert limits.client_of("203.0.113.77", "Mozilla/5.0 Firefox/128.0", "ko-KR").device != client.device
    limits._day_keys.clear()


@pytest.mark.django_db(transaction=True)
async def test_characters_are_given_back_when_the_citizen_leaves_before_anything_streamed(
    consented_session, voter, settings
):
    import asyncio

    from tests.arena.misbehaving_server import MisbehavingServer

    settings.ARENA_CHARS_PER_2H_PER_VOTER = 40
    server = MisbehavingServer({"slow": lambda n: [5.0]}).start()
    try:
        for name in ("느린1", "느린2"):
            await database_sync_to_async(register_attested)(
                team=f"팀 {name}",
                model=name,
                base_url=server.base_url("slow"),
                model_id="slow",
                internal=True,
            )
        communicator, _, _ = await connect(consented_session)
        await communicator.send_json_to({"type": "prompt", "text": "가" * 40})
        assert (await communicator.receive_json_from(timeout=5))["type"] == "battle"
        await asyncio.sleep(0.3)
        await communicator.disconnect()  # before either model said anything
    finally:
        server.stop()
    # The whole budget is there again.
    await database_sync_to_async(limits.take)((limits.chars_per_voter(), f"unknown|{voter}", 40))


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis configured by REDIS_URL")
def test_a_redis_counter_opens_its_window_once_in_one_round_trip_and_gives_back():
    from django.core.cache import cache

    cache.delete("limits-window")
    assert cache.count("limits-window", 2, 60) == 2
    assert cache.count("limits-window", 1, 999) == 3  # the window is the first call's, not renewed
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("limits-window")) <= 60
    limits.give_back([("limits-window", 3)])
    assert cache.get("limits-window") == 0
