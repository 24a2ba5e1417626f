"""A record as the public reads it: every field with its value as reported, "보고되지 않음" where the
agency gave nothing, and "비공개 (사유)" where it withheld the value. Used by the detail page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ax_catalog import risk
from ax_catalog.models import (
    NOT_REPORTED,
    PRACTICES,
    REPORTED_DATES,
    VOCABULARIES,
    UseCase,
    WithheldReason,
)

VALUE, NOT_GIVEN, WITHHELD = "value", "not_reported", "withheld"
SECTIONS = [
    (gettext_lazy("식별과 담당"), ["case_id", "agency_ref", "org_unit", "contacts", "url"]),
    (gettext_lazy("분류"), ["topic_area", "activity_type", "audience", "ai_class", "model_name"]),
    (gettext_lazy("목적과 효과"), ["problem", "benefits", "outputs", "previous_process"]),
    (gettext_lazy("추진 단계"), ["stage", *REPORTED_DATES]),
    (
        gettext_lazy("개발과 조달"),
        [
            "dev_method",
            "vendors",
            "funding_program",
            "budget_won",
            "has_custom_code",
            "code_url",
            "security_review",
            "security_review_note",
        ],
    ),
    (
        gettext_lazy("데이터와 개인정보"),
        ["training_data", "operational_data", "data_url", "has_pii", "pia_url"],
    ),
    (
        gettext_lazy("위험과 관리"),
        [
            "risk_tier",
            "high_impact_area",
            "risk_reason",
            "genai_notice",
            *PRACTICES,
            "impact_assessment",
            "human_review",
            "appeal",
            "risks_mitigations",
        ],
    ),
    (gettext_lazy("출처"), ["source_type", "source_url", "source_note", "verified", "schema_version"]),
]
LINKS = {"url", "code_url", "data_url", "pia_url", "source_url", "objection_url"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str
    state: str  # VALUE, NOT_GIVEN or WITHHELD
    is_link: bool = False
    reported_as: str = ""  # the raw text an import mapped the value from, when it differs


def row(case: UseCase, key: str) -> Row:
    label = str(UseCase._meta.get_field(key).verbose_name)
    raw = (case.reported_as or {}).get(key, "")
    if case.is_withheld(key):
        reason = dict(WithheldReason.choices).get(case.withheld[key], case.withheld[key])
        return Row(key, label, _("비공개 (사유: %(r)s)") % {"r": reason}, WITHHELD, reported_as=raw)
    value = getattr(case, key)
    if key in VOCABULARIES:
        if value == NOT_REPORTED:
            return Row(key, label, _("보고되지 않음"), NOT_GIVEN, reported_as=raw)
        text = str(dict(VOCABULARIES[key].choices)[value])
        if specify := (case.other_specify or {}).get(key):
            text = f"{text}: {specify}"
        return Row(key, label, text, VALUE, reported_as=raw if raw and raw != value else "")
    if key in REPORTED_DATES:
        value = case.reported_date(key)
    elif key == "contacts":
        value = ", ".join(case.contacts or [])
    elif key == "budget_won" and value is not None:
        value = _("%(n)s원") % {"n": f"{value:,}"}
    if value in (None, ""):
        return Row(key, label, _("보고되지 않음"), NOT_GIVEN, reported_as=raw)
    return Row(
        key, label, str(value), VALUE, is_link=key in LINKS, reported_as=raw if raw != str(value) else ""
    )


def sections(case: UseCase) -> list[tuple[str, list[Row]]]:
    return [(str(title), [row(case, key) for key in keys]) for title, keys in SECTIONS]


def crosswalk(case: UseCase) -> dict:
    """The record's AI Basic Act area in the EU AI Act's Annex III and the US high-impact domains."""
    return {"eu": risk.eu_areas(case.high_impact_area), "us": risk.us_categories(case.high_impact_area)}


def objection(case: UseCase) -> list[Row]:
    return [row(case, key) for key in ("objection_office", "objection_channel", "objection_url")]
