"""The site shell without a browser: where each role lands, the error pages, the login form's
failure, my-data's confirmation step, and the static files the pages load."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import include, path

from core import roles
from portal.views import landing_url
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user_roles", "expected"),
    [
        ((roles.AGENCY_EDITOR,), "/ax/manage/"),
        ((roles.EXPERT,), "/staff/reviews/"),
        ((roles.MINISTRY_REVIEWER,), "/staff/rounds/"),
        ((roles.ADMINISTRATOR,), "/staff/"),
        ((roles.TEAM_REPRESENTATIVE,), "/team/"),
        ((roles.FACILITATOR,), "/arena/sessions/"),
        ((roles.CITIZEN,), "/"),
        ((), "/"),
        # several roles: the reviewer's work comes before the editor's
        ((roles.AGENCY_EDITOR, roles.MINISTRY_REVIEWER), "/staff/rounds/"),
    ],
)
def test_landing_url_per_role(user_roles, expected):
    assert landing_url(make_user("person", *user_roles)) == expected


def test_landing_url_of_an_anonymous_visitor_is_home():
    assert landing_url(AnonymousUser()) == "/"


def test_login_without_next_goes_straight_to_the_landing(client):
    make_user("editor", roles.AGENCY_EDITOR)
    response = client.post("/accounts/login/", {"username": "editor", "password": "pw-for-tests"})
    assert response.status_code == 302 and response["Location"] == "/ax/manage/"


def test_login_ignores_an_unsafe_next(client):
    make_user("expert", roles.EXPERT)
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "expert", "password": "pw-for-tests"}
    )
    assert response["Location"] == "/staff/reviews/"


def test_failed_login_keeps_the_username_and_says_why_in_korean(client):
    make_user("expert-kim", roles.EXPERT)
    response = client.post("/accounts/login/", {"username": "expert-kim", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="expert-kim"' in page
    assert "아이디 또는 비밀번호가 맞지 않습니다" in page
    empty = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "아이디와 비밀번호를 모두 입력해 주세요" in empty


def test_404_page_is_korean_inside_the_shell(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "찾는 페이지가 없습니다" in page and 'id="krds-masthead"' in page and 'href="/"' in page


def test_403_page_says_what_to_do_and_links_the_persons_work(client):
    client.force_login(make_user("editor", roles.AGENCY_EDITOR))
    response = client.get("/staff/rounds/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "이 페이지를 볼 권한이 없습니다" in page and "포털 관리자에게 요청해 주세요" in page
    assert 'href="/accounts/landing/"' in page and 'href="/"' in page


@override_settings(ROOT_URLCONF=__name__)
def test_403_page_offers_login_to_a_visitor(client):
    response = client.get("/forbidden/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "맡은 계정으로 로그인" in page and 'href="/accounts/login/?next=/forbidden/"' in page


def test_500_page_renders_with_no_request_and_no_context_processors():
    # Django renders 500.html with an empty context: nothing from a context processor may be needed.
    page = render_to_string("500.html")
    assert "잠시 문제가 생겼습니다" in page and 'href="/"' in page and 'lang="ko"' in page
    assert "대한민국 공식 전자정부 누리집" in page


def boom(request):
    raise RuntimeError("failure inside a view")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), path("", include("portal.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_view_answers_with_the_korean_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "잠시 문제가 생겼습니다" in response.content.decode()


def test_my_data_deletion_asks_before_it_deletes(client, demo_endpoints):
    from arena.consent import session_voter
    from arena.models import Turn
    from tests.arena.factories import finished_battle

    demo_endpoints("demo-garam", "demo-raon")
    client.post("/arena/consent/")
    battle = finished_battle(session_voter(client.session))
    my_data = client.get("/arena/my-data/").content.decode()
    assert f'href="/arena/battles/{battle.pk}/"' in my_data  # past battles are linked
    assert 'href="/arena/my-data/delete/"' in my_data  # deletion starts with a question

    confirm = client.get("/arena/my-data/delete/").content.decode()
    assert "내 대화와 투표를 삭제할까요?" in confirm and "되돌릴 수 없습니다" in confirm
    assert Turn.objects.filter(battle=battle).exists()  # asking deleted nothing
    client.post("/arena/my-data/delete/")
    assert not Turn.objects.filter(battle=battle).exists()


def test_my_data_delete_page_without_consent_goes_back(client):
    response = client.get("/arena/my-data/delete/")
    assert response.status_code == 302 and response["Location"] == "/arena/my-data/"


def test_only_the_chosen_font_and_design_files_are_found():
    assert finders.find("vendor/pretendard-gov/PretendardGOV-Regular.subset.woff2")
    assert finders.find("vendor/krds/css/component/output.css")
    assert finders.find("vendor/krds/img/component/icon/ico_flag.svg")
    # the package holds 200 MB of other weights and formats: none of them is served
    assert not finders.find("vendor/pretendard-gov/PretendardGOV-Thin.subset.woff2")
    assert not finders.find("vendor/krds/css/component/component.css")
    listed = [
        p
        for finder in finders.get_finders()
        for p, s in finder.list(None)
        if getattr(s, "prefix", None) == "vendor/pretendard-gov"
    ]
    assert sorted(listed) == ["PretendardGOV-Bold.subset.woff2", "PretendardGOV-Regular.subset.woff2"]
