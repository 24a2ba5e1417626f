"""Korean PII redaction: pure Python, run before a prompt leaves the portal, is stored, or is exported.

`redact(text)` returns the text with every finding replaced by a typed Korean placeholder
([주민등록번호], [전화번호], ...) and the findings as (kind, start, end) in the original text, never
the value. Policy, from the research notes (shared/research/domain-facts.md section 5):

- 주민등록번호 / 외국인등록번호: format plus a valid birth date, whatever the check digit (numbers issued
  since October 2020 carry none). The century/sex digit tells resident (1-4, 9, 0) from foreigner (5-8).
- 사업자등록번호: hyphenated AAA-BB-CCCCC with a valid checksum, or ten digits with the checksum and a
  context word nearby.
- Phone numbers: mobile 010/011/016-019 with or without separators; landlines (02, 031-064), 070,
  080 and 15xx/16xx/18xx only with separators (bare digit runs are too often order numbers).
- Card numbers: 13-19 digits, optionally grouped, passing Luhn.
- E-mail; passports (M123A4567 always; old letter+8 digits only near 여권); driver licences
  (region code 11-26/28 or region name, then YY-NNNNNN-NN); bank accounts (10-14 digits in hyphen
  groups near an account or bank word); road-name and lot-number addresses.
Checksums come from python-stdnum rather than being written again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.kr import brn, rrn

PLACEHOLDERS = {
    "rrn": "[주민등록번호]",
    "frn": "[외국인등록번호]",
    "brn": "[사업자등록번호]",
    "phone": "[전화번호]",
    "card": "[카드번호]",
    "email": "[이메일]",
    "passport": "[여권번호]",
    "driver_license": "[운전면허번호]",
    "bank_account": "[계좌번호]",
    "address": "[주소]",
}
LABELS = {kind: placeholder.strip("[]") for kind, placeholder in PLACEHOLDERS.items()}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str
    findings: tuple[Finding, ...]

    @property
    def kinds(self) -> list[str]:
        """Distinct kinds found, in order of first appearance."""
        return list(dict.fromkeys(f.kind for f in self.findings))


_NOT_DIGIT_BEFORE = r"(?<![\d-])"
_NOT_DIGIT_AFTER = r"(?![\d])"
_SEP = r"[-.\s]?"

_RRN = re.compile(_NOT_DIGIT_BEFORE + r"(\d{6})\s?[-–]?\s?([0-9]\d{6})" + _NOT_DIGIT_AFTER)
_BRN = re.compile(_NOT_DIGIT_BEFORE + r"(\d{3})-(\d{2})-(\d{5})" + _NOT_DIGIT_AFTER)
_BRN_BARE = re.compile(_NOT_DIGIT_BEFORE + r"\d{10}" + _NOT_DIGIT_AFTER)
# Mobile with or without separators; landlines, 070, 080 and 15xx/16xx/18xx only with them.
_PHONE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:(?:\+82[-\s]?|0)1[016789]"
    + _SEP
    + r"\d{3,4}"
    + _SEP
    + r"\d{4}"
    + r"|\(?0(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80)\)?[-.\s)]\s?\d{3,4}[-.\s]\d{4}"
    + r"|1[568]\d{2}-\d{4})"
    + _NOT_DIGIT_AFTER
)
# Contiguous, or grouped with one separator used throughout (4-4-4-4, or Amex 4-6-5).
_CARD = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:\d{13,19}|\d{4}([-\s])\d{4}\1\d{4}\1\d{1,7}|\d{4}([-\s])\d{6}\2\d{5})"
    + _NOT_DIGIT_AFTER
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[MSRODG](?:\d{3}[A-Z]\d{4}|(?P<old>\d{8}))(?![A-Za-z0-9])")
_REGIONS = "서울|부산|경기|강원|충북|충남|전남|전북|경북|경남|제주|대구|인천|광주|대전|울산"
_DRIVER = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:(?:1[1-9]|2[0-6]|28)|(?:"
    + _REGIONS
    + r"))[-\s]?\d{2}-\d{6}-\d{2}"
    + _NOT_DIGIT_AFTER
)
_ACCOUNT = re.compile(_NOT_DIGIT_BEFORE + r"\d{2,6}(?:-\d{2,7}){1,3}" + _NOT_DIGIT_AFTER)
_ACCOUNT_CONTEXT = re.compile(
    r"계좌|통장|입금|송금|이체|예금주|은행|국민|신한|우리|하나|농협|기업|카카오뱅크|토스뱅크|케이뱅크|새마을|우체국|수협|씨티|SC제일"
)
_BRN_CONTEXT = re.compile(r"사업자")
_PASSPORT_CONTEXT = re.compile(r"여권|passport", re.IGNORECASE)
_SIDO = (
    r"(?:서울(?:특별시|시)?|부산(?:광역시|시)?|대구(?:광역시|시)?|인천(?:광역시|시)?|광주(?:광역시|시)?|"
    r"대전(?:광역시|시)?|울산(?:광역시|시)?|세종(?:특별자치시|시)?|경기(?:도)?|강원(?:특별자치도|도)?|"
    r"충청북도|충북|충청남도|충남|전라북도|전북(?:특별자치도)?|전라남도|전남|경상북도|경북|경상남도|경남|"
    r"제주(?:특별자치도|도)?)"
)
_SIGUNGU = r"[가-힣]{1,6}(?:시|군|구)"
# A number followed by a unit, an exit or 가 is a distance or a place name ("종로 3가"), not a building.
_NOT_UNIT = r"(?![\d.,가]|\s?(?:km|m\b|킬로|미터|분|초|%|개|명|원|년|월|일|시간|번\s?출구|차로|차선))"
_DETAIL = r"(?:\s*,?\s*(?:지하\s?)?\d{1,4}(?:동|층|호)(?:\s*\d{1,4}(?:층|호))*)?"
_ROAD = (
    r"(?:" + _SIDO + r"\s+)?(?:" + _SIGUNGU + r"\s+){0,2}(?:[가-힣]{1,6}(?:읍|면)\s+)?"
    r"[가-힣0-9]{1,12}(?:대로|로|길)(?:\s?\d{1,4}(?:번?길))?\s(?:지하\s?)?\d{1,5}(?:-\d{1,4})?"
    + _NOT_UNIT
    + _DETAIL
)
_LOT = (
    r"(?:"
    + _SIDO
    + r"\s+)?(?:"
    + _SIGUNGU
    + r"\s+){1,2}(?:[가-힣]{1,6}(?:읍|면)\s+)?[가-힣0-9]{1,8}(?:동|리|가)\s"
    r"(?:산\s?)?\d{1,5}(?:-\d{1,4})?(?:번지)?" + _NOT_UNIT + _DETAIL
)
_ADDRESS = re.compile(_ROAD + "|" + _LOT)
CONTEXT_WINDOW = 20


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _near(pattern: re.Pattern, text: str, start: int, end: int) -> bool:
    return bool(pattern.search(text, max(0, start - CONTEXT_WINDOW), min(len(text), end + CONTEXT_WINDOW)))


def _brn_valid(number: str) -> bool:
    """Structure from python-stdnum (2.2 checks no more than that), then the National Tax Service
    check digit: keys 1,3,7,1,3,7,1,3,5, the ninth product's tens added again."""
    if not brn.is_valid(number):
        return False
    d = [int(c) for c in number]
    total = sum(x * k for x, k in zip(d[:8], (1, 3, 7, 1, 3, 7, 1, 3), strict=True))
    total += d[8] * 5 + d[8] * 5 // 10
    return (10 - total % 10) % 10 == d[9]


