"""Imports and exports of use cases.

Import (`import_file`, `import_table`): a file read by readers.py, mapped row by row by a mapping
(mapping.py), then validated in one pass: every error of every row and column is reported at once, and
if there is any, nothing is written. Otherwise, in one transaction: new agencies (when the mapping
creates them), new records, and updates of records already in the catalogue, matched by the portal id
(the portal's own template), else by (agency, agency's own id), else, for a row without an id, by
(agency, title) among records from the same register. Re-importing a file therefore updates instead of
duplicating, and blank ids are never duplicates of each other.

Imports never bypass review: new records arrive as drafts, and a published record whose content an
import changes goes back to review, unless an administrator publishes explicitly (`publish=True`).

Export (`export_rows` + `write_csv`/`write_json`): the portal template's columns, read back by the
`portal` mapping; CSV through core/spreadsheet.py (BOM, formulas defused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ax_catalog import dates, readers, services
from ax_catalog.mapping import Mapping
from ax_catalog.models import (
    PRACTICES,
    REPORTED_DATES,
    SPECIFIABLE,
    Agency,
    AgencyType,
    SourceType,
    Status,
    UseCase,
)
from core import roles, spreadsheet
from core.errors import Forbidden

# The portal template's columns (ax_catalog/data/usecases_template.csv), in order; the `portal`
# mapping reads them back.
COLUMNS = [
    "case_id",
    "agency_ref",
    "agency_code",
    "title",
    "summary_one_line",
    "description_public",
    "org_unit",
    "contacts",
    "url",
    "topic_area",
    "topic_area_other",
    "activity_type",
    "audience",
    "ai_class",
    "ai_class_other",
    "model_name",
    "problem",
    "benefits",
    "outputs",
    "previous_process",
    "stage",
    "start_date",
    "op_date",
    "end_date",
    "dev_method",
    "dev_method_other",
    "vendors",
    "funding_program",
    "budget_won",
    "has_custom_code",
    "code_url",
    "security_review",
    "security_review_note",
    "training_data",
    "operational_data",
    "data_url",
    "has_pii",
    "pia_url",
    "risk_tier",
    "high_impact_area",
    "risk_reason",
    "genai_notice",
    *PRACTICES,
    "impact_assessment",
    "human_review",
    "appeal",
    "risks_mitigations",
    "objection_office",
    "objection_channel",
    "objection_url",
    "withheld",
    "source_type",
    "source_url",
    "source_note",
    "verified",
    "status",
]


@dataclass(frozen=True)
class RowError:
    row: int  # the row as a spreadsheet shows it (the header is row 1); 0 for the file itself
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return _("열 %(column)s: %(message)s") % {"column": self.column, "message": self.message}
        return _("%(row)s행, 열 %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    to_review: int = 0  # published records changed by the import, sent back to review
    published: int = 0
    agencies_created: int = 0
    encoding: str = ""  # how the file was read, in the reader's language
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_file(
    path: Path, mapping: Mapping, *, publish: bool = False, actor=None, encoding: str = "auto"
) -> ImportReport:
    """Read `path` (CSV or XLSX) and import it through `mapping`. Raises readers.ReadError for a file
    that cannot be read as a table (nothing imported)."""
    table = readers.read_table(
        path,
        encoding=encoding,
        max_bytes=settings.AX_IMPORT_MAX_BYTES,
        max_rows=settings.AX_IMPORT_MAX_ROWS,
    )
    report = import_table(table, mapping, publish=publish, actor=actor)
    report.encoding = table.encoding_label()
    return report


def import_table(
    table: readers.Table, mapping: Mapping, *, publish: bool = False, actor=None
) -> ImportReport:
    if publish and not (actor is not None and roles.has_role(actor, roles.ADMINISTRATOR)):
        # Publishing without review is an administrator's explicit, recorded choice.
        raise Forbidden(_("가져오면서 공개하는 것은 관리자만 할 수 있습니다."))
    report = ImportReport(rows=len(table.rows))
    report.errors += [RowError(0, c, m) for c, m in mapping.header_problems(table.header)]
    formula = _("수식으로 보이는 값은 가져오지 않습니다 (값으로 저장해 주세요): %(v)s")
    report.errors += [
        RowError(number, table.header[i] if i < len(table.header) else str(i + 1), formula % {"v": text[:80]})
        for number, i, text in table.formulas
    ]
    plan = _Plan(mapping, publish=publish)
    records = table.records()
    plan.prepare(records)
    for number, record in zip(table.numbers, records, strict=True):
        plan.add(number, record)
    report.errors += plan.errors
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, e.column))
        return report
    plan.write(actor=actor, report=report)
    return report


class _Plan:
    """What an import will do, row by row, before anything is written."""

    def __init__(self, mapping: Mapping, *, publish: bool) -> None:
        self.mapping, self.publish = mapping, publish
        self.register = mapping.name
        self.errors: list[RowError] = []
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.agency_names = {a.name: a.code for a in self.agencies.values()}
        self.new_agencies: dict[str, Agency] = {}
        self.created: list[UseCase] = []
        self.updated: list[UseCase] = []
        self.unchanged = self.to_review = 0
        self.seen_refs: dict[tuple[str, str], int] = {}
        self.claimed: set[int] = set()
        self._existing: dict[str, dict] | None = None
        # Fields this mapping never sets keep their default or stored (valid) value: validating them again
        # on every row is what made a 10,000-row import slow. The agency comes from the catalogue's list.
        fed = {t.split(":", 1)[-1] for t in mapping.columns.values()}
        fed |= {
            "withheld",
            "other_specify",
            "contacts",
            "agency_ref",
            "title",
            *(f"{d}_precision" for d in REPORTED_DATES),
        }
        self.unvalidated = tuple(f.name for f in UseCase._meta.concrete_fields if f.name not in fed)

    def prepare(self, records: list[dict[str, str]]) -> None:
        """Load the records this file can match, and only those: by the agency's own ids and, for rows
        without one, by title (a catalogue of 100,000 records is not read to import 10,000 rows)."""
        spec = self.mapping.agency
        ref_column = self.mapping.column_for("agency_ref")
        title_column = self.mapping.column_for("title")
        refs: dict[str, set[str]] = {}
        titles: dict[str, set[str]] = {}
        for record in records:
            code = self.mapping.cell(record, spec["code"])
            ref = self.mapping.cell(record, ref_column) if ref_column else ""
            if ref:
                refs.setdefault(code, set()).add(ref)
            elif title_column:
                titles.setdefault(code, set()).add(self.mapping.cell(record, title_column))
        self._existing = {code: {"ref": {}, "title": {}} for code in self.agencies}
        for code in set(refs) | set(titles):
            agency = self.agencies.get(code)
            if agency is None:
                continue
            wanted = Q(agency_ref__in=refs.get(code, ())) | Q(
                agency_ref="", source_register=self.register, title__in=titles.get(code, ())
            )
            cases = list(UseCase.objects.filter(wanted, agency=agency))
            self._existing[code] = {
                "ref": {c.agency_ref: c for c in cases if c.agency_ref},
                "title": _group_by_title([c for c in cases if not c.agency_ref]),
            }

    def existing(self, code: str) -> dict:
        return (self._existing or {}).get(code, {"ref": {}, "title": {}})

    def add(self, number: int, record: dict[str, str]) -> None:
        mapped = self.mapping.map_row(record)
        errors = [RowError(number, column, message) for column, message in mapped.errors]
        agency = self._agency(number, mapped, errors)
        target = self._match(number, mapped, agency, errors)
        case = target or UseCase(source_type=self.mapping.data.get("source_type", SourceType.REGISTER))
        before = _content(case) if target else None
        self._fill(case, mapped, agency)
        try:
            # Uniqueness is checked across the file here; the agency came from the catalogue's own list.
            services.usecase_clean(case, validate_unique=False, exclude=self.unvalidated)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors += [RowError(number, self._column_of(name), str(m)) for m in messages]
        if errors:
            self.errors += errors
            return
        if target is None:
            case.status = Status.PUBLISHED if self.publish else Status.DRAFT
            self.created.append(case)
        elif _content(case) != before or (self.publish and case.status != Status.PUBLISHED):
            if self.publish:
                case.status = Status.PUBLISHED
            elif case.status == Status.PUBLISHED:
                case.status = Status.SUBMITTED  # changed outside review: back to review
                self.to_review += 1
            self.updated.append(case)
        else:
            self.unchanged += 1

    def _agency(self, number: int, mapped, errors: list[RowError]) -> Agency | None:
        code = mapped.agency_code
        if not code:
            return None
        if code in self.agencies:
            return self.agencies[code]
        if code in self.new_agencies:
            return self.new_agencies[code]
        spec = self.mapping.agency
        if not spec.get("create"):
            errors.append(RowError(number, spec["code"], _("모르는 기관 코드입니다: %(c)s") % {"c": code}))
            return None
        if len(code) > Agency._meta.get_field("code").max_length:
            errors.append(RowError(number, spec["code"], _("기관 코드가 너무 깁니다: %(c)s") % {"c": code}))
            return None
        name = (mapped.agency_name or code)[:200]
        taken = self.agency_names.get(name)
        if taken is not None and taken != code:
            column = spec.get("name") or spec["code"]
            message = _("기관명 '%(name)s'은 이미 기관 코드 %(other)s에 쓰였습니다") % {
                "name": name,
                "other": taken,
            }
            errors.append(RowError(number, column, message))
            return None
        self.agency_names[name] = code
        agency = Agency(
            code=code,
            name=name,
            agency_type=spec.get("type", AgencyType.FOREIGN),
            country=spec.get("country", "KR"),
        )
        self.new_agencies[code] = agency
        return agency

    def _match(self, number: int, mapped, agency: Agency | None, errors: list[RowError]) -> UseCase | None:
        if mapped.portal_id:
            case = UseCase.objects.filter(case_id=mapped.portal_id).first()
            if case is None:
                message = _("포털에 없는 ID입니다: %(id)s (새 사례는 비워 두세요)") % {"id": mapped.portal_id}
                errors.append(RowError(number, self.mapping.data["match_by_portal_id"], message))
            elif agency is not None and case.agency_id != agency.pk:
                errors.append(RowError(number, self.mapping.agency["code"], _("포털 ID의 기관과 다릅니다")))
            return case
        if agency is None:
            return None
        ref = mapped.values.get("agency_ref", "")
        existing = self.existing(agency.code)
        if ref:
            key = (agency.code, ref)
            if key in self.seen_refs:
                message = _("같은 기관의 자체 ID가 %(row)s행과 겹칩니다: %(ref)s") % {
                    "row": self.seen_refs[key],
                    "ref": ref,
                }
                errors.append(RowError(number, self._column_of("agency_ref"), message))
                return None
            self.seen_refs[key] = number
            return existing["ref"].get(ref)
        # No id: the same title from the same register, each existing record claimed once.
        for case in existing["title"].get(mapped.values.get("title", "").strip(), []):
            if case.pk not in self.claimed:
                self.claimed.add(case.pk)
                return case
        return None

    def _fill(self, case: UseCase, mapped, agency: Agency | None) -> None:
        mapped_fields = set(self.mapping.columns.values())
        for key in mapped_fields:
            if ":" in key or key in ("withheld", "keep"):
                continue
            default = UseCase._meta.get_field(key).get_default()
            setattr(case, key, mapped.values.get(key, default))
            if key in REPORTED_DATES:
                setattr(case, f"{key}_precision", mapped.values.get(f"{key}_precision", dates.DAY))
        if agency is not None:
            case.agency = agency
        case.other_specify = {k: v for k, v in mapped.other_specify.items() if k in SPECIFIABLE}
        case.reported_as = mapped.reported_as
        case.withheld = mapped.withheld
        for key in case.withheld:  # withheld: only the reason is kept
            setattr(case, key, [] if key == "contacts" else UseCase._meta.get_field(key).get_default())
        case.source_extra = mapped.source_extra
        case.source_register = self.register
        for key in ("source_url", "source_note"):
            if self.mapping.data.get(key) and key not in mapped_fields:
                setattr(case, key, self.mapping.data[key])

    def _column_of(self, name: str) -> str:
        """The source column that feeds field `name` (errors are reported in the file's terms)."""
        if name == "agency":
            return self.mapping.agency["code"]
        for column, target in self.mapping.columns.items():
            if target == name:
                return column
        return name

    @transaction.atomic
    def write(self, *, actor, report: ImportReport) -> None:
        for agency in self.new_agencies.values():
            agency.save()
        for case in self.created + self.updated:
            case.agency = case.agency  # re-read the saved agency's id
        services.usecase_write_many(created=self.created, updated=self.updated, actor=actor, action="import")
        report.created, report.updated = len(self.created), len(self.updated)
        report.unchanged, report.to_review = self.unchanged, self.to_review
        report.published = sum(1 for c in self.created + self.updated if c.status == Status.PUBLISHED)
        report.agencies_created = len(self.new_agencies)


def _content(case: UseCase) -> dict:
    """What a re-import compares: the record's content, not which mapping wrote it last."""
    snapshot = services.snapshot_of(case)
    snapshot.pop("source_register", None)
    return snapshot


def _group_by_title(cases: list[UseCase]) -> dict[str, list[UseCase]]:
    out: dict[str, list[UseCase]] = {}
    for case in sorted(cases, key=lambda c: c.pk):
        out.setdefault(case.title.strip(), []).append(case)
    return out


def export_rows(queryset) -> list[dict[str, object]]:
    """The template's columns for each case; read back by the `portal` mapping."""
    return export_cases(queryset.select_related("agency").order_by("case_id"))


def export_cases(cases) -> list[dict[str, object]]:
    rows = []
    for case in cases:
        row: dict[str, object] = {}
        for column in COLUMNS:
            if column == "agency_code":
                value = case.agency.code
            elif column == "contacts":
                value = "; ".join(case.contacts)
            elif column.endswith("_other"):
                value = (case.other_specify or {}).get(column.removesuffix("_other"), "")
            elif column == "withheld":
                value = "; ".join(f"{k}:{v}" for k, v in (case.withheld or {}).items())
            elif column in REPORTED_DATES:
                value = case.reported_date(column)
            else:
                value = getattr(case, column)
            row[column] = "" if value is None else value
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, object]], handle) -> None:
    """CSV for spreadsheets: BOM first, formula-looking cells defused (core/spreadsheet.py)."""
    writer = spreadsheet.dict_writer(handle, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)


def write_json(rows: list[dict[str, object]], handle) -> None:
    json.dump(rows, handle, ensure_ascii=False, indent=1)
