"""CSV/JSON in and out. Import validates every row first and writes nothing if any row is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

from ax_catalog.models import Agency, Status, UseCase
from ax_catalog.services import usecase_clean, usecase_create_many

# Column names are the field keys of the research notes' field list (domain-facts.md 6(a)).
COLUMNS = [
    "case_id", "title", "summary_one_line", "description_public", "agency_code", "org_unit", "contact_email",
    "url", "topic_area", "activity_type", "audience", "ai_class", "model_name", "problem", "benefits", "outputs",
    "previous_process", "stage", "start_date", "op_date", "end_date", "dev_method", "vendors", "funding_program",
    "budget_won", "training_data", "operational_data", "has_pii", "high_impact", "high_impact_reason",
    "genai_notice", "impact_assessment", "human_review", "appeal", "risks_mitigations", "source_type",
    "source_url", "source_note", "verified", "status",
]  # fmt: skip
DATE_COLUMNS = {"start_date", "op_date", "end_date"}
REQUIRED = {"case_id", "title", "summary_one_line", "description_public", "agency_code", "topic_area",
            "activity_type", "audience", "ai_class", "stage", "high_impact", "source_type"}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (the header is row 0)
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


def _build(
    row: dict[str, str], number: int, agencies: dict[str, Agency]
) -> tuple[UseCase | None, list[RowError]]:
    errors: list[RowError] = []
    values: dict[str, object] = {}
    for column in COLUMNS:
        raw = (row.get(column) or "").strip()
        if column in REQUIRED and not raw:
            errors.append(RowError(number, column, "required"))
            continue
        if column == "agency_code":
            if raw not in agencies:
                errors.append(RowError(number, column, f"unknown agency code {raw!r}"))
            else:
                values["agency"] = agencies[raw]
        elif column in DATE_COLUMNS and raw:
            try:
                values[column] = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(RowError(number, column, f"not a date (YYYY-MM-DD): {raw!r}"))
        elif column == "budget_won" and raw:
            if not raw.isdigit():
                errors.append(RowError(number, column, f"not a whole number of won: {raw!r}"))
            else:
                values[column] = int(raw)
        elif raw:
            values[column] = raw
    values.setdefault("status", Status.DRAFT)
    if errors:
        return None, errors
    use_case = UseCase(**values)
    try:
        # Uniqueness is checked across the file below; the agency came from the catalogue's own list
        # (validating the key again would cost a query per row).
        usecase_clean(use_case, validate_unique=False, exclude=("agency",))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            column = "agency_code" if field == "agency" else field
            errors.extend(RowError(number, column, str(m)) for m in messages)
    return use_case, errors


def import_rows(rows: list[dict[str, str]]) -> tuple[int, list[RowError]]:
    """Validate all rows (vocabularies, dates, required fields, duplicate case_id in the file or in the
    catalogue); import them all in one transaction only if there is no error."""
    agencies = {a.code: a for a in Agency.objects.all()}
    existing = set(UseCase.objects.values_list("case_id", flat=True))
    seen: dict[str, int] = {}
    errors: list[RowError] = []
    built: list[UseCase] = []
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(COLUMNS)
        errors.extend(RowError(number, c, "unknown column") for c in sorted(unknown) if c)
        use_case, row_errors = _build(row, number, agencies)
        errors.extend(row_errors)
        case_id = (row.get("case_id") or "").strip()
        if case_id in existing:
            errors.append(
                RowError(number, "case_id", f"duplicate case_id {case_id!r} (already in the catalogue)")
            )
        elif case_id in seen:
            errors.append(
                RowError(number, "case_id", f"duplicate case_id {case_id!r} (also row {seen[case_id]})")
            )
        seen.setdefault(case_id, number)
        if use_case is not None:
            built.append(use_case)
    if errors:
        return 0, errors
    usecase_create_many(use_cases=built, action="import")
    return len(built), []


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def export_rows(queryset) -> list[dict[str, object]]:
    rows = []
    for case in queryset.select_related("agency").order_by("case_id"):
        row: dict[str, object] = {}
        for column in COLUMNS:
            value = case.agency.code if column == "agency_code" else getattr(case, column)
            row[column] = (
                value.isoformat() if isinstance(value, dt.date) else ("" if value is None else value)
            )
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, object]], handle) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)


def write_json(rows: list[dict[str, object]], handle) -> None:
    json.dump(rows, handle, ensure_ascii=False, indent=1)