def _registration(match: re.Match, text: str) -> str | None:
    number = match.group(1) + match.group(2)
    try:
        rrn.get_birth_date(number)
    except ValidationError:
        return None
    return "frn" if number[6] in "5678" else "rrn"


_ADDRESS_HINT = re.compile(r"[로길동리가]\s(?:산\s?|지하\s?)?\d|번길")
WINDOW = 48  # characters kept around digits: room for a full address prefix and context words
CORE_MARGIN = 4
_DIGIT_RUN = re.compile(r"\d+")
# Anchors (digits, '@') closer than two windows apart share one window.
_CLUSTER = re.compile(rf"[\d@](?:[^\d@]{{0,{2 * WINDOW}}}[\d@])*")


@dataclass(frozen=True)
class _Window:
    start: int  # with WINDOW characters of context either side
    end: int
    core_start: int  # the anchors themselves, with a few characters for '+82', '(' and the like
    core_end: int
    runs: tuple[int, ...]  # lengths of the digit runs in it: each kind needs a shape, a cheap first filter
    has_at: bool


def _windows(text: str) -> list[_Window]:
    """Spans of text around digits and '@' signs. Every kind needs one of them, and Python's regex
    engine is slow enough that scanning only these spans is what keeps long prompts cheap."""
    windows = []
    for m in _CLUSTER.finditer(text):
        cluster = m.group()
        windows.append(
            _Window(
                max(0, m.start() - WINDOW),
                min(len(text), m.end() + WINDOW),
                max(0, m.start() - CORE_MARGIN),
                min(len(text), m.end() + CORE_MARGIN),
                tuple(map(len, _DIGIT_RUN.findall(cluster))),
                "@" in cluster,
            )
        )
    return windows


