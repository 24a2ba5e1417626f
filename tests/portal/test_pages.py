import pytest

from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_home_is_korean_and_leads_to_the_three_surfaces(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    for href in ('href="/arena/"', 'href="/leaderboard/"', 'href="/ax/"'):
        assert href in html
    assert "국민이 직접 평가하는 한국형 AI" in html


def test_english_is_one_switch_away(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Public AI evaluation: Korea" in html and "judged by its citizens" in html
    assert "국민이 직접 평가하는" not in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [(roles.MINISTRY_REVIEWER, 200), (roles.EXPERT, 200), (roles.CITIZEN, 403), (roles.AGENCY_EDITOR, 403)],
)
def test_staff_area_by_role(client, role, expected):
    client.force_login(make_user("person", role))
    assert client.get("/staff/").status_code == expected


def test_staff_area_sends_anonymous_visitors_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


def test_admin_works_for_staff(client):
    user = make_user("admin-person", roles.ADMINISTRATOR, is_staff=True)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/arena/modelendpoint/").status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"), [(roles.MINISTRY_REVIEWER, 200), (roles.EXPERT, 403), (roles.CITIZEN, 403)]
)
def test_moderation_counts_are_for_reviewers(client, role, expected):
    from arena.models import ModerationCount

    ModerationCount.objects.create(
        day="2026-11-27", target="prompt", category="weapons", action="block", count=3
    )
    client.force_login(make_user("person", role))
    response = client.get("/staff/moderation/")
    assert response.status_code == expected
    if expected == 200:
        assert "weapons" in response.content.decode()


def test_moderation_counts_send_anonymous_visitors_to_login(client):
    assert client.get("/staff/moderation/").status_code == 302
