"""The final round in Chromium, with axe-core: the public results page and its printable version,
the appeal pages of the three personas (the team's representative, another team's, a reviewer), and
the reviewers' new pages."""

import pytest
from playwright.sync_api import expect

from arena.ratings.snapshots import snapshot_recompute
from core import roles
from evaluation import appeals
from evaluation.demo import STRENGTH, demo_final_round_load, demo_round_load
from evaluation.models import Appeal
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.personas import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def final_round(demo_endpoints):
    demo_endpoints(*STRENGTH)
    demo_round_load(votes=120, reviewed_battles=6)
    snapshot_recompute()
    reviewer = make_user("reviewer-f", roles.MINISTRY_REVIEWER)
    representative = make_user("rep-f", roles.TEAM_REPRESENTATIVE)
    round_obj = demo_final_round_load(reviewer=reviewer, representative=representative)
    return round_obj, reviewer, representative


def test_the_public_results_page_and_its_printable_version(page, portal_url, final_round):
    round_obj, _, _ = final_round
    page.goto(portal_url + f"/results/{round_obj.slug}/")
    table = page.get_by_test_id("public-results")
    expect(table).to_contain_text("순위 없음: 독자성 기준 미충족")
    expect(page.get_by_test_id("pass-line")).to_contain_text("통과선")
    expect(page.get_by_test_id("method-version")).to_have_text(round_obj.method_version)
    expect(page.get_by_test_id("withheld-reason")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_test_id("print-link").click()
    expect(page.get_by_test_id("signature")).to_be_visible()
    expect(page.get_by_test_id("method")).to_contain_text("EcoLogits")
    assert_no_axe_violations(page)
    page.emulate_media(media="print")  # the printed page keeps the table and drops the site around it
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.get_by_test_id("public-results")).to_be_visible()


def test_an_appeal_through_the_three_personas(page, portal_url, final_round):
    round_obj, reviewer, representative = final_round
    other_team = round_obj.entries.exclude(team=representative.team_representative.team).first().team
    other = make_user("rep-other", roles.TEAM_REPRESENTATIVE)
    appeals.representative_assign(user=other, team=other_team, actor=reviewer, reason="지정")
    open_appeal = Appeal.objects.get()

    # the team's representative lands on its page, sees its open appeal, files another with a link
    log_in(page, portal_url, representative)
    expect(page).to_have_url(portal_url + "/team/")
    expect(page.get_by_test_id("team-appeals")).to_contain_text("심사 중")
    assert_no_axe_violations(page)
    page.goto(portal_url + f"/team/rounds/{round_obj.slug}/")
    expect(page.get_by_test_id("team-published")).to_contain_text("순위 없음: 독자성 기준 미충족")
    assert_no_axe_violations(page)
    page.get_by_test_id("appeal-target").select_option("block")
    page.get_by_test_id("appeal-block").select_option("efficiency")
    page.get_by_test_id("appeal-submit").click()  # no reason: refused, said why
    expect(page.get_by_test_id("appeal-error")).to_contain_text("이의 사유를 적어 주세요")
    assert_no_axe_violations(page)
    page.get_by_test_id("appeal-reason").fill("효율성 항목의 활성 파라미터 수가 확인서와 다릅니다.")
    page.get_by_test_id("appeal-links").fill("https://example.org/k-ai-demo/attestation.pdf")
    page.get_by_test_id("appeal-submit").click()
    expect(page.get_by_test_id("appeal-status")).to_have_text("심사 중")
    assert_no_axe_violations(page)
    filed = Appeal.objects.exclude(pk=open_appeal.pk).get()

    # another team's representative: neither appeal exists for it
    log_in(page, portal_url, other)
    response = page.goto(portal_url + f"/team/appeals/{filed.pk}/")
    assert response.status == 404
    page.goto(portal_url + "/team/")
    expect(page.get_by_test_id("team-appeals")).to_contain_text("이의 신청이 없습니다")

    # a reviewer answers and decides; the decision becomes public
    log_in(page, portal_url, reviewer)
    page.goto(portal_url + f"/staff/appeals/{filed.pk}/")
    expect(page.get_by_test_id("appeal-facts")).to_contain_text("효율성")
    assert_no_axe_violations(page)
    page.get_by_test_id("answer-body").fill("확인서와 대조하겠습니다.")
    page.get_by_test_id("answer-send").click()
    expect(page.get_by_test_id("appeal-exchange")).to_contain_text("확인서와 대조하겠습니다.")
    page.get_by_test_id("decide-upheld").check()
    page.get_by_test_id("decision-text").fill("확인서의 활성 파라미터 수로 다시 계산합니다.")
    page.get_by_test_id("decide-save").click()
    expect(page.get_by_test_id("appeal-decision")).to_contain_text("인용")
    assert_no_axe_violations(page)
    page.context.clear_cookies()
    page.goto(portal_url + f"/results/{round_obj.slug}/appeals/{filed.pk}/")
    expect(page.get_by_test_id("appeal-decision")).to_contain_text("다시 계산합니다")
    assert_no_axe_violations(page)
    assert page.goto(portal_url + f"/results/{round_obj.slug}/appeals/{open_appeal.pk}/").status == 404


def test_the_reviewers_new_pages_pass_axe(page, portal_url, final_round):
    round_obj, reviewer, _ = final_round
    log_in(page, portal_url, reviewer)
    for path, hook in [
        (f"/staff/rounds/{round_obj.slug}/", "rerun-warning"),
        (f"/staff/rounds/{round_obj.slug}/originality/", "gate-decisions"),
        (f"/staff/rounds/{round_obj.slug}/audit/", "audit-table"),
        (f"/staff/rounds/{round_obj.slug}/appeals/", "appeal-list"),
        (f"/staff/rounds/{round_obj.slug}/what-if/", "what-if-table"),
        ("/staff/rounds/new/", "round-create"),
    ]:
        page.goto(portal_url + path)
        expect(page.get_by_test_id(hook).first).to_be_visible()
        assert_no_axe_violations(page)
    page.goto(portal_url + "/staff/rounds/stage-1-demo/weights/")  # before publication: names editable
    expect(page.locator("#name_en-benchmark")).to_be_visible()
    assert_no_axe_violations(page)