def _rrn(m: re.Match, w: str) -> str | None:
    return _registration(m, w)


def _brn_hyphenated(m: re.Match, w: str) -> str | None:
    return "brn" if _brn_valid(_digits(m.group())) else None


def _brn_bare(m: re.Match, w: str) -> str | None:
    return "brn" if _brn_valid(m.group()) and _near(_BRN_CONTEXT, w, m.start(), m.end()) else None


def _card(m: re.Match, w: str) -> str | None:
    digits = _digits(m.group())
    return "card" if 13 <= len(digits) <= 19 and luhn.is_valid(digits) else None


def _passport(m: re.Match, w: str) -> str | None:
    # The old letter + 8 digits form looks like many product codes: only near 여권/passport.
    if m.group("old") and not _near(_PASSPORT_CONTEXT, w, m.start(), m.end()):
        return None
    return "passport"


def _account(m: re.Match, w: str) -> str | None:
    if 10 <= len(_digits(m.group())) <= 14 and _near(_ACCOUNT_CONTEXT, w, m.start(), m.end()):
        return "bank_account"
    return None


def _always(kind: str) -> Callable[[re.Match, str], str | None]:
    return lambda m, w: kind


def _pairs(runs: tuple[int, ...], first: int, second: int) -> bool:
    return any(x == first and y == second for x, y in zip(runs, runs[1:], strict=False))


@dataclass(frozen=True)
class _Detector:
    priority: int  # lower wins an overlap
    pattern: re.Pattern
    classify: Callable[[re.Match, str], str | None]  # the kind, or None to reject the match
    shape: Callable[[tuple[int, ...]], bool]  # could the digit runs hold this kind at all?
    gate: Callable[[str], object] = lambda w: True  # a cheap test on the window; falsy skips it
    context: bool = False  # needs the words around the number (region names, 계좌, 사업자, 여권, 주소)


DETECTORS = (
    _Detector(1, _RRN, _rrn, lambda r: 13 in r or _pairs(r, 6, 7)),
    _Detector(2, _DRIVER, _always("driver_license"), lambda r: 6 in r and 2 in r, context=True),
    _Detector(2, _BRN, _brn_hyphenated, lambda r: _pairs(r, 2, 5)),
    _Detector(2, _BRN_BARE, _brn_bare, lambda r: 10 in r, lambda w: "사업자" in w, context=True),
    _Detector(3, _CARD, _card, lambda r: max(r) >= 13 or r.count(4) >= 3 or _pairs(r, 6, 5)),
    _Detector(4, _PHONE, _always("phone"), lambda r: 4 in r or 10 in r or 11 in r),
    _Detector(4, _PASSPORT, _passport, lambda r: 8 in r or _pairs(r, 3, 4), context=True),
    _Detector(5, _ACCOUNT, _account, lambda r: sum(r) >= 10, _ACCOUNT_CONTEXT.search, context=True),
    _Detector(6, _ADDRESS, _always("address"), lambda r: True, _ADDRESS_HINT.search, context=True),
)


def _candidates(text: str):
    """Yield (priority, kind, start, end) for every accepted match in every window."""
    for window in _windows(text):
        wide = text[window.start : window.end]
        core = text[window.core_start : window.core_end]
        if window.has_at:
            for m in _EMAIL.finditer(wide):
                yield 0, "email", window.start + m.start(), window.start + m.end()
        if not window.runs:
            continue
        for detector in DETECTORS:
            if not detector.shape(window.runs):
                continue
            w, offset = (wide, window.start) if detector.context else (core, window.core_start)
            if not detector.gate(w):
                continue
            for m in detector.pattern.finditer(w):
                kind = detector.classify(m, w)
                if kind:
                    yield detector.priority, kind, offset + m.start(), offset + m.end()


def redact(text: str) -> Redaction:
    if not text:
        return Redaction(text, ())
    chosen: list[tuple[int, int, str]] = []
    # Stronger kinds first, then longer spans; a span that overlaps a chosen one is dropped.
    for _, kind, start, end in sorted(_candidates(text), key=lambda c: (c[0], c[2] - c[3], c[2])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    chosen.sort()
    parts, last = [], 0
    for start, end, kind in chosen:
        parts.append(text[last:start])
        parts.append(PLACEHOLDERS[kind])
        last = end
    parts.append(text[last:])
    return Redaction("".join(parts), tuple(Finding(kind, start, end) for start, end, kind in chosen))
