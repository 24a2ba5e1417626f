"""After login each role lands on its own work, and the menu links it."""

import pytest

from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "landing", "menu_links_manage"),
    [
        (roles.AGENCY_EDITOR, "/ax/manage/", True),
        (roles.EXPERT, "/staff/reviews/", False),
        (roles.MINISTRY_REVIEWER, "/staff/rounds/", True),
        (roles.ADMINISTRATOR, "/staff/", True),
        (roles.CITIZEN, "/", False),
    ],
)
def test_each_role_lands_on_its_work_after_login(client, role, landing, menu_links_manage):
    make_user("person", role)
    response = client.post(
        "/accounts/login/", {"username": "person", "password": "pw-for-tests"}, follow=True
    )
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200
    assert ('href="/ax/manage/"' in response.content.decode()) is menu_links_manage


def test_a_page_asked_for_before_login_wins_over_the_landing(client):
    make_user("editor", roles.AGENCY_EDITOR)
    response = client.post(
        "/accounts/login/?next=/ax/agencies/", {"username": "editor", "password": "pw-for-tests"}
    )
    assert response["Location"] == "/ax/agencies/"
