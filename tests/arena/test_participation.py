"""A citizen's own board beside the public one (/arena/me/), and the season's counter on the home page."""

import pytest
from django.core.cache import cache

from arena.battles import services
from arena.consent import session_voter
from arena.models import Vote
from arena.ratings import snapshots as leaderboard
from arena.ratings.personal import personal_board
from tests.arena.factories import bt_votes, endpoints, open_battle

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_board(settings):
    settings.LEADERBOARD_MIN_VOTES = 10
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 20
    models = endpoints(3)
    bt_votes(models, [1.0, 0.0, -1.0], 400, seed=5)  # the public prefers 0 > 1 > 2
    leaderboard.snapshot_recompute()
    return models


def test_the_personal_board_is_the_citizens_own_votes_beside_the_public_order(client, public_board):
    best, middle, worst = public_board
    client.post("/arena/consent/")
    voter = session_voter(client.session)
    # This citizen prefers the public's worst model every time, and ties the other two once.
    for a, b, choice in ((worst, best, "a"), (middle, worst, "b"), (best, middle, "tie")):
        battle = open_battle(voter, a, b)
        services.vote_record(battle_id=battle.pk, voter=voter, choice=choice)
    board = personal_board(voter)
    mine = {r["endpoint_id"]: r for r in board["rows"]}
    assert board["votes"] == 3
    assert (mine[worst.pk]["wins"], mine[worst.pk]["losses"], mine[worst.pk]["mine"]) == (2, 0, 1)
    assert (mine[best.pk]["ties"], mine[best.pk]["losses"]) == (1, 1)
    assert [mine[m.pk]["public"] for m in (best, middle, worst)] == [1, 2, 3]
    assert board["differs"]["endpoint_id"] == worst.pk and board["differs"]["shift"] == 2
    html = client.get("/arena/me/").content.decode()
    assert 'data-testid="personal-board"' in html
    assert (
        f"공개 순위와 가장 다른 모델은 {worst.name}입니다: 내 순위 1위, 같은 모델들 사이의 공개 순위 3위"
        in html
    )


def test_withdrawn_votes_and_other_peoples_votes_stay_off_the_personal_board(client, public_board):
    client.post("/arena/consent/")
    voter = session_voter(client.session)
    battle = open_battle(voter, public_board[0], public_board[1])
    services.vote_record(battle_id=battle.pk, voter=voter, choice="a")
    assert personal_board(voter)["votes"] == 1  # the 400 public votes are not this citizen's
    services.citizen_data_delete(voter=voter)
    assert personal_board(voter)["rows"] == []
    assert 'data-testid="personal-empty"' in client.get("/arena/me/").content.decode()


def test_without_consent_the_personal_board_is_empty(client):
    assert 'data-testid="personal-empty"' in client.get("/arena/me/").content.decode()


def test_the_home_page_counts_the_votes_that_count_toward_the_season_target(client, settings):
    settings.ARENA_SEASON_VOTE_TARGET = 200
    models = endpoints(2)
    bt_votes(models, [0.0, 0.0], 50, seed=1)
    bt_votes(models, [0.0, 0.0], 7, seed=2, inclusion=Vote.Inclusion.TOO_FAST)
    cache.clear()
    html = client.get("/").content.decode()
    assert 'data-testid="vote-counter"' in html
    assert '<strong data-testid="vote-counter-count">50</strong> / 200' in html and "(25%)" in html
    # A season that starts tomorrow has counted nothing yet.
    settings.ARENA_SEASON_START = "2999-01-01"
    cache.clear()
    assert '<strong data-testid="vote-counter-count">0</strong>' in client.get("/").content.decode()
