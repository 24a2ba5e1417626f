"""Import mappings: data files that say how one register's export becomes catalogue records.

A mapping (TOML or JSON, schema in mappings/mapping.schema.json) names, for a source file: which
column holds the agency, which column feeds which field, which source value means which vocabulary
value, the date formats in use, cells that mean "nothing reported" and cells that say a value was
withheld. The shipped ones live in ax_catalog/mappings/ and load by name (`portal`, `us-federal-2025`);
any other loads by path, so an administrator can take in another register's export without a release.

What a mapping promises when `unmapped = "not_reported"`: nothing is invented. A value the mapping does
not know lands as 보고되지 않음 with the raw text kept in `reported_as`; a date no format reads, a link
that is not a link, a number that is not a number: the same. Columns it does not name are kept as they
are (`unknown_columns = "keep"`). With `unmapped = "error"` (the portal's own template) each of these is
an error of that row and column instead.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _

from ax_catalog import dates
from ax_catalog.models import (
    NOT_REPORTED,
    REPORTED_DATES,
    SPECIFIABLE,
    VOCABULARIES,
    WITHHOLDABLE,
    AgencyType,
    SourceType,
    UseCase,
    WithheldReason,
)

SHIPPED = Path(__file__).resolve().parent / "mappings"
SCHEMA = SHIPPED / "mapping.schema.json"
# Import never sets these: review status and the portal's bookkeeping belong to the portal.
NOT_IMPORTABLE = {
    "status",
    "case_id",
    "search_lexemes",
    "created_at",
    "updated_at",
    "id",
    "reported_as",
    "source_extra",
    "source_register",
    "schema_version",
    "review_comment",
    "sovereign_model",
    "agency",
}
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Dashes of every kind compare equal; "ñ" is how one agency's export mangled an en dash.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ñ", "-"))
_CHOICE_LETTER = re.compile(r"^[a-z]\)\s*")


# Each vocabulary's values in order: the strongest answer first (yes before in progress before no ...).
_ORDER = {target: list(vocabulary.values) for target, vocabulary in VOCABULARIES.items()}


class MappingError(Exception):
    """A mapping file that cannot be used; the message says what to fix, in the reader's language."""


def normalise(value: str, *, strip_letter: bool = False) -> str:
    """How source values are compared: Unicode-normalised, case-folded, dashes unified, spaces
    collapsed, trailing full stop dropped; optionally without a leading choice letter ("a) ")."""
    text = " ".join(unicodedata.normalize("NFKC", value).translate(_DASHES).casefold().split())
    if strip_letter:
        text = _CHOICE_LETTER.sub("", text)
    return text.rstrip(".").strip()


def available() -> list[str]:
    return sorted(p.stem for p in SHIPPED.glob("*.toml"))


