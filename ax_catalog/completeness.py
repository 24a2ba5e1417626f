"""How complete a record is: per case (the share of the public record's fields answered) and per
agency (the mean over its cases, and which fields its cases most often leave unanswered).

A field is answered when it holds a value, a vocabulary answer other than "보고되지 않음", or is
withheld with a reason (a stated reason is an answer; a blank is not)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ax_catalog.models import NOT_REPORTED, PRACTICES, Agency, Kpi, UseCase

# What a complete public record has; the completeness score is the share of these answered.
FIELDS = [
    "summary_one_line",
    "description_public",
    "org_unit",
    "contacts",
    "url",
    "topic_area",
    "activity_type",
    "audience",
    "ai_class",
    "model_name",
    "problem",
    "benefits",
    "outputs",
    "previous_process",
    "stage",
    "start_date",
    "op_date",
    "dev_method",
    "vendors",
    "funding_program",
    "training_data",
    "operational_data",
    "has_pii",
    "risk_tier",
    "risk_reason",
    "genai_notice",
    "impact_assessment",
    "human_review",
    "appeal",
    "risks_mitigations",
    "objection_office",
    "objection_channel",
    "source_url",
]
# The structured practices count only where they apply: for a high-impact use.
HIGH_IMPACT_FIELDS = ["high_impact_area", *PRACTICES]
KPIS = "kpis"  # at least one KPI with before and after
LOADED = ["id", "agency_id", "withheld", *FIELDS, *HIGH_IMPACT_FIELDS]


def _answered(use_case: UseCase, field: str) -> bool:
    if use_case.is_withheld(field):
        return True
    return getattr(use_case, field) not in (None, "", [], NOT_REPORTED)


def of_case(use_case: UseCase) -> tuple[float, list[str]]:
    """(score 0-1, the keys of the unanswered fields)."""
    fields = FIELDS + (HIGH_IMPACT_FIELDS if use_case.risk_tier == "high_impact" else [])
    missing = [f for f in fields if not _answered(use_case, f)]
    # all() rather than exists(): uses a prefetched list when the caller has one (the manage list).
    if not (use_case.pk and len(use_case.kpis.all())):
        missing.append(KPIS)
    total = len(fields) + 1
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
    most_missing: list[tuple[str, int]]  # (field label, how many of its cases leave it unanswered)


def by_agency(cases, *, top: int = 3) -> list[AgencyScore]:
    """Per agency over `cases` (a UseCase queryset): mean completeness and the most often unanswered
    fields. Agencies without cases in scope are listed too, so a blank register shows as blank."""
    per_agency: dict[int, list[tuple[float, list[str]]]] = {}
    rows = cases.select_related(None).prefetch_related(
        Prefetch("kpis", queryset=Kpi.objects.only("id", "use_case_id"))
    )
    for case in rows.only(*LOADED).iterator(chunk_size=2000):
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
