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
    expect(page.get_by_test_id("vote-a")).to_be_enabled(timeout=20000)
    page.get_by_test_id("vote-reason").fill("A가 더 정확하고 읽기 쉬웠습니다.")
    page.get_by_test_id("criterion-accuracy").check()
    page.get_by_test_id("vote-a").click()
    expect(page.get_by_test_id("model-name-a")).to_be_visible()
    assert Vote.objects.get().voter == member.voter
