"""Open data: the versioned JSON Schema of a record validates every exported record; dated CSV and JSON
downloads with the licence; the public history of a record; citizens' feedback (redacted, moderated,
passed to the agency)."""

import csv
import io
import json

import jsonschema
import pytest
from django.utils import timezone

from ax_catalog import open_data, risk
from ax_catalog.models import PRACTICES, VOCABULARIES, Feedback, UseCase
from core import roles
from tests.personas import make_user

pytestmark = pytest.mark.django_db
VALIDATOR = jsonschema.Draft202012Validator(
    open_data.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def _download(client, extension: str):
    response = client.get(f"/ax/open-data/ax-usecases.{extension}")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode("utf-8")


def test_every_exported_record_validates_against_the_published_schema(client, catalogue, federal):
    UseCase.objects.filter(case_id="GUNWI-2025-001").update(
        withheld={"vendors": "security"}, risk_tier="high_impact", high_impact_area="public_services"
    )
    response, body = _download(client, "json")
    data = json.loads(body)
    assert len(data["records"]) == 39 == UseCase.objects.published().count()
    for record in data["records"]:
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(record)
        ]
        assert not errors, (record["id"], errors)
    page, seen = 1, 0
    while page:
        body = client.get("/api/v1/ax/use-cases/", {"page": page}).json()
        for record in body["results"]:
            assert not list(VALIDATOR.iter_errors(record)), record["id"]
            seen += 1
        page = page + 1 if body["next"] else None
    assert seen == 39
    gunwi = next(r for r in data["records"] if r["id"] == "GUNWI-2025-001")
    assert gunwi["withheld"] == {"vendors": "security"} and gunwi["vendors"] is None
    assert gunwi["risk"]["eu_annex_iii"] == [{"point": "5", "name": risk.EU_ANNEX_III["5"]}]


def test_a_record_that_breaks_the_schema_is_caught(catalogue):
    record = open_data.record(UseCase.objects.get(case_id="NTS-2025-001"))
    assert not list(VALIDATOR.iter_errors(record))
    for broken in (
        {"stage": "someday"},
        {"op_date": "07/2023"},
        {"contacts": ["not-an-email"]},
        {"extra": 1},
    ):
        assert list(VALIDATOR.iter_errors(record | broken)), broken


def test_the_schema_lists_exactly_the_catalogues_vocabularies():
    properties = open_data.schema()["properties"]
    for field in open_data.VOCAB:
        assert properties[field]["enum"] == list(VOCABULARIES[field].values), field
    assert properties["risk"]["properties"]["tier"]["enum"] == list(VOCABULARIES["risk_tier"].values)
    practices = properties["practices"]["properties"]
    assert set(practices) == {k.removeprefix("practice_") for k in PRACTICES}


def test_the_schema_is_served_by_version(client):
    response = client.get("/api/v1/ax/schema/usecase-2.0.0.json")
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(b"".join(response.streaming_content))["$id"] == "/api/v1/ax/schema/usecase-2.0.0.json"
    assert client.get("/api/v1/ax/schema/usecase-9.9.9.json").status_code == 404


def test_dated_downloads_carry_the_licence(client, catalogue, settings):
    today = timezone.localdate().isoformat()
    response, body = _download(client, "csv")
    assert response["Content-Disposition"] == f'attachment; filename="ax-usecases-{today}.csv"'
    assert response["Link"] == f'<{settings.AX_OPEN_DATA_LICENCE_URL}>; rel="license"'
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 14 and "status" not in rows[0] and rows[0]["case_id"]
    response, body = _download(client, "json")
    data = json.loads(body)
    assert data["licence"] == {
        "name": "공공누리 제1유형 (출처표시)",
        "url": settings.AX_OPEN_DATA_LICENCE_URL,
    }
    assert response["Content-Disposition"].endswith(f'ax-usecases-{today}.json"')
    page = client.get("/ax/open-data/").content.decode()
    assert f"ax-usecases-{today}.csv" in page and "공공누리 제1유형" in page and "usecase-2.0.0.json" in page


def test_drafts_never_reach_the_downloads(client, catalogue):
    UseCase.objects.filter(case_id="NTS-2025-001").update(status="draft", review_comment="내부 의견")
    _, body = _download(client, "json")
    assert "NTS-2025-001" not in body and "내부 의견" not in body


