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
    page.get_by_test_id("facet-stage-operation").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(7)
    page.get_by_test_id("facet-topic-civil_service").check()
    expect(page.get_by_test_id("usecase-card")).to_have_count(3)
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
    for field, value in {
        "case_id": "NTS-2026-009", "title": "홈택스 AI 상담 고도화", "summary_one_line": "홈택스 상담을 AI로 돕는 사업",
        "description_public": "세금 신고 문의를 AI가 안내합니다.",
    }.items():  # fmt: skip
        page.fill(f"#id_{field}", value)
    page.select_option("#id_agency", label="국세청")
    for field, value in {"topic_area": "civil_service", "activity_type": "public_service", "audience": "g2c",
                         "ai_class": "generative", "stage": "planning", "has_pii": "unknown", "high_impact": "no",
                         "genai_notice": "yes", "source_type": "agency"}.items():  # fmt: skip
        page.select_option(f"#id_{field}", value)
    page.get_by_test_id("submit-usecase").click()
    expect(page.get_by_test_id("own-cases")).to_contain_text("NTS-2026-009")
    assert UseCase.objects.get(case_id="NTS-2026-009").status == "submitted"

    log_in(page, portal_url, reviewer)
    page.goto(portal_url + "/ax/manage/")
    page.get_by_test_id("review-queue").get_by_role(
        "link", name="NTS-2026-009 · 홈택스 AI 상담 고도화"
    ).click()
    assert_no_axe_violations(page)
    page.get_by_test_id("return").click()  # no comment: refused, nothing changes
    expect(page.get_by_role("alert")).to_contain_text("의견")
    assert UseCase.objects.get(case_id="NTS-2026-009").status == "submitted"
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("review-queue")).to_have_count(0)

    page.goto(portal_url + "/ax/?q=홈택스")
    expect(page.locator("#ax-results")).to_contain_text("홈택스 AI 상담 고도화")
    assert UseCase.objects.get(case_id="NTS-2026-009").status == "published"
