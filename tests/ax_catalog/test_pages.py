import pytest

from ax_catalog.loading import sample_load
from ax_catalog.models import UseCase

pytestmark = pytest.mark.django_db


def test_browse_page_lists_cards_with_facets(client, catalogue):
    html = client.get("/ax/").content.decode()
    assert html.count('data-testid="usecase-card"') == 14
    assert 'data-testid="facet-stage-operation"' in html and 'data-testid="facet-agency-서울특별시"' in html
    assert (
        'data-testid="facet-risk-not_reported"' in html and 'data-testid="missing-independent_review"' in html
    )


def test_search_and_facets_keep_a_shareable_url(client, catalogue):
    html = client.get("/ax/?q=챗봇&stage=operation").content.decode()
    assert html.count('data-testid="usecase-card"') == 1 and "서울톡 챗봇" in html
    partial = client.get("/ax/?q=챗봇", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="ax-results"' in partial and "hx-swap-oob" in partial


def test_detail_shows_the_plain_tier_first_then_the_full_record(client, catalogue):
    html = client.get("/ax/cases/GUNWI-2025-001/").content.decode()
    assert html.index('id="public-tier"') < html.index('id="object-title"') < html.index('id="full-record"')
    assert "설문 분석 소요 시간: 270분 → 45분" in html
    assert "기록 완성도" in html


def test_detail_says_what_was_not_reported_and_where_to_object(client, catalogue):
    UseCase.objects.filter(case_id="NTS-2025-001").update(
        objection_office="국세청 고객만족센터",
        objection_channel="국민신문고",
        objection_url="https://www.epeople.go.kr",
    )
    html = client.get("/ax/cases/NTS-2025-001/").content.decode()
    box = html.split('data-testid="where-to-object"')[1].split("</section>")[0]
    assert "국세청 고객만족센터" in box and "국민신문고" in box and 'href="https://www.epeople.go.kr"' in box
    risk = html.split('data-testid="risk-tier"')[1].split("</dd>")[0]
    assert "보고되지 않음" in risk  # nobody reported a tier: not shown as "not high-impact"
    unreported = html.split('data-field="vendors"')[1].split("</dd>")[0]
    assert (
        'class="not-reported"' in html.split('data-field="vendors"')[0][-40:]
        and "보고되지 않음" in unreported
    )
    other = client.get("/ax/cases/GUNWI-2025-001/").content.decode()
    assert "보고되지 않음" in other.split('data-testid="where-to-object"')[1].split("</section>")[0]


def test_unpublished_and_unknown_cases_are_not_found(client, catalogue):
    UseCase.objects.filter(case_id="NTS-2025-001").update(status="draft")
    assert client.get("/ax/cases/NTS-2025-001/").status_code == 404
    assert client.get("/ax/cases/NOPE-2025-001/").status_code == 404
    assert client.get("/api/v1/ax/use-cases/NTS-2025-001/").status_code == 404


def test_sample_loading_is_idempotent(catalogue):
    assert sample_load() == 0


def test_api_searches_filters_and_paginates(client, catalogue):
    body = client.get("/api/v1/ax/use-cases/", {"q": "국세 상담"}).json()
    first = body["results"][0]
    assert body["count"] >= 1 and first["id"] == "NTS-2025-001" and first["title"] == "AI 음성인식 국세상담"
    assert "agency_id" in first and "search_lexemes" not in first and "review_comment" not in first
    operation = client.get("/api/v1/ax/use-cases/", {"stage": "operation", "topic": "civil_service"}).json()
    assert operation["count"] == 3 and len(operation["results"]) == 3
    stages = {f["value"]: f["count"] for f in operation["facets"]["stage"]}
    # the stage facet ignores its own choice: every published civil-service case, by stage
    assert stages["operation"] == 3
    assert sum(stages.values()) == UseCase.objects.published().filter(topic_area="civil_service").count()
    assert next(f for f in operation["facets"]["topic"] if f["value"] == "civil_service")["selected"]
    kpis = client.get("/api/v1/ax/use-cases/", {"q": "설문"}).json()["results"][0]["kpis"]
    assert kpis[0]["before"] == 270 and kpis[0]["after"] == 45


def test_the_api_returns_the_agencys_own_id_beside_the_portal_id(client, federal):
    body = client.get("/api/v1/ax/use-cases/", {"q": "voicemail transcription"}).json()
    first = body["results"][0]
    assert first["title"] == "Voicemail Transcription, Translation and Summarization"
    assert first["agency_id"] == "DOJ-0243" and first["id"].startswith("DOJ-")
    one = client.get(f"/api/v1/ax/use-cases/{first['id']}/").json()
    assert one["agency_id"] == "DOJ-0243" and one["withheld"] == {"security_review_note": "security"}


def test_openapi_schema_lists_the_catalogue(admin_client):
    schema = admin_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/ax/use-cases/" in schema and "/api/v1/leaderboard/" in schema
    assert "/api/v1/ax/use-cases/{case_id}/history/" in schema


def test_detail_names_the_missing_fields_in_the_readers_language(client, catalogue):
    html = client.get("/ax/cases/GUNWI-2025-001/").content.decode()
    missing = html.split('data-testid="missing-fields"')[1].split("</p>")[0]
    assert "문의처" in missing and "운영(시범) 개시일" in missing
    assert "contacts" not in missing and "op_date" not in missing


def test_agency_completeness_lists_every_agency_with_what_is_missing(client, catalogue):
    from ax_catalog import completeness

    scores = {s.agency.code: s for s in completeness.by_agency(UseCase.objects.published())}
    nts = [c for c in UseCase.objects.published() if c.agency.code == "NTS"]
    assert scores["NTS"].cases == len(nts)
    assert scores["NTS"].mean == pytest.approx(sum(completeness.of_case(c)[0] for c in nts) / len(nts))
    # the most often empty field is counted over the agency's cases
    label, n = scores["MOIS"].most_missing[0]
    assert 1 <= n <= scores["MOIS"].cases and label
    UseCase.objects.filter(agency__code="KCS").update(status="draft")
    html = client.get("/ax/agencies/").content.decode()
    assert 'data-testid="agency-completeness"' in html and "관세청" in html and "공개 사례 없음" in html


def test_completeness_counts_answers_not_blanks():
    from ax_catalog import completeness

    case = UseCase(title="t", summary_one_line="s", description_public="d")
    score, missing = completeness.of_case(case)
    assert "kpis" in missing and "summary_one_line" not in missing and "stage" in missing
    assert score == pytest.approx(2 / (len(completeness.FIELDS) + 1))
    answered = UseCase(
        title="t",
        summary_one_line="s",
        description_public="d",
        stage="pilot",
        withheld={"vendors": "security"},
    )
    score2, missing2 = completeness.of_case(answered)
    assert "stage" not in missing2 and "vendors" not in missing2  # withheld with a reason is an answer
    assert score2 == pytest.approx(4 / (len(completeness.FIELDS) + 1))
    high = UseCase(title="t", risk_tier="high_impact")
    assert "practice_independent_review" in completeness.of_case(high)[1]  # practices count where they apply
