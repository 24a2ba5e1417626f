"""Benchmark results in from CSV or JSON: every row is checked first, and nothing is stored unless
every row is right. Errors name the row (1 = the first data row) and the column, in the reader's
language."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.audit import audit_record
from evaluation.models import BenchmarkResult, Block, Round, SubItem

COLUMNS = [
    "team",
    "model",
    "category",
    "benchmark",
    "version",
    "score",
    "target_score",
    "stderr",
    "licence",
    "harness",
    "harness_version",
    "date",
    "source_url",
]
REQUIRED = {
    "team",
    "model",
    "category",
    "benchmark",
    "version",
    "score",
    "licence",
    "harness",
    "harness_version",
    "date",
    "source_url",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(row)s행 %(column)s 열: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def size_check(size: int) -> None:
    """Refuse a file over EVIDENCE_MAX_UPLOAD_BYTES before reading it."""
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("파일이 너무 큽니다 (%(size)s). %(limit)s까지 올릴 수 있습니다. 파일을 나눠 올려 주세요.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def decode(content: bytes) -> str:
    """The text of an upload: UTF-8 (with or without a BOM), UTF-16 with a BOM, or CP949/EUC-KR as
    Korean Excel saves CSV. Anything else is refused rather than read as garbage."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:  # NUL bytes: a binary file, or UTF-16 without its BOM
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        try:
            text = content.decode("cp949")
        except UnicodeDecodeError:
            pass
        else:
            if _plausibly_korean(text):
                return text
    raise ValidationError(
        _(
            "파일의 문자 인코딩을 읽을 수 없습니다. UTF-8(권장) 또는 CP949(EUC-KR)로 저장한 "
            "CSV나 JSON 파일을 올려 주세요."
        )
    )


def _plausibly_korean(text: str) -> bool:
    """CP949 decodes many byte strings that are not Korean (a Latin-1 file, a binary): accept the
    reading only if every character outside ASCII is Hangul, a CJK or full-width symbol, or common
    punctuation, and no control character but tab and line breaks appears."""
    for char in text:
        code = ord(char)
        if code < 0x80:
            if code < 0x20 and char not in "\t\r\n":
                return False
            continue
        if not (
            0xAC00 <= code <= 0xD7A3  # Hangul syllables
            or 0x3130 <= code <= 0x318F  # Hangul compatibility jamo
            or 0x3000 <= code <= 0x303F  # CJK symbols and punctuation
            or 0x2000 <= code <= 0x206F  # general punctuation
            or 0xFF00 <= code <= 0xFFEF  # full-width forms
            or char in "·※°±×÷"
        ):
            return False
    return True


