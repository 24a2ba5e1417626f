"""Korean PII redaction: pure Python, run before a prompt leaves the portal, is stored, or is exported,
and on model answers as they stream.

`redact(text)` judges the normalised text (arena/safety/textnorm.py: full-width digits, every dash and
space variant, zero-width and tag characters are no disguise) and returns the original text, less
its invisible characters, with every finding replaced by a typed Korean placeholder ([주민등록번호],
[전화번호], ...), plus the findings as (kind, start, end) in the original text, never the value.
Policy, from the research notes (shared/research/domain-facts.md section 5):

- 주민등록번호 / 외국인등록번호: format plus a valid birth date, whatever the check digit (numbers issued
  since October 2020 carry none). The century/sex digit tells resident (1-4, 9, 0) from foreigner (5-8).
  Also when written in words: the seven digits after 뒷자리 (and the six before them).
- 사업자등록번호: AAA-BB-CCCCC with a valid checksum, or ten digits with the checksum and 사업자 nearby.
- Phone numbers: mobile 010/011/016-019 with or without separators, in brackets or after +82;
  landlines (02, 031-064), 070, 080 and 15xx/16xx/18xx only with separators.
- Card numbers: 13-19 digits, grouped with one separator throughout or not at all, passing Luhn.
- E-mail, also with spaces around @ or written (at)/[at]; passports (M123A4567 always; the old
  letter + 8 digits only near 여권); driver licences (region code or region name, then YY-NNNNNN-NN);
  bank accounts (10-14 digits, grouped or bare, near an account or bank word).
- Addresses: road-name (시도 시군구 읍면 도로명 건물번호, then "," or "." and 동/층/호, and the
  legal-dong reference in brackets), lot-number (…동/리 번지, 산, "-"), and apartment units.
Kept on purpose: a Korean EAN-13 barcode (880, valid check digit, beside a product word) and a number
right after its own order, case or receipt word (주문번호, 사건번호, 접수번호, ...), unless it has the
hyphenated shape of a registration number.

How it stays fast (30,000 characters of back-to-back personal details in about 5 ms): the judged
text is projected to ASCII bytes with every other character as "?", offsets unchanged, and each kind
of anchor is found by one regex pass that starts with a character set (so the engine skips ahead in
C): digit runs, '@', passport letters, address suffixes. Only anchors cost Python time, and as little
as can be: a shape that cannot succeed in this text (an account without any account word) is left
out of the search rather than tried and refused; candidates are tuples that sort as they are; the
findings are mapped back to the source as columns, by map/zip in C, not span by span. Checksums
are computed here (Luhn, the NTS business-number key) over bytes, because python-stdnum's general
validators cost more per call than the whole scan of a sentence; tests check them against stdnum.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from arena.safety import textnorm

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


class Finding(NamedTuple):
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


# --- numbers: one pass over the ASCII projection ---------------------------------------------------

_S = rb"(?: ?[-.] ?| )"  # a separator: hyphen or dot, spaced or not, or one space
# Number shapes, strongest first. Each continues after a first digit shared by all of them, so the
# combined pattern starts with a character set (the engine then skips ahead in C) and its
# lookbehinds say that digit does not continue a longer number.
_SHAPES = {
    # A real month and day in the regex: an impossible date falls through to the next shapes in C.
    "rrn": rb"[0-9](?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)"
    rb"|02(?:0[1-9]|1[0-9]|2[0-9]))" + _S + rb"?[0-9]{7}",
    "driver": rb"(?:(?<=1)[1-9]|(?<=2)[0-68])" + _S + rb"?[0-9]{2}" + _S + rb"[0-9]{6}" + _S + rb"[0-9]{2}",
    "driver_region": rb"[0-9]" + _S + rb"[0-9]{6}" + _S + rb"[0-9]{2}",
    "brn": rb"[0-9]{2}" + _S + rb"[0-9]{2}" + _S + rb"[0-9]{5}",
    "card": rb"[0-9]{3}(?P<c1>[ .-])[0-9]{4}(?P=c1)[0-9]{4}(?P=c1)[0-9]{1,7}|[0-9]{3}(?P<c2>[ .-])[0-9]{6}(?P=c2)[0-9]{5}",
    "mobile": rb"(?<=0)1[016789](?:\) ?|" + _S + rb")?[0-9]{3,4}" + _S + rb"?[0-9]{4}",
    "landline": rb"(?<=0)(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80)(?:\) ?|"
    + _S
    + rb")[0-9]{3,4}"
    + _S
    + rb"[0-9]{4}",
    "representative": rb"(?<=1)[568][0-9]{2}-[0-9]{4}",
    "bare": rb"[0-9]{9,18}",
    # At least ten digits in all, checked in C before any group is tried (dates and prices are not).
    "account": rb"(?=(?:[ .\-]{0,3}[0-9]){9})[0-9]{1,5}(?:" + _S + rb"[0-9]{1,7}){1,3}",
}
_BRANCHES = list(_SHAPES)


def _number_pattern(names: list[str]) -> re.Pattern:
    return re.compile(
        # Every shape has at least seven more digits or separators after its first digit: the
        # lookahead turns away years, prices and counts before any shape is tried.
        rb"[0-9](?<![0-9][0-9])(?<![0-9][-.][0-9])(?=[0-9 .()\-]{7})(?:"
        + b"|".join(b"(?P<" + name.encode() + b">" + _SHAPES[name] + b")" for name in names)
        # ...and that the number does not go on with a hyphen or a dot: "1546-1155-7090" is a waybill.
        + rb")(?![0-9]|[-.][0-9])"
    )


_NUMBER = _number_pattern(_BRANCHES)
# Without an account or bank word anywhere in the text the account shape (the last) can only fail,
# and a failed shape moves the search on by one digit: the search without it does that in C. (Before
# the first account-shaped number both find the same.)
_NUMBER_NO_ACCOUNT = _number_pattern(_BRANCHES[:-1])
# The same shapes one by one, to try the next when a match fails its check.
_ONE_BRANCH = {
    name: re.compile(rb"[0-9](?P<" + name.encode() + rb">" + shape + rb")(?![0-9]|[-.][0-9])")
    for name, shape in _SHAPES.items()
}

# Phones written with a country code or a bracket first: "+82 10-…", "(02) 1234-5678", "(010)1234-5678".
_PREFIXED_PHONE = re.compile(
    rb"[+(](?:(?<=\+) ?82 ?-? ?(?:\(0\) ?|0)?|(?<=\()0)"
    rb"(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80)(?:\) ?|"
    + _S
    + rb")?[0-9]{3,4}"
    + _S
    + rb"?[0-9]{4}(?![0-9])"
)
_PASSPORT = re.compile(rb"[MSRODG](?:[0-9]{3}[A-Z][0-9]{4}|(?P<old>[0-9]{8}))(?![A-Za-z0-9])")
_EMAIL_DOMAIN = re.compile(rb" ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])")
_EMAIL_AT = re.compile(rb"[@(\[](?:(?<=@)|(?<=[(\[])[Aa][Tt][)\]])")
# A local part, read backwards from its "@" on the reversed text.
_REV_EMAIL_LOCAL = re.compile(rb"[A-Za-z0-9._%+-]*")

CONTEXT_WINDOW = 20
# Alternations of plain words (no IGNORECASE): the engine then skips ahead on their first letters.
_ACCOUNT_CONTEXT = re.compile(
    r"계좌|통장|입금|송금|이체|예금주|은행|국민|신한|우리|하나|농협|기업|카카오뱅크|토스뱅크|케이뱅크|새마을|"
    r"우체국|수협|씨티|SC제일|account|Account|ACCOUNT|bank|Bank|BANK"
)
_BRN_CONTEXT = re.compile(r"사업자")
_PASSPORT_CONTEXT = re.compile(r"여권|passport", re.IGNORECASE)
_RRN_CONTEXT = re.compile(r"주민|등록번호|생년|RRN", re.IGNORECASE)
_PRODUCT_CONTEXT = re.compile(r"바코드|상품|제품|품번|EAN|GTIN|JAN", re.IGNORECASE)
# A number right after one of these (and a particle or colon) is that thing, not a person's detail.
_OWN_CONTEXT = re.compile(
    r"(?:주문|사건|접수|송장|운송장|예약|신청|민원|관리|고객|회원|티켓|영수증|승인|거래|문서|등기)\s?번호"
    r"(?:는|은|가|:|\s)*$|(?:송장|운송장|바코드|order|case|ticket|tracking)\s?(?:no\.?|number|#)?[:\s]*$",
    re.IGNORECASE,
)
_REGION_NAMES = (
    "서울",
    "부산",
    "경기",
    "강원",
    "충북",
    "충남",
    "전남",
    "전북",
    "경북",
    "경남",
    "제주",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
)
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Every real "MMDD" (29 February included: its year is checked apart), looked up instead of parsed.
_MONTH_DAYS = frozenset(f"{month:02}{day:02}" for month in range(1, 13) for day in range(1, _DAYS[month] + 1))
_CENTURY = {
    "1": 1900,
    "2": 1900,
    "5": 1900,
    "6": 1900,
    "3": 2000,
    "4": 2000,
    "7": 2000,
    "8": 2000,
    "9": 1800,
    "0": 1800,
}


def _near(pattern: re.Pattern, text: str, start: int, end: int) -> bool:
    return (
        pattern.search(text, max(0, start - CONTEXT_WINDOW), min(len(text), end + CONTEXT_WINDOW)) is not None
    )


def registration_kind(digits: str) -> str | None:
    """'rrn' or 'frn' when 13 digits carry a real birth date and a known century/sex digit."""
    if len(digits) != 13:
        return None
    century = _CENTURY.get(digits[6])
    if century is None or digits[2:6] not in _MONTH_DAYS:
        return None
    if digits[2:6] == "0229":
        year = century + int(digits[:2])
        if year % 4 or (year % 100 == 0 and year % 400):
            return None
    return "frn" if digits[6] in "5678" else "rrn"


_DOUBLED = str.maketrans("0123456789", "0246813579")  # 2d, less 9 when two digits


def luhn_valid(digits: str) -> bool:
    # The digits' code points summed in C, less 48 ("0") each.
    return (sum((digits[::-2] + digits[-2::-2].translate(_DOUBLED)).encode()) - 48 * len(digits)) % 10 == 0


_BRN_KEYS = (1, 3, 7, 1, 3, 7, 1, 3)


def brn_valid(digits: str) -> bool:
    """The National Tax Service check digit: keys 1,3,7,1,3,7,1,3,5, the ninth product's tens added
    again (python-stdnum 2.2 checks only the structure)."""
    if len(digits) != 10 or digits[:3] < "101" or digits[3:5] == "00" or digits[5:9] == "0000":
        return False
    d = digits.encode()
    ninth = d[8] - 48
    # The products over the code points, less 48 ("0") times the keys' sum (26), in C.
    total = sum(map(operator.mul, d[:8], _BRN_KEYS)) - 48 * 26 + ninth * 5 + ninth * 5 // 10
    return (10 - total % 10) % 10 == d[9] - 48


def ean13_valid(digits: str) -> bool:
    if len(digits) != 13:
        return False
    total = sum((ord(c) - 48) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == ord(digits[12]) - 48


# Words one of which _OWN_CONTEXT needs: a cheap test (plain words, one C search) before the full one.
_OWN_WORDS = re.compile("번호|송장|바코드|order|Order|ORDER|case|Case|ticket|tracking|no|#")


def _own_context(text: str, start: int) -> bool:
    """Does the number at `start` follow its own order/case/receipt word?"""
    window_start = max(0, start - 14)
    # (endpos makes `$` match at `start`, as on a slice; neither pattern looks behind.)
    if _OWN_WORDS.search(text, window_start, start) is None:
        return False
    return _OWN_CONTEXT.search(text, window_start, start) is not None


_PHONE_SHAPES = frozenset(("mobile", "landline", "representative"))
_DIRECT = {"mobile": "phone", "landline": "phone", "representative": "phone", "driver": "driver_license"}


def _classify(
    name: str, raw: bytes, text: str, start: int, end: int, accounts: bool
) -> tuple[str, int] | None:
    """The kind of a number-shaped match and where it starts (a licence starts at its region name),
    or None when it fails its check or its context. (`accounts`: has the text an account or bank
    word anywhere; without one no number is near one, and no account shape is tried.)"""
    if name in _PHONE_SHAPES:
        return "phone", start
    if name == "driver":
        return "driver_license", start
    if name == "driver_region":
        before = text[max(0, start - 4) : start].rstrip(" -")
        if before.endswith(_REGION_NAMES):
            return "driver_license", max(0, start - 4) + len(before) - 2
        return None
    digits = raw.translate(None, b" .-()+/").decode()
    if name == "card":
        return ("card", start) if luhn_valid(digits) else None
    if name == "brn":
        return ("brn", start) if brn_valid(digits) else None
    if name == "account":
        if (
            10 <= len(digits) <= 14
            and _near(_ACCOUNT_CONTEXT, text, start, end)
            and not _own_context(text, start)
        ):
            return "bank_account", start
        return None
    # rrn and bare: registration numbers first, then what else a digit run may be. Bare digits right
    # after an account or bank word are an account even when they happen to start with a date.
    kind = registration_kind(digits)
    if (
        kind
        and accounts
        and b"-" not in raw
        and _ACCOUNT_CONTEXT.search(text, max(0, start - 10), start)
        and not _near(_RRN_CONTEXT, text, start, end)
    ):
        kind = "bank_account"
    if name == "bare" and kind is None:
        if len(digits) == 10 and brn_valid(digits) and _near(_BRN_CONTEXT, text, start, end):
            kind = "brn"
        elif 13 <= len(digits) <= 19 and luhn_valid(digits):
            kind = "card"
        elif accounts and 10 <= len(digits) <= 14 and _near(_ACCOUNT_CONTEXT, text, start, end):
            kind = "bank_account"
    if kind is None:
        return None
    # Bare or space-separated digits after their own order or case word are that order or case;
    # a Korean barcode beside a product word is a barcode.
    if b"-" not in raw and b"." not in raw:
        if _own_context(text, start):
            return None
        if digits.startswith("880") and ean13_valid(digits) and _near(_PRODUCT_CONTEXT, text, start, end):
            return None
    return kind, start


# Where a shape fails its check, the shapes after it that may still fit at the same digit.
_LATER = {name: tuple(_ONE_BRANCH[other] for other in _BRANCHES[i + 1 :]) for i, name in enumerate(_BRANCHES)}
_LATER_NO_ACCOUNT = {name: later[:-1] for name, later in _LATER.items() if name != "account"}


def _numbers(text: str, data: bytes, out: list[Candidate]) -> None:
    # Is there an account or bank word anywhere? Without one no number is an account (see _classify).
    # Looked up when a number first needs more than its shape: most short texts never ask.
    accounts: bool | None = None
    search = _NUMBER.search
    pos = 0
    append = out.append
    while (m := search(data, pos)) is not None:
        start, end = m.span()
        name = m.lastgroup
        kind = _DIRECT.get(name)
        if kind is None and name == "rrn":
            raw = m.group()
            # Written with a hyphen or a dot, a real date (checked by the pattern, but for 29 February)
            # is a registration number whatever stands around it.
            if (b"-" in raw or b"." in raw) and raw[2:6] != b"0229":
                kind = "frn" if raw[-7] in b"5678" else "rrn"
        if kind is not None:  # phones, coded licences, hyphenated registration numbers
            append((start, _PRIORITY[kind], start - end, end, kind))
            pos = end
            continue
        if accounts is None:
            accounts = _ACCOUNT_CONTEXT.search(text) is not None
            if not accounts:
                search = _NUMBER_NO_ACCOUNT.search
        if name == "account" and not accounts:
            pos = start + 1
            continue
        found = _classify(name, m.group(), text, start, end, accounts)
        if found is None:
            # Failed its check: a later shape may still fit here (a Luhn-failing 16 digits can be an
            # account), else move on past this digit.
            for shape in (_LATER if accounts else _LATER_NO_ACCOUNT)[name]:
                retry = shape.match(data, start)
                if retry is not None:
                    found = _classify(retry.lastgroup, retry.group(), text, start, retry.end(), accounts)
                    if found is not None:
                        end = retry.end()
                        break
        if found is None:
            pos = start + 1
            continue
        kind, start = found
        append((start, _PRIORITY[kind], start - end, end, kind))
        pos = end


# --- e-mail, passports -------------------------------------------------------------------------------


def _emails(data: bytes) -> Iterator[Candidate]:
    last_end = 0
    reverse = data[::-1]
    length = len(data)
    for at in _EMAIL_AT.finditer(data):
        local_end = at.start()
        if local_end > last_end and data[local_end - 1] == 32:  # "choi @ naver.com"
            local_end -= 1
        start = length - _REV_EMAIL_LOCAL.match(reverse, length - local_end, length - last_end).end()
        if start == local_end:
            continue
        domain = _EMAIL_DOMAIN.match(data, at.end())
        if domain is None:
            continue
        last_end = domain.end()
        yield start, _PRIORITY["email"], start - domain.end(), domain.end(), "email"


def _passports(text: str, data: bytes) -> Iterator[Candidate]:
    for m in _PASSPORT.finditer(data):
        start = m.start()
        if start and chr(data[start - 1]).isalnum():
            continue
        # The old letter + 8 digits form looks like many product codes: only near 여권/passport.
        if m.group("old") and not _near(_PASSPORT_CONTEXT, text, start, m.end()):
            continue
        yield start, _PRIORITY["passport"], start - m.end(), m.end(), "passport"


# --- registration numbers in words: "앞자리 770823, 뒷자리 1234563" -------------------------------------

_BACK_PART = re.compile(
    r"(?:뒷자리|뒷번호|뒤\s?7\s?자리|뒤\s?일곱\s?자리)[^0-9]{0,8}?([1-8][0-9]{6})(?![0-9])"
)
_FRONT_PART = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")


def _split_registrations(text: str) -> Iterator[Candidate]:
    for m in _BACK_PART.finditer(text):
        back_start, back_end = m.span(1)
        yield back_start, _PRIORITY["rrn"], back_start - back_end, back_end, "rrn"
        front = None
        for f in _FRONT_PART.finditer(text, max(0, m.start() - 30), m.start()):
            front = f
        if front is not None and registration_kind(front.group(1) + m.group(1)):
            front_start, front_end = front.span(1)
            yield front_start, _PRIORITY["rrn"], front_start - front_end, front_end, "rrn"


# --- addresses ---------------------------------------------------------------------------------------

_SIDO = (
    "서울특별시 서울시 서울 부산광역시 부산시 부산 대구광역시 대구시 대구 인천광역시 인천시 인천 광주광역시 광주시 광주 "
    "대전광역시 대전시 대전 울산광역시 울산시 울산 세종특별자치시 세종시 세종 경기도 경기 강원특별자치도 강원도 강원 "
    "충청북도 충북 충청남도 충남 전북특별자치도 전라북도 전북 전라남도 전남 경상북도 경북 경상남도 경남 "
    "제주특별자치도 제주도 제주"
)
# The words before a building number, matched backwards from the road or dong word on the reversed
# text: one anchored match instead of a search over every start. Forwards they read
#   [시도] [시군구]{0,2} [읍면] 도로명 [N번길]   or   [시도] [시군구]{1,2} [읍면] 동/리/가
_END = r"(?![가-힣0-9])"
_REV_DISTRICTS = (
    rf"(?: [읍면][가-힣]{{1,6}}{_END})?(?: [시군구][가-힣]{{1,6}}{_END}){{%s}}"
    rf"(?: (?:{'|'.join(w[::-1] for w in _SIDO.split())}){_END})?"
)
_REV_ROAD = re.compile(
    rf"(?:길번?[0-9]{{1,4}} (?=로|길))?(?!로으)(?:로대|로|길)[가-힣0-9]{{1,12}}{_END}"
    + _REV_DISTRICTS % "0,2"
)
_REV_LOT = re.compile(rf"[동리가][가-힣0-9]{{1,7}}{_END}" + _REV_DISTRICTS % "1,2")
HEAD_WINDOW = 64
_ADDRESS_ANCHOR = re.compile(r"[로길동리가](?= ?(?:지하 ?|산 ?)?[0-9])")
_BUILDING = (
    r" ?(?:지하 ?|산 ?)?[0-9]{1,5}(?:-[0-9]{1,4})?(?:번지)?"
    # A number followed by a unit, an exit, a thousands group or a decimal is not a building number.
    r"(?![0-9]|[.,][0-9]|가|\s?(?:km|m\b|kg|cm|킬로|미터|분|초|%|개|명|원|년|월|일|시간|번(?!지)|회|위|점|세|배|건|"
    r"호선|권|장|살|차로|차선|대|층|편|인분))"
)
_DETAIL = (
    r"(?:\s?[,.]?\s?(?:지하\s?)?[0-9]{1,4}(?:동|층|호)(?:\s?[0-9]{1,4}(?:층|호))*)?"
    r"(?:\s?\([가-힣0-9]+(?:,\s?[가-힣0-9]+)*\))?"
)
# Both in one match: the details are all optional, so the engine never goes back into the number.
_BUILDING_AND_DETAIL = re.compile(_BUILDING + _DETAIL)
# An apartment unit is "[0-9]{1,4}동 ?[0-9]{1,4}호"; found from its 동 (a literal first: the engine
# looks for that one character, not at every digit), the digits before it counted after.
_UNIT_TAIL = re.compile(r"동 ?[0-9]{1,4}호")
_UNIT_DIGITS = re.compile(r"[0-9]{1,4}\Z")  # \Z, not $: never before a newline
_COMPLEX = re.compile(r"[가-힣A-Za-z0-9]+(?:아파트|빌라|맨션|오피스텔|주공|단지|하이츠|캐슬|타워) ?$")


def _addresses(text: str) -> Iterator[Candidate]:
    last_end = 0
    reverse = ""  # made once, at the first anchor: each head is matched backwards from its word
    length = len(text)
    for m in _ADDRESS_ANCHOR.finditer(text):
        suffix_end = m.end()
        if suffix_end <= last_end:
            continue
        reverse = reverse or text[::-1]
        # (On the reversed text up to HEAD_WINDOW characters back: the patterns look ahead only, so
        # pos and endpos read as the slice would.)
        head = (_REV_ROAD if m.group() in "로길" else _REV_LOT).match(
            reverse, length - suffix_end, length - max(0, suffix_end - HEAD_WINDOW)
        )
        if head is None:
            continue
        building = _BUILDING_AND_DETAIL.match(text, suffix_end)
        if building is None:
            continue
        end = last_end = building.end()
        start = length - head.end()
        yield start, _PRIORITY["address"], start - end, end, "address"
    if "호" in text:
        # An apartment unit after the complex's name identifies a home without any street.
        for unit in _UNIT_TAIL.finditer(text):
            digits = _UNIT_DIGITS.search(text, max(0, unit.start() - 4), unit.start())
            if digits is None:
                continue
            start, end = digits.start(), unit.end()
            complex_name = _COMPLEX.search(text, max(0, start - 24), start)
            if complex_name is not None:
                yield complex_name.start(), _PRIORITY["address"], complex_name.start() - end, end, "address"


# A candidate finding: (start, priority, start - end, end, kind), so that candidates sort as they are
# by position, then the stronger kind, then the longer span.
Candidate = tuple[int, int, int, int, str]
_PRIORITY = {
    "email": 0,
    "rrn": 1,
    "frn": 1,
    "driver_license": 2,
    "brn": 2,
    "card": 3,
    "phone": 4,
    "passport": 4,
    "bank_account": 5,
    "address": 6,
}


def _candidates(text: str) -> list[Candidate]:
    data = text.encode("ascii", "replace")  # one byte per character: offsets are the same
    candidates: list[Candidate] = []
    if any(digit in data for digit in b"0123456789"):
        _numbers(text, data, candidates)
        if b"+" in data or b"(" in data:
            for m in _PREFIXED_PHONE.finditer(data):
                start, end = m.span()
                candidates.append((start, _PRIORITY["phone"], start - end, end, "phone"))
        candidates.extend(_passports(text, data))
        candidates.extend(_addresses(text))
        if "뒷" in text or "뒤" in text:
            candidates.extend(_split_registrations(text))
    if b"@" in data or b"at]" in (lower := data.lower()) or b"at)" in lower:
        candidates.extend(_emails(data))
    return candidates


def _chosen(text: str) -> list[Candidate]:
    """Every finding in already normalised text as its candidate, non-overlapping, in order."""
    candidates = _candidates(text) if text else []
    # In order of position; where two overlap, the stronger kind wins, then the longer span. (The
    # tuples sort so as they are; each pass gives its candidates in order, which the sort merges.)
    candidates.sort()
    chosen: list[Candidate] = []
    last_end = 0
    for candidate in candidates:
        start = candidate[0]
        if start >= last_end:
            chosen.append(candidate)
            last_end = candidate[3]
            continue
        rank = candidate[1:3]
        first = len(chosen) - 1
        while first and start < chosen[first - 1][3]:
            first -= 1
        if all(other[1:3] > rank for other in chosen[first:]):
            del chosen[first:]
            chosen.append(candidate)
            last_end = candidate[3]
    return chosen


def findings_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every finding in already normalised text, non-overlapping, in order."""
    return [(start, end, kind) for start, _priority, _length, end, kind in _chosen(text)]


