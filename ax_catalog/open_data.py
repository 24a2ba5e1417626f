"""The catalogue as open data: one public record shape for the API, the JSON download and the
history, described by a versioned JSON Schema (ax_catalog/schema/usecase-<version>.json, served at
/api/v1/ax/schema/); dated CSV and JSON downloads of every published record with the licence.

A public record holds what the agency reported and nothing of the review: no review comment, no
status, no editor. Withheld fields appear in `withheld` with their reason and as null in place.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ax_catalog import risk, transfer
from ax_catalog.models import PRACTICES, REPORTED_DATES, SCHEMA_VERSION, VOCABULARIES, UseCase
from core import spreadsheet

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
CSV_COLUMNS = [c for c in transfer.COLUMNS if c != "status"]
# Free-text fields of the public record, by their field keys.
TEXT = [
    "summary_one_line",
    "description_public",
    "org_unit",
    "url",
    "model_name",
    "problem",
    "benefits",
    "outputs",
    "previous_process",
    "vendors",
    "funding_program",
    "security_review_note",
    "training_data",
    "operational_data",
    "risk_reason",
    "impact_assessment",
    "human_review",
    "appeal",
    "risks_mitigations",
]
VOCAB = [
    "topic_area",
    "activity_type",
    "audience",
    "ai_class",
    "stage",
    "dev_method",
    "has_custom_code",
    "security_review",
    "has_pii",
    "genai_notice",
]


def schema_path(version: str = SCHEMA_VERSION) -> Path:
    return SCHEMA_DIR / f"usecase-{version}.json"


def schema(version: str = SCHEMA_VERSION) -> dict:
    return json.loads(schema_path(version).read_text(encoding="utf-8"))


def licence() -> dict[str, str]:
    return {"name": settings.AX_OPEN_DATA_LICENCE, "url": settings.AX_OPEN_DATA_LICENCE_URL}


def _blank(value):
    return None if value in ("", None) else value


def record(case: UseCase) -> dict:
    """The public record of a case (see schema/usecase-<version>.json)."""
    withheld = dict(case.withheld or {})

    def shown(key, value):
        return None if key in withheld else _blank(value)

    out = {
        "schema_version": SCHEMA_VERSION,
        "id": case.case_id,
        "agency_id": _blank(case.agency_ref),
        "title": case.title,
        "agency": {
            "code": case.agency.code,
            "name": case.agency.name,
            "type": case.agency.agency_type,
            "country": case.agency.country,
        },
        **{key: shown(key, getattr(case, key)) for key in TEXT},
        "contacts": [] if "contacts" in withheld else list(case.contacts or []),
        **{key: getattr(case, key) for key in VOCAB},
        "other_specify": dict(case.other_specify or {}),
        "sovereign_model": case.sovereign_model.name if case.sovereign_model_id else None,
        **{key: _blank(case.reported_date(key)) for key in REPORTED_DATES},
        "budget_won": shown("budget_won", case.budget_won),
        "risk": {
            "tier": case.risk_tier,
            "area": case.high_impact_area,
            "eu_annex_iii": risk.eu_areas(case.high_impact_area),
            "us_high_impact": risk.us_categories(case.high_impact_area),
        },
        "practices": {key.removeprefix("practice_"): getattr(case, key) for key in PRACTICES},
        "objection": {
            "office": _blank(case.objection_office),
            "channel": _blank(case.objection_channel),
            "url": _blank(case.objection_url),
        },
        "links": {
            "data": shown("data_url", case.data_url),
            "privacy_impact_assessment": shown("pia_url", case.pia_url),
            "code": shown("code_url", case.code_url),
        },
        "withheld": withheld,
        "reported_as": dict(case.reported_as or {}),
        "source_extra": dict(case.source_extra or {}),
        "kpis": [
            {
                "metric": k.metric,
                "unit": k.unit,
                "before": k.before,
                "after": k.after,
                "measured_on": k.measured_on.isoformat() if k.measured_on else None,
                "source": _blank(k.source),
            }
            for k in (case.kpis.all() if case.pk else [])
        ],
        "source": {
            "type": case.source_type,
            "register": _blank(case.source_register),
            "url": _blank(case.source_url),
            "note": _blank(case.source_note),
        },
        "verified": case.verified,
        "updated_at": case.updated_at.isoformat() if case.updated_at else None,
    }
    return out


# Versions saved before schema 2.0.0 (migrations 0007-0009) name and spell some fields the old way.
_LEGACY_KEYS = {"high_impact": "risk_tier", "high_impact_reason": "risk_reason"}
_LEGACY_VALUES = {
    "unknown": "not_reported",
    "yes": "high_impact",
    "reviewed_no": "not_applicable",
    "no": "not_applicable",
}


def _upgraded(snapshot: dict) -> dict:
    snapshot = {_LEGACY_KEYS.get(k, k): v for k, v in snapshot.items()}
    if "contact_email" in snapshot:
        email = snapshot.pop("contact_email")
        snapshot.setdefault("contacts", [email] if email else [])
    for key, vocabulary in VOCABULARIES.items():
        value = snapshot.get(key)
        if value is not None and value not in vocabulary.values:
            mapped = _LEGACY_VALUES.get(value)
            snapshot[key] = mapped if mapped in vocabulary.values else "not_reported"
    if snapshot.get("dev_method") not in (None, *VOCABULARIES["dev_method"].values):
        snapshot["dev_method"] = "other"
    return snapshot


def record_from_snapshot(snapshot: dict, current: UseCase) -> dict:
    """The public record as a stored version had it (versions keep model_to_dict with text values)."""
    snapshot = _upgraded(snapshot)
    case = UseCase(agency=current.agency, sovereign_model=current.sovereign_model)
    for field in UseCase._meta.concrete_fields:
        name = field.name
        if name in ("id", "agency", "sovereign_model", "search_lexemes") or name not in snapshot:
            continue
        value = snapshot[name]
        if value is not None and field.get_internal_type() == "DateField":
            value = dt.date.fromisoformat(value)
        elif value is not None and field.get_internal_type() == "PositiveBigIntegerField":
            value = int(value)
        elif value is None and not field.null:
            value = field.get_default()
        setattr(case, name, value)
    case.case_id = current.case_id  # a portal id is never renamed
    case.source_type = case.source_type or current.source_type
    case.updated_at = current.updated_at
    out = record(case)
    out["updated_at"] = None
    return out


def published() -> Iterator[UseCase]:
    cases = UseCase.objects.published().select_related("agency", "sovereign_model").prefetch_related("kpis")
    return cases.order_by("case_id").iterator(chunk_size=2000)


def filename(extension: str, day: dt.date | None = None) -> str:
    return f"ax-usecases-{(day or timezone.localdate()).isoformat()}.{extension}"


def json_chunks() -> Iterator[str]:
    """The JSON download, piece by piece: the licence and schema first, then every published record."""
    head = {
        "title": "K-AI 포털 공공 AX 사례 (published use cases)",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": licence(),
        "schema": f"/api/v1/ax/schema/usecase-{SCHEMA_VERSION}.json",
        "schema_version": SCHEMA_VERSION,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
    for i, case in enumerate(published()):
        yield ("," if i else "") + "\n" + json.dumps(record(case), ensure_ascii=False)
    yield "\n]}\n"


def csv_chunks() -> Iterator[str]:
    """The CSV download (the portal template's columns) through core/spreadsheet.py, in pieces."""
    buffer = io.StringIO()
    writer = spreadsheet.dict_writer(buffer, CSV_COLUMNS)
    writer.writeheader()
    batch: list[UseCase] = []
    for case in published():
        batch.append(case)
        if len(batch) == 500:
            writer.writerows({k: r[k] for k in CSV_COLUMNS} for r in transfer.export_cases(batch))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            batch = []
    writer.writerows({k: r[k] for k in CSV_COLUMNS} for r in transfer.export_cases(batch))
    yield buffer.getvalue()
