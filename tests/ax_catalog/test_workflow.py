"""Draft -> submit -> publish or return, with three personas per page."""

import pytest

from ax_catalog.loading import sample_load
from ax_catalog.models import Agency, UseCase, UseCaseVersion
from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    sample_load()
    editor = make_user("editor", roles.AGENCY_EDITOR)
    Agency.objects.get(code="NTS").editors.add(editor)
    return {
        "editor": editor,
        "reviewer": make_user("reviewer", roles.MINISTRY_REVIEWER),
        "citizen": make_user("citizen", roles.CITIZEN),
        "other_editor": make_user("other", roles.AGENCY_EDITOR),
    }


def draft_data(**changes):
    data = {
        "case_id": "NTS-2026-001", "agency": Agency.objects.get(code="NTS").pk, "title": "홈택스 AI 상담 고도화",
        "summary_one_line": "홈택스 상담을 AI로 돕는 사업", "description_public": "세금 신고 문의를 AI가 안내합니다.",
        "topic_area": "civil_service", "activity_type": "public_service", "audience": "g2c", "ai_class": "generative",
        "stage": "planning", "has_pii": "unknown", "high_impact": "no", "genai_notice": "yes", "source_type": "agency",
    }  # fmt: skip
    return data | changes


def test_editor_drafts_and_submits_reviewer_publishes(client, people):
    client.force_login(people["editor"])
    assert client.post("/ax/manage/new/", draft_data() | {"submit": "1"}).status_code == 302
    case = UseCase.objects.get(case_id="NTS-2026-001")
    assert case.status == "submitted"
    assert client.get("/ax/cases/NTS-2026-001/").status_code == 404  # not public yet
    client.force_login(people["reviewer"])
    assert "NTS-2026-001" in client.get("/ax/manage/").content.decode()
    client.post("/ax/manage/NTS-2026-001/review/", {"action": "publish"})
    assert UseCase.objects.get(case_id="NTS-2026-001").status == "published"
    assert client.get("/ax/cases/NTS-2026-001/").status_code == 200
    actions = list(
        UseCaseVersion.objects.filter(use_case=case)
        .order_by("number")
        .values_list("action", "actor__username")
    )
    assert actions == [("create", "editor"), ("submit", "editor"), ("publish", "reviewer")]


def test_return_needs_a_comment_and_goes_back_to_the_editor(client, people):
    client.force_login(people["editor"])
    client.post("/ax/manage/new/", draft_data() | {"submit": "1"})
    client.force_login(people["reviewer"])
    response = client.post("/ax/manage/NTS-2026-001/review/", {"action": "return", "comment": ""})
    assert "의견을 적어 주세요" in response.content.decode()
    assert UseCase.objects.get(case_id="NTS-2026-001").status == "submitted"
    client.post("/ax/manage/NTS-2026-001/review/", {"action": "return", "comment": "성과지표를 넣어 주세요"})
    case = UseCase.objects.get(case_id="NTS-2026-001")
    assert case.status == "returned" and case.review_comment == "성과지표를 넣어 주세요"
    client.force_login(people["editor"])
    assert client.get("/ax/manage/NTS-2026-001/edit/").status_code == 200


def test_bad_vocabulary_from_the_form_changes_nothing(client, people):
    client.force_login(people["editor"])
    response = client.post("/ax/manage/new/", draft_data(stage="someday"))
    assert response.status_code == 200 and not UseCase.objects.filter(case_id="NTS-2026-001").exists()


@pytest.mark.parametrize(
    ("persona", "url", "expected"),
    [
        ("editor", "/ax/manage/new/", 200),
        ("reviewer", "/ax/manage/new/", 403),
        ("citizen", "/ax/manage/", 403),
        ("reviewer", "/ax/manage/MOIS-2025-001/review/", 200),
        ("editor", "/ax/manage/MOIS-2025-001/review/", 403),
        ("other_editor", "/ax/manage/NTS-2026-001/edit/", 404),
    ],
)
def test_permissions(client, people, persona, url, expected):
    client.force_login(people["editor"])
    client.post("/ax/manage/new/", draft_data())
    client.force_login(people[persona])
    assert client.get(url).status_code == expected


def test_anonymous_visitors_are_sent_to_login(client, people):
    for url in ("/ax/manage/", "/ax/manage/new/", "/ax/manage/MOIS-2025-001/review/"):
        assert client.get(url).status_code == 302


def test_an_editor_cannot_file_for_another_agency(client, people):
    client.force_login(people["editor"])
    response = client.post("/ax/manage/new/", draft_data(agency=Agency.objects.get(code="MOIS").pk))
    assert response.status_code == 200 and not UseCase.objects.filter(case_id="NTS-2026-001").exists()