def redact(text: str) -> Redaction:
    if not text:
        return Redaction(text, ())
    normalized = textnorm.normalize(text)
    chosen = _chosen(normalized.text)
    if not chosen:
        return Redaction(text if normalized.identical else normalized.render_judged((), (), ()), ())
    # Columns, so that mapping the spans back and building the findings run in C, not per finding.
    starts, _priorities, _lengths, ends, kinds = zip(*chosen, strict=True)
    if normalized.identical:
        s_starts, s_ends = starts, ends
    else:
        s_starts, s_ends = normalized.source_spans(starts, ends)
    rendered = normalized.render_judged(starts, ends, map(PLACEHOLDERS.__getitem__, kinds))
    findings = tuple(map(tuple.__new__, itertools.repeat(Finding), zip(kinds, s_starts, s_ends, strict=True)))
    return Redaction(rendered, findings)


def preview(text: str) -> dict:
    """For the citizen, before sending: the prompt as segments of its own text (invisible characters
    left out), the ones that would be masked carrying their kind and its label."""
    result = redact(text)
    segments: list[dict] = []
    last = 0
    for finding in result.findings:
        if finding.start > last:
            segments.append({"text": textnorm.clean(text[last : finding.start])})
        segments.append(
            {
                "text": textnorm.clean(text[finding.start : finding.end]),
                "kind": finding.kind,
                "label": LABELS[finding.kind],
            }
        )
        last = finding.end
    if last < len(text):
        segments.append({"text": textnorm.clean(text[last:])})
    return {"segments": [s for s in segments if s["text"]], "kinds": result.kinds, "masked": result.text}