def load(name_or_path: str) -> Mapping:
    """A shipped mapping by name, or a mapping file by path (.toml or .json)."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SHIPPED / f"{name_or_path}.toml"
        if not path.exists():
            raise MappingError(
                _("'%(name)s' 매핑이 없습니다. 제공되는 매핑: %(names)s (또는 매핑 파일 경로)")
                % {"name": name_or_path, "names": ", ".join(available())}
            )
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise MappingError(
            _("매핑 파일을 읽을 수 없습니다 (%(path)s): %(e)s") % {"path": path, "e": error}
        ) from None
    return Mapping.from_data(data)


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _kind(target: str) -> str:
    if target.startswith("other:"):
        return "other"
    if target in ("withheld", "keep"):
        return target
    if target in VOCABULARIES:
        return "vocab"
    if target in REPORTED_DATES:
        return "date"
    if target == "contacts":
        return "contacts"
    model_field = UseCase._meta.get_field(target)
    if isinstance(model_field, models.URLField):
        return "url"
    if isinstance(model_field, models.PositiveBigIntegerField):
        return "number"
    return "text"


@dataclass
class MappedRow:
    """One source row in the catalogue's terms. `errors` are (source column, message)."""

    values: dict = field(default_factory=dict)
    other_specify: dict = field(default_factory=dict)
    reported_as: dict = field(default_factory=dict)
    withheld: dict = field(default_factory=dict)
    source_extra: dict = field(default_factory=dict)
    agency_code: str = ""
    agency_name: str = ""
    portal_id: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Mapping:
    name: str
    title: str
    data: dict

    @classmethod
    def from_data(cls, data: dict) -> Mapping:
        """Check a loaded mapping against the schema and against the catalogue (fields, vocabularies,
        patterns, date formats); raise MappingError listing every problem."""
        problems = [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in jsonschema.Draft202012Validator(_schema()).iter_errors(data)
        ]
        if not problems:
            problems = _semantic_problems(data)
        if problems:
            raise MappingError(_("매핑 파일이 올바르지 않습니다:") + "\n  " + "\n  ".join(problems))
        return cls(name=data["name"], title=data["title"], data=data)

    # Settings with their defaults
    @property
    def unmapped(self) -> str:
        return self.data.get("unmapped", "error")

    @property
    def unknown_columns(self) -> str:
        return self.data.get("unknown_columns", "error")

    @property
    def agency(self) -> dict:
        return self.data["agency"]

    @functools.cached_property
    def columns(self) -> dict[str, str]:
        return dict(self.data["columns"])

    @functools.cached_property
    def known_columns(self) -> set[str]:
        agency = self.agency
        portal_id = self.data.get("match_by_portal_id")
        return (
            set(self.columns)
            | set(self.data.get("ignore", []))
            | {agency["code"]}
            | ({agency["name"]} if agency.get("name") else set())
            | ({portal_id} if portal_id else set())
        )

    @functools.cached_property
    def _nulls(self) -> set[str]:
        return {normalise(v) for v in self.data.get("null_values", [])}

    @functools.cached_property
    def _values(self) -> dict[str, dict[str, str]]:
        strip = self.data.get("strip_choice_letter", False)
        out: dict[str, dict[str, str]] = {}
        for target, vocabulary in VOCABULARIES.items():
            table = {}
            # A vocabulary's own codes and labels (Korean and English) always read as themselves.
            for value, label in vocabulary.choices:
                table[normalise(value)] = value
                table[normalise(str(label))] = value
            for raw, value in self.data.get("values", {}).get(target, {}).items():
                table[normalise(raw, strip_letter=strip)] = value
            out[target] = table
        return out

    @functools.cached_property
    def _patterns(self) -> dict[str, list[tuple[re.Pattern, str]]]:
        out: dict[str, list[tuple[re.Pattern, str]]] = {}
        for rule in self.data.get("patterns", []):
            out.setdefault(rule["field"], []).append((re.compile(rule["match"]), rule["value"]))
        return out

    @functools.cached_property
    def _withheld(self) -> list[tuple[re.Pattern, str]]:
        return [(re.compile(rule["match"]), rule["reason"]) for rule in self.data.get("withheld", [])]

    @functools.cached_property
    def _date_formats(self) -> tuple[str, ...]:
        return tuple(self.data.get("date_formats", dates.ISO_FORMATS))

    def header_problems(self, header: list[str]) -> list[tuple[str, str]]:
        """(column, message) for required columns the file lacks and, under `unknown_columns = "error"`,
        columns the mapping does not know."""
        present = set(header)
        problems = [
            (column, _("필수 열이 없습니다"))
            for column in [*self.data.get("required", []), self.agency["code"]]
            if column not in present
        ]
        if self.unknown_columns == "error":
            problems += [
                (c, _("이 매핑에 없는 열입니다")) for c in header if c and c not in self.known_columns
            ]
        return list(dict.fromkeys(problems))

    def map_row(self, row: dict[str, str]) -> MappedRow:
        """The row's values in catalogue terms, with every problem of every column (one pass)."""
        out = MappedRow()
        agency = self.agency
        out.agency_code = self._clean(row.get(agency["code"], ""))
        out.agency_name = self._clean(row.get(agency.get("name", ""), "")) if agency.get("name") else ""
        if portal_column := self.data.get("match_by_portal_id"):
            out.portal_id = self._clean(row.get(portal_column, ""))
        for column in self.data.get("required", []):
            if not self._clean(row.get(column, "")):
                out.errors.append((column, _("값이 필요합니다")))
        if not out.agency_code:
            out.errors.append((agency["code"], _("기관 코드가 필요합니다")))
        for column, raw in row.items():
            if column in self.columns:
                self._map_cell(out, column, self.columns[column], raw or "")
            elif (
                column and column not in self.known_columns and self.unknown_columns == "keep" and raw.strip()
            ):
                out.source_extra[column] = raw.strip()
        return out

    def column_for(self, target: str) -> str | None:
        """The source column that feeds field `target`, if any."""
        return next((column for column, t in self.columns.items() if t == target), None)

    def cell(self, record: dict[str, str], column: str) -> str:
        """A cell's text as matching reads it: stripped, "nothing reported" values as blank."""
        return self._clean(record.get(column) or "")

    def is_blank(self, column: str, raw: str) -> bool:
        """Whether a cell reports nothing. "N/A" means nothing for a text or a link; for a vocabulary
        column the value table decides ("Not applicable" is a practice's real answer), except that an
        empty list ("[]") is empty."""
        target = self.columns.get(column, "")
        if target in VOCABULARIES and column not in self.data.get("lists", {}):
            return not raw.strip()
        return self._clean(raw) == ""

    def _clean(self, raw: str) -> str:
        text = raw.strip()
        return "" if normalise(text) in self._nulls else text

    def _map_cell(self, out: MappedRow, column: str, target: str, raw: str) -> None:
        kind = _kind(target)
        text = raw.strip()
        if kind == "keep":
            if self._clean(text):
                out.source_extra[column] = text
            return
        if kind == "withheld":
            self._map_withheld_list(out, column, text)
            return
        for pattern, reason in self._withheld:
            if text and pattern.search(text) and target in WITHHOLDABLE:
                out.withheld[target] = reason
                out.reported_as[target] = text
                return
        if self.is_blank(column, text):
            text = ""
        if kind == "other":
            if text:
                out.other_specify[target.split(":", 1)[1]] = text
            return
        if not text:
            return
        if kind == "vocab":
            self._map_vocab(out, column, target, text)
        elif kind == "date":
            parsed = dates.parse(text, self._date_formats)
            if parsed is None:
                self._unmapped(
                    out,
                    column,
                    target,
                    text,
                    _("날짜로 읽을 수 없습니다 (형식: %(f)s)") % {"f": ", ".join(self._date_formats)},
                )
            else:
                out.values[target] = parsed.date
                out.values[f"{target}_precision"] = parsed.precision
                if text != str(parsed):
                    out.reported_as[target] = text
        elif kind == "contacts":
            emails = list(dict.fromkeys(_EMAIL.findall(text)))
            if not emails:
                self._unmapped(out, column, target, text, _("메일 주소가 없습니다"))
            else:
                out.values[target] = emails
                if ", ".join(emails) != text:
                    out.reported_as[target] = text
        elif kind == "url":
            try:
                URLValidator()(text)
            except ValidationError:
                self._unmapped(out, column, target, text, _("올바른 링크(URL)가 아닙니다"))
            else:
                out.values[target] = text
        elif kind == "number":
            digits = text.replace(",", "").replace(" ", "")
            if digits.isdigit():
                out.values[target] = int(digits)
            else:
                self._unmapped(out, column, target, text, _("0 이상의 정수가 아닙니다"))
        else:
            out.values[target] = text

    def _map_vocab(self, out: MappedRow, column: str, target: str, text: str) -> None:
        items = self._list_items(column, text)
        if items is None:
            self._unmapped(out, column, target, text, _("목록 형식으로 읽을 수 없습니다"))
            return
        if not items:
            return
        order = _ORDER[target]
        found, specify = [], None
        for item in items:
            value, item_specify = self._vocab_value(target, item)
            if value is not None:
                found.append(value)
                specify = specify or item_specify
        if len(found) < len(items) and self.unmapped == "error":
            unknown = [i for i in items if self._vocab_value(target, i)[0] is None]
            out.errors.append(
                (
                    column,
                    _("알 수 없는 값입니다: %(v)s (쓸 수 있는 값: %(ok)s)")
                    % {"v": ", ".join(unknown), "ok": ", ".join(order)},
                )
            )
            return
        if found:
            # Several answers in one cell (a select-all column): the strongest, in vocabulary order.
            out.values[target] = min(found, key=order.index)
            if specify and target in SPECIFIABLE:
                out.other_specify[target] = specify
        else:
            out.values[target] = NOT_REPORTED
        if text != out.values[target]:  # the raw text, unless it was the code itself
            out.reported_as[target] = text

    def _vocab_value(self, target: str, item: str) -> tuple[str | None, str | None]:
        strip = self.data.get("strip_choice_letter", False)
        value = self._values[target].get(normalise(item, strip_letter=strip))
        if value is not None:
            return value, None
        for pattern, pattern_value in self._patterns.get(target, []):
            if match := pattern.search(item.strip()):
                return pattern_value, match.groupdict().get("specify")
        return None, None

    def _list_items(self, column: str, text: str) -> list[str] | None:
        kind = self.data.get("lists", {}).get(column)
        if kind is None:
            return [text]
        try:
            if kind == "python":
                items = ast.literal_eval(text)
            elif kind == "json":
                items = json.loads(text)
            else:
                items = text.split(";")
        except (ValueError, SyntaxError):
            return None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return None
        return [i.strip() for i in items if i.strip() and normalise(i) not in self._nulls]

    def _map_withheld_list(self, out: MappedRow, column: str, text: str) -> None:
        for item in filter(None, (p.strip() for p in text.split(";"))):
            key, _sep, reason = item.partition(":")
            key, reason = key.strip(), reason.strip()
            if key not in WITHHOLDABLE or reason not in WithheldReason.values:
                out.errors.append((column, _("'항목:사유' 형식이 아닙니다: %(v)s") % {"v": item}))
            else:
                out.withheld[key] = reason

    def _unmapped(self, out: MappedRow, column: str, target: str, text: str, message: str) -> None:
        if self.unmapped == "error":
            out.errors.append((column, f"{message}: {text!r}"))
        else:
            out.reported_as[target] = text


