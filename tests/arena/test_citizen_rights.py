import datetime as dt

import pytest
from django.utils import timezone

from arena.battles.services import vote_record
from arena.battles.tasks import conversations_purge
from arena.consent import session_voter
from arena.models import Battle, LeaderboardSnapshot, Turn, Vote
from arena.ratings import snapshots as leaderboard
from tests.arena.factories import finished_battle

pytestmark = pytest.mark.django_db


def consent(client) -> str:
    client.post("/arena/consent/")
    return session_voter(client.session)


def test_page_lists_what_is_kept_and_deletion_removes_it(
    client, two_demo_endpoints, settings, voter, django_capture_on_commit_callbacks
):
    settings.LEADERBOARD_MIN_VOTES = 1
    me = consent(client)
    mine = [finished_battle(me), finished_battle(me)]
    vote_record(battle_id=mine[0].pk, voter=me, choice="a")
    other = finished_battle(voter)
    vote_record(battle_id=other.pk, voter=voter, choice="b")
    leaderboard.snapshot_recompute(["overall"])
    assert LeaderboardSnapshot.objects.filter(view="overall").first().votes_counted == 2

    page = client.get("/arena/my-data/").content.decode()
    assert 'data-testid="my-battles">2<' in page and 'data-testid="my-votes">1<' in page
    assert "질문" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/arena/my-data/delete/", follow=True)
    assert "대화 2건을 삭제하고 투표 1건을 순위 집계에서 뺐습니다" in response.content.decode()
    assert not Turn.objects.filter(battle__voter=me).exists()
    assert Turn.objects.filter(battle__voter=voter).count() == 1  # someone else's stays
    assert Vote.objects.get(voter=me).inclusion == Vote.Inclusion.DELETED_BY_CITIZEN
    newest = LeaderboardSnapshot.objects.filter(view="overall").first()
    assert newest.votes_counted == 1 and newest.votes_excluded == {"deleted_by_citizen": 1}


def test_withdrawing_consent_forgets_the_voter(client, two_demo_endpoints):
    consent(client)
    client.post("/arena/my-data/delete/", {"withdraw": "1"})
    assert session_voter(client.session) is None
    assert 'data-testid="consent-accept"' in client.get("/arena/").content.decode()


def test_page_without_consent_says_nothing_is_kept(client):
    assert "보관 중인 대화나 투표가 없습니다" in client.get("/arena/my-data/").content.decode()


def test_purge_deletes_conversations_past_retention_only(two_demo_endpoints, voter, settings):
    settings.ARENA_RETENTION_DAYS = 30
    old, recent = finished_battle(voter), finished_battle(voter)
    vote_record(battle_id=old.pk, voter=voter, choice="a")
    Turn.objects.filter(battle=old).update(finished_at=timezone.now() - dt.timedelta(days=31))
    assert conversations_purge.delay().get() == 1
    assert not Turn.objects.filter(battle=old).exists() and Turn.objects.filter(battle=recent).exists()
    assert Vote.objects.filter(battle=old).exists() and Battle.objects.count() == 2


def test_privacy_notice_states_retention_and_rights(client, settings):
    settings.ARENA_RETENTION_DAYS = 180
    html = client.get("/arena/privacy/").content.decode()
    assert "180일" in html and "/arena/my-data/" in html and "안전 규칙" in html