# --- answers as they stream --------------------------------------------------------------------------

# Read backwards from the end of what has arrived: the tail that could still grow into a finding.
# Digits, e-mail characters and the separators between them (a number or an address is never shown
# before it is complete), or a road or dong word with up to three words before it (the address's
# number may come next).
_REV_RISKY_TAIL = re.compile(r" ?(?:[0-9A-Za-z._%+\-@()\[\]/#:ㅡ\u1173一ー\u2500]+ ?)+")
_REV_ROAD_TAIL = re.compile(
    r" ?(?:길?번?[0-9]{1,4} ?)?(?!로으)(?:로대|로|길|동|리|가|[시군구도읍면])[가-힣0-9]{1,12}(?: [가-힣0-9]{1,8}){0,3}"
    r"(?![가-힣0-9])"
)
_REV_WORD = re.compile(r"[가-힣]+")
HOLD = 64  # the longest tail held back
STREAM_CONTEXT = 48  # characters already shown that later findings may still start in
SETTLE = 4  # a finding ending this close to what has arrived may still change


class StreamRedactor:
    """Redacts a text that arrives in pieces: `feed` returns what is safe to show now and holds back
    only the tail that could still become (or complete) a finding, so a number split across chunks
    anywhere, even between a digit and a zero-width character, never leaves the portal. What it
    shows, joined, is what `redact` gives for the whole text, except that an address whose first
    words were shown more than STREAM_CONTEXT characters earlier keeps them (the number is masked)."""

    def __init__(self) -> None:
        self._context = ""  # the source text last released, for context words and spans
        self._masked: list[tuple[int, int]] = []  # parts of _context already shown as placeholders
        self._pending = ""
        self.kinds: list[str] = []

    def feed(self, chunk: str) -> str:
        self._pending += chunk
        return self._release(final=False)

    def flush(self) -> str:
        return self._release(final=True)

    def _release(self, *, final: bool) -> str:
        if not self._pending:
            return ""
        text = self._context + self._pending
        base = len(self._context)
        normalized = textnorm.normalize(text)
        judged = normalized.text
        cut = len(text) if final else normalized.source_offset(len(judged) - _held(judged))
        spans = []
        for start, end, kind in findings_in(judged):
            s_start, s_end = normalized.source_span(start, end)
            if s_end <= base:
                continue
            # Never show a finding in part, nor one that what comes next could still change ("강남대로
            # 3" is an address until "차로" follows).
            if not final and (s_start < cut < s_end or s_end > len(text) - SETTLE):
                cut = min(cut, s_start)
            spans.append((s_start, s_end, kind))
        cut = max(cut, base)
        parts, last = [], base
        masked = list(self._masked)
        for s_start, s_end, kind in spans:
            if s_start >= cut:
                break
            parts.append(normalized._visible(last, max(last, s_start)))
            # A finding that began in what was already shown: only its new part is replaced, and not
            # again when its first part already was.
            if not any(m_start <= s_start < m_end for m_start, m_end in masked):
                parts.append(PLACEHOLDERS[kind])
            masked.append((s_start, min(s_end, cut)))
            last = min(s_end, cut)
            if kind not in self.kinds:
                self.kinds.append(kind)
        parts.append(normalized._visible(last, cut))
        keep_from = max(0, cut - STREAM_CONTEXT)
        self._context = text[keep_from:cut]
        self._masked = [
            (m_start - keep_from, m_end - keep_from) for m_start, m_end in masked if m_end > keep_from
        ]
        self._pending = text[cut:]
        return "".join(parts)


