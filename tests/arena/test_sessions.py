"""Classroom and 국민평가단 sessions (arena/panel/sessions.py): a facilitator, a code, a cohort of votes,
live progress, and results only once enough votes and people protect each participant."""

import re

import pytest
from django.contrib.auth.models import Group

from arena.battles import services
from arena.consent import session_voter
from arena.models import Cohort, CohortMember, Vote
from arena.panel import sessions
from core import roles
from tests.arena.factories import finished_battle
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator():
    return make_user("teacher", roles.FACILITATOR)


@pytest.fixture
def cohort(facilitator):
    return sessions.cohort_create(facilitator=facilitator, name="3학년 2반")


def test_the_facilitator_role_exists_and_lands_on_its_sessions(client, facilitator):
    assert Group.objects.filter(name=roles.FACILITATOR).exists()
    client.force_login(facilitator)
    assert client.get("/accounts/landing/", follow=False)["Location"] == "/arena/sessions/"


@pytest.mark.parametrize(
    ("who", "status"), [("facilitator", 200), ("citizen", 403), ("expert", 403), (None, 302)]
)
def test_only_facilitators_and_administrators_open_sessions(client, who, status):
    if who:
        client.force_login(make_user(f"user-{who}", getattr(roles, who.upper())))
    assert client.get("/arena/sessions/").status_code == status


def test_a_facilitator_opens_a_session_with_a_short_code(client, facilitator):
    client.force_login(facilitator)
    response = client.post("/arena/sessions/", {"name": "시민 평가 모임"})
    cohort = Cohort.objects.get()
    assert response["Location"] == f"/arena/sessions/{cohort.code}/"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", cohort.code) and cohort.facilitator == facilitator
    page = client.get(response["Location"]).content.decode()
    assert cohort.code in page and 'hx-trigger="every 5s"' in page
    empty = client.post("/arena/sessions/", {"name": "  "})
    assert empty.status_code == 400 and Cohort.objects.count() == 1


def test_another_facilitator_cannot_see_a_session(client, cohort):
    client.force_login(make_user("other-teacher", roles.FACILITATOR))
    assert client.get(f"/arena/sessions/{cohort.code}/").status_code == 404
    client.force_login(make_user("admin-x", roles.ADMINISTRATOR))
    assert client.get(f"/arena/sessions/{cohort.code}/").status_code == 200


def test_participants_join_with_the_code_and_their_votes_carry_it(client, cohort, two_demo_endpoints):
    client.post("/arena/consent/")
    voter = session_voter(client.session)
    wrong = client.post("/arena/session/", {"code": "ZZZZZZ"})
    assert wrong.status_code == 400 and "그런 참여 코드는 없습니다" in wrong.content.decode()
    typed = " " + cohort.code.lower()[:3] + "-" + cohort.code.lower()[3:] + " "
    assert client.post("/arena/session/", {"code": typed})["Location"] == "/arena/"
    assert CohortMember.objects.filter(cohort=cohort, voter=voter).exists()
    battle = finished_battle(voter)
    client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert Vote.objects.get().cohort == cohort
    client.post("/arena/session/leave/")
    later = finished_battle(voter)
    client.post("/arena/vote/", {"battle_id": later.pk, "choice": "b"}, HTTP_HX_REQUEST="true")
    assert Vote.objects.get(battle=later).cohort is None


def test_a_closed_session_takes_no_one_and_no_vote(client, cohort, two_demo_endpoints):
    client.post("/arena/consent/")
    voter = session_voter(client.session)
    client.post("/arena/session/", {"code": cohort.code})
    sessions.cohort_close(cohort=cohort)
    battle = finished_battle(voter)
    client.post("/arena/vote/", {"battle_id": battle.pk, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert Vote.objects.get().cohort is None
    response = client.post("/arena/session/", {"code": cohort.code})
    assert response.status_code == 400 and "이 세션은 끝났습니다" in response.content.decode()


def vote_in(cohort, voter, choice="a", *, inclusion=Vote.Inclusion.VALID):
    battle = finished_battle(voter)
    vote = services.vote_record(battle_id=battle.pk, voter=voter, choice=choice, cohort_id=cohort.pk)
    Vote.objects.filter(pk=vote.pk).update(inclusion=inclusion)
    return battle


def test_results_stay_hidden_until_enough_votes_and_people_protect_each_participant(
    client, cohort, facilitator, settings, two_demo_endpoints
):
    settings.ARENA_COHORT_MIN_VOTES = 6
    settings.ARENA_COHORT_MIN_PARTICIPANTS = 3
    client.force_login(facilitator)
    for _ in range(6):  # plenty of votes, but all from two people
        vote_in(cohort, "pupil-1")
    vote_in(cohort, "pupil-2", "tie")
    vote_in(cohort, "pupil-3", inclusion=Vote.Inclusion.TOO_FAST)  # not counted: not a third voter
    progress = sessions.cohort_progress(cohort)
    assert (progress.votes, progress.counted, progress.voters, progress.participants) == (8, 7, 2, 3)
    page = client.get(f"/arena/sessions/{cohort.code}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="session-results-wait"' in page and 'data-testid="session-results"' not in page
    assert sessions.cohort_results(cohort) is None

    vote_in(cohort, "pupil-3", "b")
    page = client.get(f"/arena/sessions/{cohort.code}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page and 'data-testid="session-results"' in page
    results = sessions.cohort_results(cohort)
    assert sum(r["games"] for r in results) == 2 * 8  # every counted vote, both sides
    assert sum(r["wins"] for r in results) == 7 and sum(r["ties"] for r in results) == 2


def test_a_participant_sees_the_session_and_its_results_when_ready(
    client, cohort, settings, two_demo_endpoints
):
    settings.ARENA_COHORT_MIN_VOTES = 2
    settings.ARENA_COHORT_MIN_PARTICIPANTS = 2
    client.post("/arena/consent/")
    client.post("/arena/session/", {"code": cohort.code})
    page = client.get("/arena/session/").content.decode()
    assert 'data-testid="joined-session"' in page and 'data-testid="session-results-wait"' in page
    vote_in(cohort, "pupil-1")
    vote_in(cohort, "pupil-2")
    assert 'data-testid="session-results"' in client.get("/arena/session/").content.decode()
