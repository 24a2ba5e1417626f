import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arena.models import PanelMember, Vote
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_citizen_verifies_enrols_and_votes_as_a_panel_member(page, portal_url, demo_endpoints):
    demo_endpoints("demo-garam", "demo-raon")
    page.goto(portal_url + "/arena/panel/")
    expect(page.get_by_test_id("dev-provider")).to_be_visible()
    assert_no_axe_violations(page)
    today = timezone.localdate()
    page.fill("#id_test_identity", "시험-시민-1")
    page.fill("#id_birth_date", today.replace(year=today.year - 45).isoformat())
    page.get_by_test_id("verify").click()
    page.wait_for_url("**/arena/panel/enrol/")
    assert_no_axe_violations(page)
    page.get_by_label("여성").check()
    page.get_by_label("비수도권").check()
    page.get_by_label("보통: 가끔 AI 서비스를 씀").check()
    page.locator("input[name=consent]").check()
    page.get_by_test_id("enrol").click()
    page.wait_for_url("**/arena/panel/me/")
    expect(page.get_by_test_id("panel-criteria")).to_be_visible()
    page.get_by_test_id("start-session").click()
    page.wait_for_url("**/arena/")
    member = PanelMember.objects.get()
    assert (member.age_band, member.region) == ("40s", "non_capital")
    page.get_by_test_id("prompt-input").fill("국민평가단으로 묻습니다")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    page.get_by_test_id("vote-reason").fill("A가 더 정확하고 읽기 쉬웠습니다.")
    page.get_by_test_id("criterion-accuracy").check()
    page.get_by_test_id("vote-a").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    assert Vote.objects.get().voter == member.voter


def test_citizen_enrols_through_an_openid_connect_provider_and_votes_with_a_reason(
    page, portal_url, demo_endpoints, oidc_provider
):
    demo_endpoints("demo-garam", "demo-raon")
    page.goto(portal_url + "/arena/panel/")
    assert page.get_by_test_id("dev-provider").count() == 0
    assert_no_axe_violations(page)
    page.get_by_test_id("verify-testid").click()
    # At the identity provider (a separate process on its own port), then back.
    page.wait_for_url(oidc_provider.issuer + "/authorize?**")
    page.get_by_role("button", name="인증하기").click()
    page.wait_for_url("**/arena/panel/enrol/")
    expect(page.get_by_test_id("verified-facts")).to_contain_text("수도권")
    assert page.locator("input[name=gender]").count() == 0  # verified by the provider: not asked
    assert_no_axe_violations(page)
    page.get_by_label("처음: 거의 써 본 적 없음").check()
    page.get_by_label("저시력").check()
    page.get_by_label("큰 글자로 보기").check()
    page.locator("input[name=access_consent]").check()
    page.locator("input[name=consent]").check()
    page.get_by_test_id("enrol").click()
    page.wait_for_url("**/arena/panel/me/")
    assert_no_axe_violations(page)
    member = PanelMember.objects.get()
    assert (member.gender, member.region, member.age_band) == ("female", "capital", "40s")
    assert member.cell.key == "digital-access" and member.access_supports == ["large_text"]

    page.get_by_test_id("start-session").click()
    page.wait_for_url("**/arena/")
    expect(page.locator("#arena.text-large")).to_be_visible()  # the support asked for, applied
    page.get_by_test_id("prompt-input").fill("국민평가단으로 묻습니다")
    page.get_by_test_id("send-prompt").click()
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=30000)
    page.get_by_test_id("vote-reason").fill("짧")
    page.get_by_test_id("vote-b").click()
    expect(page.locator("#vote-reason-error")).to_contain_text("이유를 5자 이상")
    assert Vote.objects.count() == 0  # refused: the form stays, nothing recorded
    page.get_by_test_id("criterion-clarity").check()
    page.get_by_test_id("vote-reason").fill("B가 더 쉽게 설명했습니다.")
    page.get_by_test_id("vote-b").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    vote = Vote.objects.get()
    assert vote.voter == member.voter and vote.reason.criteria == ["clarity"]


def test_open_data_report_and_staff_pages_are_accessible(page, portal_url):
    from core import roles
    from tests.browser.conftest import log_in
    from tests.personas import make_user

    page.goto(portal_url + "/open-data/")
    assert_no_axe_violations(page)
    page.select_option("#id_file", "votes.csv")
    page.fill("#id_row", "12")
    page.fill("#id_what", "질문에 제 전화번호가 보입니다")
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-receipt")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_test_id("report-status-link").click()
    expect(page.get_by_test_id("report-status")).to_have_text("접수")
    log_in(page, portal_url, make_user("reviewer", roles.MINISTRY_REVIEWER))
    for path in ("/staff/open-data/", "/staff/panel/", "/leaderboard/?view=panel"):
        page.goto(portal_url + path)
        assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(portal_url + "/open-data/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
