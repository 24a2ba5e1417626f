"""Loading the grounded sample cases (demo) and synthetic ones (load tests), through the one save path."""

from __future__ import annotations

import random

from django.db import transaction

from ax_catalog.models import Agency, Kpi, Status, UseCase
from ax_catalog.sample_data import AGENCIES, CASES
from ax_catalog.services import usecase_save

DEFAULTS = {"high_impact": "no", "status": Status.PUBLISHED, "verified": "unverified"}


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
            case_id=f"SYN-2025-{i:05d}", agency=agency, title=f"[합성] {a['title']} {b['title']}",
            summary_one_line=f"[합성] {a['summary_one_line']}"[:100], description_public=f"{a['description_public']} {b['description_public']}",
            topic_area=a["topic_area"], activity_type=b["activity_type"], audience=a["audience"], ai_class=b["ai_class"],
            stage=rng.choice(["planning", "development", "pilot", "operation"]), high_impact="no", source_type="synthetic",
            status=Status.PUBLISHED,
        )  # fmt: skip
        usecase_save(use_case=use_case, action="import", comment="synthetic")
    return n
