"""How complete a record is: per case (the share of the public record's fields filled in) and per
agency (the mean over its cases, and which fields its cases most often leave empty)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ax_catalog.models import Agency, Kpi, UseCase

# What a complete public record has; the completeness score is the share of these filled in.
FIELDS = [
    "summary_one_line", "description_public", "org_unit", "contact_email", "url", "model_name", "problem",
    "benefits", "outputs", "previous_process", "start_date", "op_date", "dev_method", "vendors",
    "funding_program", "training_data", "operational_data", "high_impact_reason", "impact_assessment",
    "human_review", "appeal", "risks_mitigations", "source_url",
]  # fmt: skip
KPIS = "kpis"  # at least one KPI with before and after


def of_case(use_case: UseCase) -> tuple[float, list[str]]:
    """(score 0-1, the keys of the empty fields)."""
    missing = [f for f in FIELDS if getattr(use_case, f) in (None, "")]
    # all() rather than exists(): uses a prefetched list when the caller has one (the manage list).
    if not (use_case.pk and len(use_case.kpis.all())):
        missing.append(KPIS)
    total = len(FIELDS) + 1
    return (total - len(missing)) / total, missing


def labels(keys: list[str]) -> list[str]:
    """The fields' names in the reader's language."""
    return [
        str(_("성과지표 (전후 수치)")) if key == KPIS else str(UseCase._meta.get_field(key).verbose_name)
        for key in keys
    ]


@dataclass(frozen=True)
class AgencyScore:
    agency: Agency
    cases: int
    mean: float | None  # None when the agency has no case in scope
    most_missing: list[tuple[str, int]]  # (field label, how many of its cases leave it empty)


def by_agency(cases, *, top: int = 3) -> list[AgencyScore]:
    """Per agency over `cases` (a UseCase queryset): mean completeness and the most often empty
    fields. Agencies without cases in scope are listed too, so a blank register shows as blank."""
    per_agency: dict[int, list[tuple[float, list[str]]]] = {}
    rows = cases.select_related(None).prefetch_related(
        Prefetch("kpis", queryset=Kpi.objects.only("id", "use_case_id"))
    )
    for case in rows.only("id", "agency_id", *FIELDS):
        per_agency.setdefault(case.agency_id, []).append(of_case(case))
    out = []
    for agency in Agency.objects.order_by("name"):
        scores = per_agency.get(agency.pk, [])
        empty = Counter(key for _, missing in scores for key in missing)
        commonest = empty.most_common(top)
        out.append(
            AgencyScore(
                agency=agency,
                cases=len(scores),
                mean=sum(score for score, _ in scores) / len(scores) if scores else None,
                most_missing=list(
                    zip(labels([k for k, _ in commonest]), [n for _, n in commonest], strict=True)
                ),
            )
        )
    return sorted(out, key=lambda a: (a.mean is None, -(a.mean or 0), a.agency.name))
