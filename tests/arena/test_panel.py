import datetime as dt

import pytest
from django.utils import timezone

from arena.consent import session_voter
from arena.models import Campaign, PanelMember
from arena.panel import services as panel
from core import roles
from core.verification import VerifiedPerson
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def birth(years_ago: int) -> str:
    today = timezone.localdate()
    return today.replace(year=today.year - years_ago).isoformat()


def verify_and_enrol(client, identity="010-0000-0001", age=35, **answers):
    client.post("/arena/panel/", {"test_identity": identity, "birth_date": birth(age)})
    data = {
        "gender": "female",
        "region": "capital",
        "proficiency": "intermediate",
        "consent": "on",
        **answers,
    }
    return client.post("/arena/panel/enrol/", data)


def test_a_verified_citizen_enrols_and_votes_as_the_same_voter_everywhere(client):
    page = client.get("/arena/panel/").content.decode()
    assert 'data-testid="dev-provider"' in page  # the development provider says what it is
    response = verify_and_enrol(client)
    assert response.status_code == 302 and response["Location"] == "/arena/panel/me/"
    member = PanelMember.objects.get()
    assert (member.age_band, member.gender, member.region) == ("30s", "female", "capital")
    assert session_voter(client.session) == member.voter
    # Another device, same person: same voter, still one seat.
    other = client.__class__()
    other.post("/arena/panel/", {"test_identity": "010-0000-0001", "birth_date": birth(35)})
    assert session_voter(other.session) == member.voter and PanelMember.objects.count() == 1


def test_only_a_salted_hash_of_the_person_is_stored():
    campaign = Campaign.objects.get()
    person = VerifiedPerson(stable_id="CI-very-secret-identifier", birth_date=dt.date(1990, 1, 1))
    hashed = panel.person_hash(campaign, person)
    panel.panel_enrol(
        campaign=campaign,
        hashed_person=hashed,
        voter="v",
        answers={"gender": "male", "region": "capital", "age_band": "30s", "proficiency": "novice"},
    )
    stored = " ".join(str(v) for v in PanelMember.objects.values().get().values())
    assert "CI-very-secret-identifier" not in stored
    other = Campaign.objects.create(slug="stage-3", name="3차")
    assert panel.person_hash(other, person) != hashed  # two campaigns cannot be linked


def test_under_14_is_refused_and_nothing_is_stored(client):
    client.post("/arena/panel/", {"test_identity": "child", "birth_date": birth(12)})
    response = client.post("/arena/panel/", {"test_identity": "child", "birth_date": birth(12)})
    assert response.status_code == 403 and "법정대리인" in response.content.decode()
    assert PanelMember.objects.count() == 0


def test_a_full_cell_says_so_and_offers_the_open_arena(client):
    campaign = Campaign.objects.get()
    campaign.seats = 10
    campaign.margins["gender"] = {"female": 0.1, "male": 0.9}  # a single female seat
    campaign.save()
    assert verify_and_enrol(client, identity="first").status_code == 302
    second = client.__class__()
    response = verify_and_enrol(second, identity="second")
    html = response.content.decode()
    assert response.status_code == 409 and "좌석이 모두 찼습니다" in html and 'href="/arena/"' in html
    assert PanelMember.objects.count() == 1


def test_bad_answers_change_nothing(client):
    client.post("/arena/panel/", {"test_identity": "x", "birth_date": birth(40)})
    response = client.post(
        "/arena/panel/enrol/", {"gender": "unknown", "region": "capital", "proficiency": "novice"}
    )
    assert response.status_code == 200 and PanelMember.objects.count() == 0
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), [(roles.MINISTRY_REVIEWER, 200), (roles.CITIZEN, 403)])
def test_quota_progress_for_staff(client, role, expected):
    client.force_login(make_user("person", role))
    response = client.get("/staff/panel/")
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert 'data-testid="quota-table"' in html and ">250<" in html and ">100<" in html


def test_quota_progress_sends_anonymous_visitors_to_login(client):
    assert client.get("/staff/panel/").status_code == 302