_REGION_TAIL = re.compile(r"(?:" + "|".join(_REGION_NAMES) + r") ?$")
_FRONT_TAIL = re.compile(r"(?:앞자리|생년월일|앞\s?6\s?자리)[^0-9]{0,8}[0-9]{6}(?![0-9])")


def _held(judged: str) -> int:
    """How many characters at the end of the judged text to hold back."""
    tail = judged[-HOLD:][::-1]
    risky = _REV_RISKY_TAIL.match(tail)
    held = 0
    if risky is not None:
        span = risky.group()
        if any(c.isdigit() or c == "@" for c in span) or "]ta[" in span.lower() or ")ta(" in span.lower():
            held = risky.end()
        else:  # words only: the last two may still be an e-mail's local part and its "[at"
            words = span.lstrip(" ").split(" ")
            held = len(span) - len(span.lstrip(" ")) + len(" ".join(words[:2]))
    if held == 0:  # a word still being written may yet become a road or region name
        word = _REV_WORD.match(tail)
        held = word.end() if word else 0
    # Before that: a road, dong or district word and the words before it (an address), or a region
    # name (a licence), whose number may be what is held or what comes next.
    road = _REV_ROAD_TAIL.match(tail, held) or (_REV_ROAD_TAIL.match(tail) if held else None)
    if road is not None:
        held = road.end()
    region = _REGION_TAIL.search(judged, max(0, len(judged) - held - 4), len(judged) - held)
    if region is not None:
        held = len(judged) - region.start()
    # The first half of a registration number written in words, until its second half can no
    # longer follow.
    for front in _FRONT_TAIL.finditer(judged, max(0, len(judged) - 40)):
        if _BACK_PART.search(judged, front.end()) is None and len(judged) - front.end() < 30:
            held = max(held, len(judged) - (front.end() - 6))
            break
    return min(held, len(judged))
