"""Benchmark results in from CSV or JSON: every row is checked first, and nothing is stored unless
every row is right. Errors name the row (1 = the first data row) and the column, in the reader's
language.

A result says how it was produced (harness and version, prompt template, few-shot count, decoding
settings, seed, the run's log or artefact): the same benchmark scores up to 10 points apart between
institutions from templates and settings alone (HRET, arXiv 2503.22968). A result without them is
accepted and marked "재현 정보 없음". A row for a (team, benchmark, version) already present is a
rerun when both carry every reproducibility field and the settings match; it is refused when the
settings differ or when its seed or run log repeats an earlier run (a duplicate)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from packaging.version import InvalidVersion, Version

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
    "prompt_template",
    "few_shot",
    "decoding",
    "seed",
    "run_url",
    "date",
    "source_url",
]
REQUIRED = {"team", "model", "category", "benchmark", "version", "score", "licence", "date", "source_url"}
# What must match for a row to be a rerun of an earlier one (seed and run log differ per run).
SETTINGS = ("harness", "harness_version", "prompt_template", "few_shot", "decoding")
REPRODUCIBILITY = (*SETTINGS, "seed", "run_url")
SEED_MAX = 2**63 - 1
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_DECODING_KEY = re.compile(r"[a-z][a-z0-9_]*")


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


def _is_number_word(raw: str) -> bool:
    """NaN and infinities parse as floats; they are numbers to Python, never a score."""
    try:
        float(raw)
    except ValueError:
        return False
    return True


def _count(raw: str, limit: int) -> int | None:
    raw = raw.strip()
    if not re.fullmatch(r"\+?[0-9]+", raw):
        return None
    value = int(raw)
    return value if value <= limit else None


def harness_version_valid(raw: str) -> bool:
    """A release version (PEP 440, which also reads "v0.4.9" and "1.0.0-rc.1") or a commit hash."""
    if _COMMIT.fullmatch(raw.lower()):
        return True
    try:
        Version(raw)
    except InvalidVersion:
        return False
    return True


def decoding_normalise(raw: str) -> str:
    """`temperature=0; top_p=0.95, max_tokens=2048` -> `max_tokens=2048; temperature=0; top_p=0.95`:
    names sorted, numbers in one spelling, so two runs' settings compare as text. ValueError with the
    reader's message when a pair is not name=value or a number is not finite."""
    pairs = {}
    for part in re.split(r"[;,]", raw):
        if not part.strip():
            continue
        name, sep, value = (x.strip() for x in part.partition("="))
        name = name.lower()
        if not sep or not _DECODING_KEY.fullmatch(name) or not value:
            raise ValueError(
                _("디코딩 설정은 이름=값 목록이어야 합니다 (예: temperature=0; top_p=1; max_tokens=2048).")
            )
        if _is_number_word(value):
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(_("디코딩 설정 %(name)s의 값이 유한한 수가 아닙니다.") % {"name": name})
            value = f"{number:g}"
        if name in pairs:
            raise ValueError(_("디코딩 설정 %(name)s이(가) 두 번 나옵니다.") % {"name": name})
        pairs[name] = value
    if not pairs:
        raise ValueError(
            _("디코딩 설정은 이름=값 목록이어야 합니다 (예: temperature=0; top_p=1; max_tokens=2048).")
        )
    return "; ".join(f"{k}={v}" for k, v in sorted(pairs.items()))


