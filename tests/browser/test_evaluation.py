import pytest
from playwright.sync_api import expect

from core import roles
from evaluation.demo import STRENGTH, demo_round_load
from evaluation.models import Block, Round
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.personas import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_round(demo_endpoints):
    demo_endpoints(*STRENGTH)
    return demo_round_load(votes=120, reviewed_battles=6)


def test_reviewer_examines_what_ifs_and_publishes(page, portal_url, demo_round):
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    log_in(page, portal_url, reviewer)
    page.goto(portal_url + f"/staff/rounds/{demo_round.slug}/")
    expect(page.get_by_test_id("scorecard-table")).to_contain_text("데모팀 나래")
    expect(page.get_by_test_id("scorecard-table")).to_contain_text("독자성 미충족")
    assert_no_axe_violations(page)

    page.get_by_test_id("what-if-user").fill("80")
    page.get_by_test_id("what-if-submit").click()
    expect(page.get_by_test_id("what-if-table")).to_contain_text("(80)")
    expect(page.get_by_test_id("what-if-table")).to_contain_text("가상 배점")
    assert_no_axe_violations(page)
    assert Block.objects.get(round=demo_round, key="user").weight == 25.0  # official weights untouched
    for key in ("benchmark", "expert", "user"):  # accepted by the browser, refused by the server
        page.get_by_test_id(f"what-if-{key}").fill("0")
    page.get_by_test_id("what-if-submit").click()
    expect(page.get_by_test_id("what-if-result").get_by_role("alert")).to_contain_text(
        "모두 0일 수는 없습니다"
    )
    page.get_by_test_id("what-if-benchmark").fill("40")
    page.get_by_test_id("what-if-expert").fill("35")
    page.get_by_test_id("what-if-user").fill("80")
    page.get_by_test_id("what-if-submit").click()
    expect(page.get_by_test_id("what-if-table")).to_contain_text("(80)")

    page.get_by_test_id("publish-round").check()
    page.get_by_test_id("publish-save").click()  # no reason: refused, said why, nothing published
    expect(page.get_by_test_id("publish-error")).to_contain_text("사유를 적어 주세요")
    assert not Round.objects.get(pk=demo_round.pk).is_published
    assert_no_axe_violations(page)
    page.get_by_test_id("publish-round").check()
    page.get_by_test_id("withheld-reason").fill("데모: 전문가·사용자 점수는 검토 중이라 공개하지 않습니다.")
    page.get_by_test_id("publish-reason").fill("데모 1차 공개")
    page.get_by_test_id("publish-save").click()
    expect(page.locator(".messages")).to_contain_text("공개 범위를 저장했습니다")
    assert Round.objects.get(pk=demo_round.pk).is_published
    page.goto(portal_url + f"/results/{demo_round.slug}/")
    expect(page.get_by_test_id("public-results")).to_contain_text("비공개")
    expect(page.get_by_test_id("withheld-reason")).to_contain_text("검토 중이라 공개하지 않습니다")
    assert_no_axe_violations(page)


def test_expert_scores_a_blind_battle_by_keyboard(page, portal_url, demo_round):
    expert = make_user("expert-b", roles.EXPERT)
    log_in(page, portal_url, expert)
    page.goto(portal_url + "/staff/reviews/")
    assert_no_axe_violations(page)
    page.get_by_test_id("assignment-open").first.click()
    expect(page.get_by_test_id("review-response-a")).to_be_visible()
    assert_no_axe_violations(page)
    for side in "ab":
        for criterion in ("accuracy", "fluency", "safety", "helpfulness"):
            page.get_by_test_id(f"score-{side}-{criterion}-4").focus()
            page.keyboard.press("Space")
    page.get_by_test_id("review-submit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("assignment-list")).to_contain_text("제출함")


def test_administrator_pages_pass_axe(page, portal_url, demo_round):
    admin = make_user("admin-b", roles.ADMINISTRATOR)
    log_in(page, portal_url, admin)
    for path, hook in [
        ("/staff/rounds/", "round-list"),
        (f"/staff/rounds/{demo_round.slug}/evidence/", "benchmark-file"),
        (f"/staff/rounds/{demo_round.slug}/weights/", None),
        (f"/staff/rounds/{demo_round.slug}/report/", "scorecard-table"),
    ]:
        page.goto(portal_url + path)
        if hook:
            expect(page.get_by_test_id(hook)).to_be_visible()
        assert_no_axe_violations(page)
    # the weights form refuses bad input with a message tied to the fields, and keeps the weights
    page.goto(portal_url + f"/staff/rounds/{demo_round.slug}/weights/")
    page.fill("#weight-user", "-1")
    page.get_by_role("button", name="배점 저장").click()
    expect(page.get_by_role("alert")).to_contain_text("0에서 1000")
    assert_no_axe_violations(page)
    assert Block.objects.get(round=demo_round, key="user").weight == 25.0