def _semantic_problems(data: dict) -> list[str]:
    problems = []
    for column, target in data["columns"].items():
        name = target.split(":", 1)[1] if target.startswith("other:") else target
        if target.startswith("other:"):
            if name not in SPECIFIABLE:
                problems.append(f"columns/{column}: '기타' 기재를 받지 않는 항목입니다: {name}")
            continue
        if target in ("withheld", "keep"):
            continue
        try:
            UseCase._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist, reported as a problem of the file
            problems.append(f"columns/{column}: 사례에 없는 항목입니다: {name}")
            continue
        if name in NOT_IMPORTABLE:
            problems.append(f"columns/{column}: 가져오기로 정할 수 없는 항목입니다: {name}")
    for target, table in data.get("values", {}).items():
        if target not in VOCABULARIES:
            problems.append(f"values/{target}: 어휘가 있는 항목이 아닙니다")
            continue
        for raw, value in table.items():
            if value not in VOCABULARIES[target].values:
                problems.append(f"values/{target}/{raw}: 어휘에 없는 값입니다: {value}")
    for i, rule in enumerate(data.get("patterns", [])):
        if rule["field"] not in VOCABULARIES or rule["value"] not in VOCABULARIES[rule["field"]].values:
            problems.append(f"patterns/{i}: {rule['field']}의 어휘에 없는 값입니다: {rule['value']}")
        try:
            re.compile(rule["match"])
        except re.error as error:
            problems.append(f"patterns/{i}: 정규식 오류: {error}")
    for i, rule in enumerate(data.get("withheld", [])):
        if rule["reason"] not in WithheldReason.values:
            problems.append(f"withheld/{i}: 비공개 사유가 아닙니다: {rule['reason']}")
        try:
            re.compile(rule["match"])
        except re.error as error:
            problems.append(f"withheld/{i}: 정규식 오류: {error}")
    for fmt in data.get("date_formats", []):
        if "%Y" not in fmt and "%y" not in fmt:
            problems.append(f"date_formats: 연도가 없는 형식입니다: {fmt}")
    agency = data["agency"]
    if agency.get("create") and agency.get("type", "") not in AgencyType.values:
        problems.append(f"agency/type: 기관 유형이 아닙니다: {agency.get('type')}")
    if data.get("source_type", SourceType.REGISTER) not in SourceType.values:
        problems.append(f"source_type: 등록 경로가 아닙니다: {data.get('source_type')}")
    return problems
