"""Loading the grounded sample cases (demo) and synthetic ones (load tests), through the one save path."""

from __future__ import annotations

import random
from pathlib import Path

from django.db import transaction

from arena.models import ModelEndpoint
from ax_catalog import mapping, transfer
from ax_catalog.models import Agency, Kpi, Status, UseCase
from ax_catalog.sample_data import AGENCIES, CASES
from ax_catalog.services import usecase_save

# Only what the sources say: a risk tier nobody reported stays 보고되지 않음 (the model default).
DEFAULTS = {"status": Status.PUBLISHED, "verified": "unverified"}


@transaction.atomic
def sample_load() -> int:
    """Create the sample agencies and cases that do not exist yet; returns how many cases were added."""
    agencies = {}
    for code, name, kind in AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "agency_type": kind}
        )
    added = 0
    for data in CASES:
        if UseCase.objects.filter(case_id=data["case_id"]).exists():
            continue
        fields = {k: v for k, v in data.items() if k not in ("agency", "kpis")}
        use_case = UseCase(agency=agencies[data["agency"]], **(DEFAULTS | fields))
        usecase_save(use_case=use_case, action="import", comment="sample data")
        for kpi in data.get("kpis", []):
            Kpi.objects.create(use_case=use_case, **kpi)
        added += 1
    return added


def synthetic_load(n: int, *, seed: int = 0) -> int:
    """n clearly synthetic published cases (source type 'synthetic'), recombining the sample texts."""
    rng = random.Random(seed)
    agency, _ = Agency.objects.get_or_create(
        code="SYN", defaults={"name": "합성 기관 (부하 시험)", "agency_type": "public_institution"}
    )
    start = UseCase.objects.filter(case_id__startswith="SYN-").count()
    for i in range(start, start + n):
        a, b = rng.choice(CASES), rng.choice(CASES)
        use_case = UseCase(
            case_id=f"SYN-2025-{i:05d}",
            agency=agency,
            title=f"[합성] {a['title']} {b['title']}",
            summary_one_line=f"[합성] {a['summary_one_line']}"[:100],
            description_public=f"{a['description_public']} {b['description_public']}",
            topic_area=a["topic_area"],
            activity_type=b["activity_type"],
            audience=a["audience"],
            ai_class=b["ai_class"],
            stage=rng.choice(["planning", "development", "pilot", "operation"]),
            source_type="synthetic",
            status=Status.PUBLISHED,
        )
        usecase_save(use_case=use_case, action="import", comment="synthetic")
    return n


def demo_model_cases_load() -> int:
    """One clearly fictional published case per demo arena model, so the demo's model pages and the
    catalogue's "sovereign model" facet have something to show. Real sample cases are never linked to
    demo models: that would present an invented fact as reported."""
    agency, _ = Agency.objects.get_or_create(
        code="DEMO", defaults={"name": "데모 기관 (가상)", "agency_type": "public_institution"}
    )
    added = 0
    for endpoint in ModelEndpoint.objects.filter(team__is_demo=True).order_by("pk"):
        case_id = f"DEMO-2026-{endpoint.pk:03d}"
        if UseCase.objects.filter(case_id=case_id).exists():
            continue
        use_case = UseCase(
            case_id=case_id,
            agency=agency,
            title=f"[데모] {endpoint.name} 활용 민원 안내 도우미 (가상 사례)",
            summary_one_line="시연용 가상 사례: 데모 모델로 민원 안내 문구 초안을 만듭니다",
            description_public="포털 시연을 위해 만든 가상의 사례입니다. 실제 기관이나 실제 참가팀 모델의 활용 사례가 아닙니다.",
            topic_area="civil_service",
            activity_type="internal",
            audience="g2g",
            ai_class="generative",
            model_name=endpoint.name,
            sovereign_model=endpoint,
            stage="pilot",
            source_type="synthetic",
            source_note="데모 데이터 (가상)",
            status=Status.PUBLISHED,
        )
        usecase_save(use_case=use_case, action="import", comment="demo data")
        added += 1
    return added


FEDERAL_SAMPLE = Path(__file__).resolve().parent / "data" / "us-federal-2025-sample.csv"


def register_sample_load(actor) -> int:
    """The 25 unchanged records of the US 2025 federal inventory (public domain), imported through the
    shipped mapping and published by `actor` (an administrator), so the demo shows real records with
    real risk tiers, practices and gaps. Re-running it changes nothing. Returns how many were added."""
    report = transfer.import_file(FEDERAL_SAMPLE, mapping.load("us-federal-2025"), publish=True, actor=actor)
    if not report.ok:
        raise ValueError("; ".join(str(e) for e in report.errors[:5]))
    return report.created
