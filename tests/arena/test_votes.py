import pytest

from arena.battles import services
from arena.errors import BattleNotVotable, NoModelsAvailable
from arena.models import Battle, ModelEndpoint, Vote
from tests.arena.factories import finished_battle

pytestmark = pytest.mark.django_db


def test_battle_draws_two_available_models_and_stores_the_pair_probability(two_demo_endpoints, voter):
    ModelEndpoint.objects.create(
        team=two_demo_endpoints[0].team,
        name="꺼진 모델",
        base_url="http://x/v1",
        model_id="off",
        is_active=False,
    )
    battle = services.battle_create(voter=voter)
    assert {battle.model_a, battle.model_b} == set(two_demo_endpoints)
    assert battle.pair_probability == pytest.approx(1.0)
    assert battle.model_a_version == battle.model_a.model_id


def test_unhealthy_endpoints_are_skipped(two_demo_endpoints, voter):
    ModelEndpoint.objects.filter(pk=two_demo_endpoints[0].pk).update(is_healthy=False)
    with pytest.raises(NoModelsAvailable):
        services.battle_create(voter=voter)


def test_vote_is_stored_once(two_demo_endpoints, voter):
    battle = finished_battle(voter)
    first = services.vote_record(battle_id=battle.pk, voter=voter, choice="a")
    again = services.vote_record(battle_id=battle.pk, voter=voter, choice="b")
    assert again.pk == first.pk and again.choice == "a"
    assert Vote.objects.count() == 1
    assert Battle.objects.get(pk=battle.pk).status == Battle.Status.VOTED
    assert 10 <= first.seconds_after_last_token < 15 and first.inclusion == Vote.Inclusion.VALID


def test_failed_side_blocks_the_vote(two_demo_endpoints, voter):
    battle = finished_battle(voter, error_b="connect: ConnectError")
    with pytest.raises(BattleNotVotable):
        services.vote_record(battle_id=battle.pk, voter=voter, choice="a")
    assert Vote.objects.count() == 0


def test_no_vote_before_a_finished_turn_or_during_one(two_demo_endpoints, voter):
    battle = services.battle_create(voter=voter)
    with pytest.raises(BattleNotVotable):
        services.vote_record(battle_id=battle.pk, voter=voter, choice="a")
    battle = finished_battle(voter)
    services.turn_begin(battle_id=battle.pk)
    with pytest.raises(BattleNotVotable):
        services.vote_record(battle_id=battle.pk, voter=voter, choice="a")
    assert Vote.objects.count() == 0


def test_nobody_votes_on_someone_elses_battle(two_demo_endpoints, voter):
    battle = finished_battle(voter)
    with pytest.raises(BattleNotVotable):
        services.vote_record(battle_id=battle.pk, voter="someone-else", choice="a")


def test_vote_view_reveals_names_only_after_the_vote(client, two_demo_endpoints):
    client.post("/arena/consent/")
    from arena.consent import session_voter

    voter = session_voter(client.session)
    battle = finished_battle(voter)
    page = client.get(f"/arena/battles/{battle.pk}/").content.decode()
    assert battle.model_a.name not in page and battle.model_b.team.name not in page
    response = client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "tie"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert (
        'data-testid="model-name-a"' in html and battle.model_a.name in html and battle.model_b.name in html
    )
    assert Vote.objects.get().choice == "tie"


@pytest.mark.django_db(transaction=True)  # the refit is queued on commit: commit for real
def test_a_refit_that_fails_after_the_vote_never_fails_the_vote(client, two_demo_endpoints, monkeypatch):
    """The board's refit runs after the vote commits (inline in the embedded set-up): its failure is
    logged for operations, while the citizen gets the reveal of the vote that was stored."""
    from arena.ratings import tasks

    refits = []

    def broken_refit():
        refits.append("tried")
        raise RuntimeError("the refit broke")

    monkeypatch.setattr(tasks, "snapshot_recompute", broken_refit)
    client.post("/arena/consent/")
    from arena.consent import session_voter

    battle = finished_battle(session_voter(client.session))
    response = client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="model-name-a"' in response.content.decode()
    assert Vote.objects.get().choice == "a" and refits == ["tried"]


def test_vote_view_refuses_a_failed_battle_with_a_message(client, two_demo_endpoints):
    client.post("/arena/consent/")
    from arena.consent import session_voter

    battle = finished_battle(session_voter(client.session), error_b="timeout_total: x")
    response = client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "투표할 수 없습니다" in response.content.decode()
    assert Vote.objects.count() == 0


def test_another_session_cannot_see_or_vote_on_a_battle(client, two_demo_endpoints, voter):
    battle = finished_battle(voter)
    client.post("/arena/consent/")
    assert client.get(f"/arena/battles/{battle.pk}/").status_code == 404
    assert client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}).status_code == 409
    assert Vote.objects.count() == 0


def test_arena_shows_consent_first(client):
    html = client.get("/arena/").content.decode()
    assert 'data-testid="consent-accept"' in html and 'data-testid="prompt-input"' not in html
    client.post("/arena/consent/")
    assert 'data-testid="prompt-input"' in client.get("/arena/").content.decode()


def test_a_vote_too_fast_to_have_read_the_answers_is_kept_but_not_counted(
    two_demo_endpoints, voter, settings
):
    settings.ARENA_MIN_SECONDS_TO_VOTE = 30
    vote = services.vote_record(battle_id=finished_battle(voter).pk, voter=voter, choice="a")
    assert vote.inclusion == Vote.Inclusion.TOO_FAST and Vote.objects.count() == 1
