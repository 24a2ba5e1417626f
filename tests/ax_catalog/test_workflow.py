"""Draft -> submit -> publish or return, with three personas per page."""

import pytest

from ax_catalog.models import Agency, UseCase, UseCaseVersion
from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(catalogue):
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
        "agency": Agency.objects.get(code="NTS").pk,
        "agency_ref": "HT-7",
        "title": "홈택스 AI 상담 고도화",
        "summary_one_line": "홈택스 상담을 AI로 돕는 사업",
        "description_public": "세금 신고 문의를 AI가 안내합니다.",
        "source_type": "agency",
    }
    return data | changes


def new_case() -> UseCase:
    return UseCase.objects.get(agency_ref="HT-7")


def test_editor_drafts_and_submits_reviewer_publishes(client, people):
    client.force_login(people["editor"])
    # only a name, an agency and one sentence are needed; every vocabulary starts as 보고되지 않음
    assert client.post("/ax/manage/new/", draft_data() | {"submit": "1"}).status_code == 302
    case = new_case()
    assert case.status == "submitted" and case.case_id.startswith("NTS-") and case.case_id != "HT-7"
    assert case.stage == case.risk_tier == case.practice_independent_review == "not_reported"
    url = f"/ax/cases/{case.case_id}/"
    assert client.get(url).status_code == 404  # not public yet
    client.force_login(people["reviewer"])
    assert case.case_id in client.get("/ax/manage/").content.decode()
    client.post(f"/ax/manage/{case.case_id}/review/", {"action": "publish"})
    assert new_case().status == "published"
    assert client.get(url).status_code == 200
    actions = list(
        UseCaseVersion.objects.filter(use_case=case)
        .order_by("number")
        .values_list("action", "actor__username")
    )
    assert actions == [("create", "editor"), ("submit", "editor"), ("publish", "reviewer")]


def test_return_needs_a_comment_and_goes_back_to_the_editor(client, people):
    client.force_login(people["editor"])
    client.post("/ax/manage/new/", draft_data() | {"submit": "1"})
    case_id = new_case().case_id
    client.force_login(people["reviewer"])
    response = client.post(f"/ax/manage/{case_id}/review/", {"action": "return", "comment": ""})
    assert "의견을 적어 주세요" in response.content.decode()
    assert new_case().status == "submitted"
    client.post(f"/ax/manage/{case_id}/review/", {"action": "return", "comment": "성과지표를 넣어 주세요"})
    case = new_case()
    assert case.status == "returned" and case.review_comment == "성과지표를 넣어 주세요"
    client.force_login(people["editor"])
    assert client.get(f"/ax/manage/{case_id}/edit/").status_code == 200


@pytest.mark.parametrize(
    "changes",
    [{"stage": "someday"}, {"summary_one_line": ""}, {"op_date": "2026-13"}, {"contacts": "not an email"}],
)
def test_bad_input_from_the_form_changes_nothing(client, people, changes):
    client.force_login(people["editor"])
    response = client.post("/ax/manage/new/", draft_data(**changes))
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not UseCase.objects.filter(agency_ref="HT-7").exists()


def test_the_form_keeps_dates_at_their_precision_several_contacts_other_and_withheld(client, people):
    client.force_login(people["editor"])
    data = draft_data(
        op_date="2025-07",
        start_date="2024",
        contacts="a@nts.go.kr\nb@nts.go.kr",
        topic_area="other",
        topic_area_other="세무 통계",
        withheld_fields=["vendors"],
        withheld_reason="security",
        vendors="비밀 업체",
    )
    assert client.post("/ax/manage/new/", data).status_code == 302
    case = new_case()
    assert (case.reported_date("op_date"), case.reported_date("start_date")) == ("2025-07", "2024")
    assert case.contacts == ["a@nts.go.kr", "b@nts.go.kr"] and case.other_specify == {
        "topic_area": "세무 통계"
    }
    assert case.withheld == {"vendors": "security"} and case.vendors == ""  # withheld: not kept at all
    html = client.get(f"/ax/manage/{case.case_id}/edit/").content.decode()
    assert 'value="2025-07"' in html and "a@nts.go.kr\nb@nts.go.kr" in html


def test_the_agencys_own_id_is_unique_per_agency(client, people):
    client.force_login(people["editor"])
    client.post("/ax/manage/new/", draft_data())
    response = client.post("/ax/manage/new/", draft_data(title="다른 사례"))
    assert "같은 자체 ID의 사례가 이미 있습니다" in response.content.decode()
    assert UseCase.objects.filter(agency_ref="HT-7").count() == 1


@pytest.mark.parametrize(
    ("persona", "url", "expected"),
    [
        ("editor", "/ax/manage/new/", 200),
        ("reviewer", "/ax/manage/new/", 403),
        ("citizen", "/ax/manage/", 403),
        ("reviewer", "/ax/manage/MOIS-2025-001/review/", 200),  # published: may be returned
        ("editor", "/ax/manage/MOIS-2025-001/review/", 403),
        ("other_editor", "/ax/manage/{new}/edit/", 404),
        # a reviewer never opens an agency's draft, nor a case handed back to its editor
        ("reviewer", "/ax/manage/{new}/review/", 404),
        ("reviewer", "/ax/manage/{returned}/review/", 404),
        ("reviewer", "/ax/manage/{submitted}/review/", 200),
    ],
)
def test_permissions(client, people, persona, url, expected):
    client.force_login(people["editor"])
    client.post("/ax/manage/new/", draft_data())
    for ref, status in (("R-1", "returned"), ("S-1", "submitted")):
        client.post("/ax/manage/new/", draft_data(agency_ref=ref, title=ref))
        UseCase.objects.filter(agency_ref=ref).update(status=status)
    ids = {
        "new": new_case().case_id,
        "returned": UseCase.objects.get(agency_ref="R-1").case_id,
        "submitted": UseCase.objects.get(agency_ref="S-1").case_id,
    }
    client.force_login(people[persona])
    assert client.get(url.format(**ids)).status_code == expected


def test_a_reviewer_cannot_act_on_a_draft_either(client, people):
    client.force_login(people["editor"])
    client.post("/ax/manage/new/", draft_data())
    case = new_case()
    client.force_login(people["reviewer"])
    assert (
        client.post(f"/ax/manage/{case.case_id}/review/", {"action": "return", "comment": "x"}).status_code
        == 404
    )
    client.get("/ax/manage/")  # shows (and so clears) the editor's last message in this test client
    assert new_case().status == "draft" and case.case_id not in client.get("/ax/manage/").content.decode()


def test_anonymous_visitors_are_sent_to_login(client, people):
    for url in ("/ax/manage/", "/ax/manage/new/", "/ax/manage/MOIS-2025-001/review/"):
        assert client.get(url).status_code == 302


def test_an_editor_cannot_file_for_another_agency(client, people):
    client.force_login(people["editor"])
    response = client.post("/ax/manage/new/", draft_data(agency=Agency.objects.get(code="MOIS").pk))
    assert response.status_code == 200 and not UseCase.objects.filter(agency_ref="HT-7").exists()
