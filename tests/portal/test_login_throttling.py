"""Password guessing meets a lockout per account and per address, on the staff login and the admin's;
the API has no password door of its own (session only) and is throttled."""

import base64

import pytest

from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"
HOME = {"REMOTE_ADDR": "198.51.100.10"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.99"}


def login(client, username, password, path="/accounts/login/", **address):
    return client.post(path, {"username": username, "password": password}, **address)


def test_five_wrong_passwords_lock_the_account_with_a_korean_message(client):
    make_user("reviewer", roles.MINISTRY_REVIEWER)
    for _ in range(4):
        assert login(client, "reviewer", "guess", **HOME).status_code == 200  # the form again, with its error
    assert login(client, "reviewer", "guess", **HOME).status_code == 429  # the fifth locks
    locked = login(client, "reviewer", PASSWORD, **HOME)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "비밀번호가 5번 틀려 이 계정 또는 이 주소의 로그인을 15분 동안 막았습니다." in text
    assert "_auth_user_id" not in client.session
    # The account stays locked from another address too: guessing cannot move on to a new one.
    assert login(client, "reviewer", PASSWORD, **ELSEWHERE).status_code == 429


def test_one_address_guessing_across_accounts_is_locked(client):
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        make_user(name, roles.EXPERT)
    for name in ("a1", "a2", "a3", "a4", "a5"):
        login(client, name, "guess", **HOME)
    # a6 never had a wrong password, but this address has used up its tries.
    assert login(client, "a6", PASSWORD, **HOME).status_code == 429
    # The same person from their own network signs in as usual.
    signed_in = login(client, "a6", PASSWORD, **ELSEWHERE)
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_success_before_the_limit_clears_the_count(client):
    make_user("expert", roles.EXPERT)
    for _ in range(4):
        login(client, "expert", "guess", **HOME)
    assert login(client, "expert", PASSWORD, **HOME).status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "expert", "guess", **HOME)
    assert login(client, "expert", PASSWORD, **HOME).status_code == 302


def test_the_admin_login_is_throttled_the_same_way(client):
    make_user("admin", roles.ADMINISTRATOR, is_staff=True)
    for _ in range(4):
        assert login(client, "admin", "guess", "/admin/login/", **HOME).status_code == 200
    assert login(client, "admin", "guess", "/admin/login/", **HOME).status_code == 429
    assert login(client, "admin", PASSWORD, "/admin/login/", **HOME).status_code == 429
    assert login(client, "admin", PASSWORD, **HOME).status_code == 429  # one lock for both doors


def test_the_api_takes_no_http_basic_password(client):
    from evaluation.models import Round

    make_user("reviewer", roles.MINISTRY_REVIEWER)
    slug = Round.objects.first().slug
    basic = "Basic " + base64.b64encode(f"reviewer:{PASSWORD}".encode()).decode()
    response = client.get(f"/api/v1/rounds/{slug}/scorecard/", HTTP_AUTHORIZATION=basic)
    assert response.status_code == 403
    assert login(client, "reviewer", PASSWORD).status_code == 302
    assert client.get(f"/api/v1/rounds/{slug}/scorecard/").status_code == 200


def test_the_api_is_throttled_and_a_forged_forwarded_for_does_not_reset_it(client):
    limit = 120  # API_THROTTLE_ANON's default, per minute
    statuses = [
        client.get("/api/v1/leaderboard/", HTTP_X_FORWARDED_FOR=f"192.0.2.{i % 250}").status_code
        for i in range(limit + 1)
    ]
    assert 429 not in statuses[:limit]
    assert statuses[limit] == 429


def test_the_api_schema_is_for_staff_only(client):
    assert client.get("/api/v1/schema/").status_code == 403
    client.force_login(make_user("citizen-account", roles.CITIZEN))
    assert client.get("/api/v1/schema/").status_code == 403
    client.force_login(make_user("reviewer", roles.MINISTRY_REVIEWER))
    assert client.get("/api/v1/schema/").status_code == 200
