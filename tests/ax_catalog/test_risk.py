"""Risk and rights: the AI Basic Act tier, its crosswalk to the EU AI Act and the US rules, and the
public filter "high-impact cases without an independent review" (and the other practices)."""

import re

import pytest

from ax_catalog import risk
from ax_catalog.models import HighImpactArea, UseCase

pytestmark = pytest.mark.django_db
HIGH_IMPACT_FEDERAL = {
    "Voicemail Transcription, Translation and Summarization",
    "Teledermatology Clinical Outcome Classification",
    "Veterans Life Tailored",
}


def titles(client, **params) -> set[str]:
    out, page = set(), 1
    while page:
        body = client.get("/api/v1/ax/use-cases/", params | {"page": page}).json()
        out |= {r["title"] for r in body["results"]}
        page = page + 1 if body["next"] else None
    return out


def test_the_public_can_filter_high_impact_cases_without_an_independent_review(client, federal, catalogue):
    # The real file: three high-impact records, none reports an independent review.
    assert titles(client, risk="high_impact") == HIGH_IMPACT_FEDERAL
    assert titles(client, missing="independent_review") == HIGH_IMPACT_FEDERAL
    reviewed = UseCase.objects.get(title="Veterans Life Tailored")
    reviewed.practice_independent_review = "yes"
    reviewed.save()
    assert titles(client, missing="independent_review") == HIGH_IMPACT_FEDERAL - {"Veterans Life Tailored"}
    # in progress is not done: still listed
    UseCase.objects.filter(title="Teledermatology Clinical Outcome Classification").update(
        practice_independent_review="in_progress"
    )
    assert "Teledermatology Clinical Outcome Classification" in titles(client, missing="independent_review")
    # not high-impact cases are never in it, whatever their practices
    assert not titles(client, missing="independent_review") & {"Inference of PFAS precursor compositions"}
    # two gaps at once: both must be missing
    reviewed.practice_appeal = "no"
    reviewed.save()
    assert titles(client, missing=["independent_review", "appeal"]) == HIGH_IMPACT_FEDERAL - {
        "Veterans Life Tailored"
    }


def test_the_filter_is_on_the_browse_page_with_counts(client, federal):
    html = client.get("/ax/?missing=independent_review").content.decode()
    assert html.count('data-testid="usecase-card"') == 3
    label = re.search(
        r'<label><input[^>]*data-testid="missing-independent_review"[^>]*>[^<]*<span class="badge">(\d+)',
        html,
    )
    assert label and "checked" in label.group(0) and label.group(1) == "3"
    assert "Veterans Life Tailored" in html and "Blockchain Analysis" not in html


def test_unknown_missing_values_filter_nothing(client, federal):
    assert len(titles(client, missing="nonsense")) == 25


@pytest.mark.parametrize(
    ("area", "eu", "us"),
    [
        ("public_services", ["5"], ["benefits"]),
        ("biometrics_investigation", ["1", "6"], ["law_enforcement"]),
        ("rights_decisions", ["4", "5"], ["employment", "financial"]),
        ("education_assessment", ["3"], ["education"]),
        ("medical_devices", [], ["health"]),  # EU product law (Annex I), not Annex III
        ("not_reported", [], []),
    ],
)
def test_crosswalk(area, eu, us):
    assert [a["point"] for a in risk.eu_areas(area)] == eu
    assert [a["key"] for a in risk.us_categories(area)] == us


def test_every_area_of_the_act_is_in_the_crosswalk():
    assert set(risk.CROSSWALK) == set(HighImpactArea.values)


def test_the_detail_page_shows_the_tier_area_and_crosswalk(client, catalogue):
    UseCase.objects.filter(case_id="MOIS-2025-002").update(
        risk_tier="high_impact", high_impact_area="public_services"
    )
    html = client.get("/ax/cases/MOIS-2025-002/").content.decode()
    tier = html.split('data-testid="risk-tier"')[1].split("</dd>")[0]
    assert "고영향" in tier and "공공서비스 자격 확인" in tier
    assert "EU AI Act 부속서 III" in html and "5. Access to and enjoyment of essential" in html
