import pytest
from playwright.sync_api import expect

from ax_catalog.loading import sample_load
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_filter_by_two_facets_and_open_a_case(page, portal_url):
    sample_load()
    page.goto(portal_url + "/ax/")
    expect(page.get_by_test_id("usecase-card")).to_have_count(14)
    assert_no_axe_violations(page)
    # the filters wait behind one button that counts the active ones
    expect(page.get_by_test_id("facet-stage-operation")).to_be_hidden()
    expect(page.get_by_test_id("filter-toggle")).to_have_text("필터 (0)")
    page.get_by_test_id("filter-toggle").click()
    page.get_by_test_id("facet-stage-operation").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(7)
    page.get_by_test_id("facet-topic-civil_service").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(3)
    expect(page.get_by_test_id("filter-toggle")).to_have_text("필터 (2)")
    assert "stage=operation" in page.url and "topic=civil_service" in page.url
    assert_no_axe_violations(page)
    page.get_by_test_id("usecase-card").first.get_by_role("link").click()
    expect(page.locator("#public-tier")).to_be_visible()
    assert_no_axe_violations(page)


def test_agency_completeness_and_a_model_page_from_a_case(page, portal_url, demo_endpoints):
    from ax_catalog.loading import demo_model_cases_load

    sample_load()
    (endpoint,) = demo_endpoints("demo-garam")
    assert demo_model_cases_load() == 1
    page.goto(portal_url + "/ax/")
    page.get_by_role("link", name="기관별 기록 완성도").click()
    expect(page.get_by_test_id("agency-completeness")).to_contain_text("국세청")
    assert_no_axe_violations(page)
    page.goto(portal_url + f"/ax/?model={endpoint.name}")
    expect(page.get_by_test_id("usecase-card")).to_have_count(1)
    page.get_by_test_id("usecase-card").get_by_role("link").click()
    page.get_by_role("link", name=endpoint.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(endpoint.name)
    expect(page.get_by_test_id("usecase-card")).to_have_count(1)
    assert_no_axe_violations(page)


def test_editor_to_reviewer_round_trip(page, portal_url):
    from ax_catalog.models import Agency, UseCase
    from core import roles
    from tests.browser.conftest import log_in
    from tests.personas import make_user

    sample_load()
    editor = make_user("editor", roles.AGENCY_EDITOR)
    Agency.objects.get(code="NTS").editors.add(editor)
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)

    log_in(page, portal_url, editor)
    page.goto(portal_url + "/ax/manage/")
    page.get_by_test_id("new-usecase").click()
    assert_no_axe_violations(page)
    # a name, an agency and one sentence are all a filing needs
    page.fill("#id_title", "홈택스 AI 상담 고도화")
    page.fill("#id_summary_one_line", "홈택스 상담을 AI로 돕는 사업")
    page.select_option("#id_agency", label="국세청")
    page.fill("#id_op_date", "2026-03")
    page.fill("#id_contacts", "ai@nts.go.kr\nhelp@nts.go.kr")
    page.select_option("#id_risk_tier", "under_review")
    page.get_by_test_id("submit-usecase").click()
    case = UseCase.objects.get(title="홈택스 AI 상담 고도화")
    expect(page.get_by_test_id("own-cases")).to_contain_text(case.case_id)
    assert case.status == "submitted" and case.reported_date("op_date") == "2026-03"
    assert case.contacts == ["ai@nts.go.kr", "help@nts.go.kr"] and case.stage == "not_reported"

    log_in(page, portal_url, reviewer)
    page.goto(portal_url + "/ax/manage/")
    page.get_by_test_id("review-queue").get_by_role(
        "link", name=f"{case.case_id} · 홈택스 AI 상담 고도화"
    ).click()
    assert_no_axe_violations(page)
    page.get_by_test_id("return").click()  # no comment: refused, nothing changes
    expect(page.get_by_role("alert")).to_contain_text("의견")
    assert UseCase.objects.get(pk=case.pk).status == "submitted"
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("review-queue")).to_have_count(0)

    page.goto(portal_url + "/ax/?q=홈택스")
    expect(page.locator("#ax-results")).to_contain_text("홈택스 AI 상담 고도화")
    assert UseCase.objects.get(pk=case.pk).status == "published"


def test_high_impact_cases_without_an_independent_review_on_a_phone(page, portal_url):
    """The public filter over the real federal records, by keyboard-reachable checkboxes, at 390 px."""
    from pathlib import Path

    from ax_catalog import mapping, transfer
    from core import roles
    from tests.personas import make_user

    admin = make_user("admin", roles.ADMINISTRATOR)
    sample = Path(__file__).resolve().parents[2] / "ax_catalog" / "data" / "us-federal-2025-sample.csv"
    assert transfer.import_file(sample, mapping.load("us-federal-2025"), publish=True, actor=admin).ok
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(portal_url + "/ax/")
    expect(page.get_by_test_id("usecase-card")).to_have_count(20)  # first page of 25
    page.get_by_test_id("filter-toggle").click()  # the filters fold behind one button on a phone
    page.get_by_test_id("missing-independent_review").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(3)
    assert "missing=independent_review" in page.url
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Voicemail Transcription, Translation and Summarization").click()
    expect(page.get_by_test_id("risk-tier")).to_contain_text("고영향")
    expect(page.get_by_test_id("where-to-object")).to_contain_text("보고되지 않음")
    expect(page.locator('[data-field="security_review_note"]')).to_contain_text("비공개 (사유: 보안)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    page.fill("#id_text", "연락처 010-1234-5678 로 답을 주세요")
    page.get_by_test_id("send-feedback").click()
    expect(page.locator(".messages")).to_contain_text("의견을 받았습니다")