def parse(content: bytes | str, filename: str) -> list[dict[str, str]]:
    """Rows of a .csv or .json upload; ValidationError when the file itself cannot be read."""
    if isinstance(content, bytes):
        size_check(len(content))
    text = decode(content) if isinstance(content, bytes) else content
    if filename.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValidationError(_("JSON 파일이 너무 깊게 중첩되어 있어 읽을 수 없습니다.")) from None
        except ValueError as error:
            raise ValidationError(_("JSON 파일을 읽을 수 없습니다: %(e)s") % {"e": error}) from error
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValidationError(_("JSON 파일은 결과 객체의 목록이어야 합니다."))
        for number, record in enumerate(data, start=1):
            for key, value in record.items():
                if isinstance(value, dict | list):
                    raise ValidationError(
                        _(
                            "%(row)s행 %(column)s 열: 값은 글자나 숫자여야 합니다 (목록이나 객체는 받지 않습니다)."
                        )
                        % {"row": number, "column": key}
                    )
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in data]
    if filename.lower().endswith(".csv"):
        try:
            return list(csv.DictReader(io.StringIO(text)))
        except csv.Error as error:  # a NUL byte, an over-long field
            raise ValidationError(_("CSV 파일을 읽을 수 없습니다: %(e)s") % {"e": error}) from error
    raise ValidationError(_("CSV(.csv) 또는 JSON(.json) 파일만 받습니다."))


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def benchmarks_import(
    *, round_obj: Round, rows: list[dict[str, str]], actor=None
) -> tuple[int, list[RowError]]:
    entries = {e.team.name: e for e in round_obj.entries.select_related("team", "endpoint")}
    subs = {
        s.key: s for s in SubItem.objects.filter(block__round=round_obj, block__kind=Block.Kind.BENCHMARK)
    }
    existing = set(
        BenchmarkResult.objects.filter(entry__round=round_obj).values_list(
            "entry__team__name", "benchmark", "version"
        )
    )
    url_ok = URLValidator(schemes=["http", "https"])
    errors: list[RowError] = []
    built: list[BenchmarkResult] = []
    seen: dict[tuple, int] = {}
    if not rows:
        return 0, [RowError(0, "-", _("결과가 한 줄도 없습니다."))]
    for number, row in enumerate(rows, start=1):
        row_errors: list[RowError] = []

        def bad(column: str, message: str, number=number, row_errors=row_errors) -> None:
            row_errors.append(RowError(number, column, message))

        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        for column in sorted(set(row) - set(COLUMNS)):
            bad(column, _("알 수 없는 열입니다."))
        for column in COLUMNS:
            if column in REQUIRED and not values[column]:
                bad(column, _("비어 있으면 안 됩니다."))
        entry = entries.get(values["team"])
        if values["team"] and entry is None:
            bad("team", _("이 평가에 없는 팀입니다: %(v)s") % {"v": values["team"]})
        if (
            entry
            and values["model"]
            and values["model"] not in (entry.endpoint.name, entry.endpoint.model_id)
        ):
            bad("model", _("이 팀의 평가 모델(%(m)s)과 다릅니다.") % {"m": entry.endpoint.name})
        sub = subs.get(values["category"])
        if values["category"] and sub is None:
            bad("category", _("세부 항목은 %(keys)s 중 하나여야 합니다.") % {"keys": ", ".join(sorted(subs))})
        score = _number(values["score"]) if values["score"] else None
        if values["score"] and (score is None or not 0 <= score <= 100):
            bad("score", _("0에서 100 사이의 수여야 합니다."))
        target = _number(values["target_score"]) if values["target_score"] else None
        if values["target_score"] and (target is None or target <= 0 or target > 100):
            bad("target_score", _("0보다 크고 100 이하인 수여야 합니다."))
        stderr = _number(values["stderr"]) if values["stderr"] else None
        if values["stderr"] and (stderr is None or stderr < 0):
            bad("stderr", _("0 이상의 수여야 합니다."))
        date = None
        if values["date"]:
            try:
                date = dt.date.fromisoformat(values["date"])
            except ValueError:
                bad("date", _("날짜는 YYYY-MM-DD 형식이어야 합니다."))
        if values["source_url"]:
            try:
                url_ok(values["source_url"])
            except ValidationError:
                bad("source_url", _("http 또는 https 주소여야 합니다."))
        identity = (values["team"], values["benchmark"], values["version"])
        if identity in existing:
            bad("benchmark", _("이미 등록된 결과입니다 (같은 팀, 벤치마크, 버전)."))
        elif identity in seen:
            bad(
                "benchmark",
                _("%(other)s행과 같은 결과입니다 (같은 팀, 벤치마크, 버전).") % {"other": seen[identity]},
            )
        seen.setdefault(identity, number)
        errors.extend(row_errors)
        if not row_errors:
            built.append(
                BenchmarkResult(
                    entry=entry,
                    sub_item=sub,
                    model_name=values["model"],
                    benchmark=values["benchmark"],
                    version=values["version"],
                    score=score,
                    target_score=target,
                    stderr=stderr,
                    licence=values["licence"],
                    harness=values["harness"],
                    harness_version=values["harness_version"],
                    evaluated_on=date,
                    source_url=values["source_url"],
                )
            )
    if errors:
        return 0, errors
    with transaction.atomic():
        BenchmarkResult.objects.bulk_create(built)
        audit_record(
            actor=actor,
            action="benchmarks_import",
            target=f"round:{round_obj.slug}",
            reason=_("벤치마크 결과 %(n)s건 등록") % {"n": len(built)},
            rows=len(built),
        )
    return len(built), []