def test_the_history_lists_every_public_version_with_its_date(client, catalogue):
    from ax_catalog import services

    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    editor = make_user("editor", roles.AGENCY_EDITOR)
    case = UseCase.objects.get(case_id="NTS-2025-001")
    services.usecase_transition(use_case=case, action="return", actor=reviewer, comment="보완 바람")
    case.title = "AI 음성인식 국세상담 (2차)"
    services.usecase_save(use_case=case, actor=editor)
    services.usecase_transition(use_case=case, action="submit", actor=editor)
    services.usecase_transition(use_case=case, action="publish", actor=reviewer)
    body = client.get("/api/v1/ax/use-cases/NTS-2025-001/history/").json()
    versions = body["versions"]
    assert [v["action"] for v in versions] == ["publish", "import"]  # the draft steps are not public
    assert versions[0]["record"]["title"] == "AI 음성인식 국세상담 (2차)"
    assert versions[1]["record"]["title"] == "AI 음성인식 국세상담"
    assert all(
        v["date"] and not list(VALIDATOR.iter_errors(v["record"] | {"updated_at": None})) for v in versions
    )
    assert "보완 바람" not in json.dumps(body, ensure_ascii=False)


def test_feedback_is_redacted_moderated_and_then_shown_to_the_agency(client, catalogue):
    editor = make_user("editor", roles.AGENCY_EDITOR)
    other = make_user("other", roles.AGENCY_EDITOR)
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    from ax_catalog.models import Agency

    Agency.objects.get(code="NTS").editors.add(editor)
    response = client.post(
        "/ax/cases/NTS-2025-001/feedback/",
        {"text": "상담이 느려요. 제 번호 010-1234-5678 로 연락 주세요 hong@example.com"},
    )
    assert response.status_code == 302
    stored = Feedback.objects.get()
    assert "010-1234-5678" not in stored.text and "hong@example.com" not in stored.text
    assert stored.status == "pending"
    client.force_login(editor)
    assert "상담이 느려요" not in client.get("/ax/manage/").content.decode()  # not before moderation
    client.force_login(reviewer)
    assert "상담이 느려요" in client.get("/ax/manage/").content.decode()
    client.post(f"/ax/manage/feedback/{stored.pk}/", {"decision": "approve"})
    client.force_login(editor)
    page = client.get("/ax/manage/").content.decode()
    assert "상담이 느려요" in page.split('data-testid="received-feedback"')[1]
    client.force_login(other)
    assert "상담이 느려요" not in client.get("/ax/manage/").content.decode()  # another agency's editor
    client.logout()
    assert "상담이 느려요" not in client.get("/ax/cases/NTS-2025-001/").content.decode()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"text": ""}, 400, "필수 항목"),
        ({"text": "가" * 1001}, 400, "1000"),
        ({"text": "좋은 사례", "website": "http://spam.example"}, 302, None),  # a robot: silently dropped
    ],
)
def test_bad_feedback_changes_nothing(client, catalogue, data, status, message):
    response = client.post("/ax/cases/NTS-2025-001/feedback/", data)
    assert response.status_code == status
    if message:
        assert message in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_is_limited_per_network_and_only_on_published_cases(client, catalogue, settings):
    settings.AX_FEEDBACK_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/ax/cases/NTS-2025-001/feedback/", {"text": "의견"}).status_code == 302
    refused = client.post("/ax/cases/NTS-2025-001/feedback/", {"text": "의견"})
    assert refused.status_code == 429 and 'role="alert"' in refused.content.decode()
    UseCase.objects.filter(case_id="KCS-2025-001").update(status="draft")
    assert client.post("/ax/cases/KCS-2025-001/feedback/", {"text": "의견"}).status_code == 404
    assert Feedback.objects.count() == 2


def test_versions_saved_before_schema_2_read_back_in_its_vocabularies(catalogue):
    case = UseCase.objects.get(case_id="NTS-2025-001")
    old = {
        "title": "옛 기록",
        "high_impact": "reviewed_no",
        "has_pii": "unknown",
        "contact_email": "a@nts.go.kr",
        "dev_method": "외주",
        "status": "published",
        "op_date": "2025-01-02",
    }
    record = open_data.record_from_snapshot(old, case) | {"updated_at": None}
    assert not list(VALIDATOR.iter_errors(record))
    assert record["risk"]["tier"] == "not_applicable" and record["has_pii"] == "not_reported"
    assert record["contacts"] == ["a@nts.go.kr"] and record["title"] == "옛 기록"