@dataclass
class _Runs:
    """What is known of a (team, benchmark, version) while a file is checked: stored runs and the
    file's rows before this one."""

    where: str  # "이미 등록된 1회차 실행" or "3행": how an error points at the first run
    sub_item: str
    target: float | None
    settings: dict[str, object] | None  # None when the first run lacks reproducibility data
    runs: int = 0
    seeds: dict[int, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    reruns: int
    without_reproducibility: int
    errors: list[RowError]


def _stored_runs(round_obj: Round) -> dict[tuple, _Runs]:
    groups: dict[tuple, _Runs] = {}
    stored = BenchmarkResult.objects.filter(entry__round=round_obj).select_related("entry__team", "sub_item")
    for result in stored.order_by("run_number"):
        key = (result.entry.team.name, result.benchmark, result.version)
        where = _("이미 등록된 %(n)s회차 실행") % {"n": result.run_number}
        complete = not result.missing_reproducibility
        group = groups.setdefault(
            key,
            _Runs(
                where=where,
                sub_item=result.sub_item.key,
                target=result.target_score,
                settings={f: getattr(result, f) for f in SETTINGS} if complete else None,
            ),
        )
        group.runs = max(group.runs, result.run_number)
        if result.seed is not None:
            group.seeds[result.seed] = where
        if result.run_url:
            group.urls[result.run_url] = where
    return groups


def benchmarks_import(*, round_obj: Round, rows: list[dict[str, str]], actor=None) -> ImportResult:
    entries = {e.team.name: e for e in round_obj.entries.select_related("team", "endpoint")}
    subs = {
        s.key: s for s in SubItem.objects.filter(block__round=round_obj, block__kind=Block.Kind.BENCHMARK)
    }
    groups = _stored_runs(round_obj)
    url_ok = URLValidator(schemes=["http", "https"])
    errors: list[RowError] = []
    built: list[BenchmarkResult] = []
    reruns = 0
    if not rows:
        return ImportResult(0, 0, 0, [RowError(0, "-", _("결과가 한 줄도 없습니다."))])
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
        numbers = {}
        for column in ("score", "target_score", "stderr"):
            numbers[column] = _number(values[column]) if values[column] else None
            if values[column] and numbers[column] is None and _is_number_word(values[column]):
                bad(column, _("유한한 수여야 합니다 (NaN이나 무한대는 받지 않습니다)."))
                values[column] = ""  # reported once
        score, target, stderr = numbers["score"], numbers["target_score"], numbers["stderr"]
        if values["score"] and (score is None or not 0 <= score <= 100):
            bad("score", _("0에서 100 사이의 수여야 합니다."))
        if values["target_score"] and (target is None or target <= 0 or target > 100):
            bad("target_score", _("0보다 크고 100 이하인 수여야 합니다."))
        if values["stderr"] and (stderr is None or stderr < 0):
            bad("stderr", _("0 이상의 수여야 합니다."))
        if values["harness_version"] and not harness_version_valid(values["harness_version"]):
            bad(
                "harness_version",
                _("버전 형식이 아닙니다: %(v)s (예: 0.4.9, v1.2.0, 또는 커밋 해시)")
                % {"v": values["harness_version"]},
            )
        if values["harness_version"] and not values["harness"]:
            bad("harness", _("평가 도구 버전이 있으면 평가 도구 이름도 적어 주세요."))
        few_shot = _count(values["few_shot"], 1000) if values["few_shot"] else None
        if values["few_shot"] and few_shot is None:
            bad("few_shot", _("0에서 1000 사이의 정수여야 합니다."))
        seed = _count(values["seed"], SEED_MAX) if values["seed"] else None
        if values["seed"] and seed is None:
            bad("seed", _("시드는 0 이상의 정수여야 합니다."))
        decoding = ""
        if values["decoding"]:
            try:
                decoding = decoding_normalise(values["decoding"])
            except ValueError as error:
                bad("decoding", str(error))
        date = None
        if values["date"]:
            try:
                date = dt.date.fromisoformat(values["date"])
            except ValueError:
                bad("date", _("날짜는 YYYY-MM-DD 형식이어야 합니다."))
        for column in ("source_url", "run_url"):
            if values[column]:
                try:
                    url_ok(values[column])
                except ValidationError:
                    bad(column, _("http 또는 https 주소여야 합니다."))
        settings_of_row = {
            "harness": values["harness"],
            "harness_version": values["harness_version"],
            "prompt_template": values["prompt_template"],
            "few_shot": few_shot,
            "decoding": decoding,
        }
        complete = all(v not in ("", None) for v in settings_of_row.values()) and seed is not None
        complete = complete and bool(values["run_url"])
        key = (values["team"], values["benchmark"], values["version"])
        group = groups.get(key)
        run_number = 1
        if group is not None and not row_errors:
            run_number = group.runs + 1
            if not complete or group.settings is None:
                bad(
                    "benchmark",
                    _(
                        "%(where)s과 같은 결과입니다 (같은 팀, 벤치마크, 버전). 재실행으로 받으려면 두 실행 모두 "
                        "재현 정보(평가 도구와 버전, 프롬프트 템플릿, 퓨샷 수, 디코딩 설정, 시드, 실행 기록)를 "
                        "갖춰야 합니다."
                    )
                    % {"where": group.where},
                )
            elif sub.key != group.sub_item:
                bad(
                    "category",
                    _("%(where)s과 세부 항목이 다릅니다 (기존: %(old)s).")
                    % {"where": group.where, "old": group.sub_item},
                )
            elif target != group.target:
                bad(
                    "target_score",
                    _("%(where)s과 목표 점수가 다릅니다 (기존: %(old)s).")
                    % {"where": group.where, "old": "-" if group.target is None else f"{group.target:g}"},
                )
            elif differing := [f for f in SETTINGS if settings_of_row[f] != group.settings[f]]:
                bad(
                    differing[0],
                    _(
                        "%(where)s과 설정이 다릅니다 (기존: %(old)s). 재실행은 같은 설정이어야 합니다. 설정이 "
                        "다르면 다른 결과이니 version을 달리 적어 주세요."
                    )
                    % {"where": group.where, "old": group.settings[differing[0]]},
                )
            elif seed in group.seeds:
                bad(
                    "seed",
                    _("같은 설정과 시드의 실행이 이미 있습니다 (%(where)s): 중복 재실행입니다.")
                    % {"where": group.seeds[seed]},
                )
            elif values["run_url"] in group.urls:
                bad(
                    "run_url",
                    _("같은 실행 기록이 이미 있습니다 (%(where)s): 중복 재실행입니다.")
                    % {"where": group.urls[values["run_url"]]},
                )
        errors.extend(row_errors)
        if row_errors:
            continue
        where = _("%(n)s행") % {"n": number}
        if group is None:
            group = groups[key] = _Runs(
                where=where, sub_item=sub.key, target=target, settings=settings_of_row if complete else None
            )
        else:
            reruns += 1
        group.runs = run_number
        if seed is not None:
            group.seeds[seed] = where
        if values["run_url"]:
            group.urls[values["run_url"]] = where
        built.append(
            BenchmarkResult(
                entry=entry,
                sub_item=sub,
                model_name=values["model"],
                benchmark=values["benchmark"],
                version=values["version"],
                run_number=run_number,
                score=score,
                target_score=target,
                stderr=stderr,
                licence=values["licence"],
                evaluated_on=date,
                source_url=values["source_url"],
                seed=seed,
                run_url=values["run_url"],
                **settings_of_row,
            )
        )
    if errors:
        return ImportResult(0, 0, 0, errors)
    incomplete = sum(1 for b in built if b.missing_reproducibility)
    with transaction.atomic():
        BenchmarkResult.objects.bulk_create(built)
        audit_record(
            actor=actor,
            action="benchmarks_import",
            target=f"round:{round_obj.slug}",
            reason=_("벤치마크 결과 %(n)s건 등록") % {"n": len(built)},
            rows=len(built),
            reruns=reruns,
            without_reproducibility=incomplete,
        )
    return ImportResult(len(built), reruns, incomplete, [])
