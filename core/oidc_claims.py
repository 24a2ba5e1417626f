"""What an identity provider's ID token says about a person, read strictly. No Django.

Providers name things differently (OpenID Connect's `birthdate` and `gender`; Korean 본인확인 gateways
send `ci`, `birthyear`, `F`/`M`), so each provider's settings say which claim holds what and this module
turns the claims into the few facts the panel needs: a stable per-person identifier, a birth date (to
refuse under-14s and fix the age band) and, when the provider verified them, sex and region (so the
citizen is not asked again and cannot misstate them).

Strict means: a claim that is present but of the wrong type is an error (a provider that sends a number
where a string belongs is misconfigured or forged), never coerced. A birth year without a day is read as
the last day of that year: the youngest the person can be, so the under-14 rule errs on the safe side.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_IDENTIFIER_CHARS = 512  # a CI is 88 characters; anything far longer is not an identifier
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"\d{4}")
# 시도 of the capital region (수도권); everything else in Korea is 비수도권.
_CAPITAL = ("서울", "경기", "인천", "seoul", "gyeonggi", "incheon")
_PROVINCES = (
    *_CAPITAL,
    "부산",
    "대구",
    "광주",
    "대전",
    "울산",
    "세종",
    "강원",
    "충북",
    "충청북",
    "충남",
    "충청남",
    "전북",
    "전라북",
    "전남",
    "전라남",
    "경북",
    "경상북",
    "경남",
    "경상남",
    "제주",
    "busan",
    "daegu",
    "gwangju",
    "daejeon",
    "ulsan",
    "sejong",
    "gangwon",
    "chungcheong",
    "jeolla",
    "jeonbuk",
    "gyeongsang",
    "jeju",
)
DEFAULT_GENDER_VALUES = {"female": "female", "male": "male", "F": "female", "M": "male"}


class ClaimError(Exception):
    """The ID token lacks a claim the panel needs, or carries one of the wrong type."""

    def __init__(self, code: str, claim: str) -> None:
        super().__init__(f"{code}: {claim}")
        self.code = code  # missing_identifier | missing_birth | wrong_type | bad_birth
        self.claim = claim


@dataclass(frozen=True)
class ClaimMap:
    """Which claim carries what; dotted paths reach into objects (`address.region`)."""

    person: str = "sub"
    birthdate: str | None = "birthdate"
    birthyear: str | None = None
    gender: str | None = "gender"
    region: str | None = None
    gender_values: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GENDER_VALUES))


@dataclass(frozen=True)
class PersonClaims:
    identifier: str
    birth_date: dt.date
    attributes: dict[str, str]  # verified quota answers: gender, region


_MISSING = object()


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _string(claims: Mapping[str, Any], path: str | None) -> str | None:
    if not path:
        return None
    value = claim_at(claims, path)
    if value is _MISSING or value is None:
        return None
    if not isinstance(value, str):
        raise ClaimError("wrong_type", path)
    return value.strip() or None


def birth_from_claims(claims: Mapping[str, Any], mapping: ClaimMap) -> dt.date:
    text = _string(claims, mapping.birthdate)
    if text is not None:
        if match := _DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            if year == 0:  # OpenID Connect's "0000-MM-DD": the person withheld the year
                raise ClaimError("missing_birth", mapping.birthdate or "")
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ClaimError("bad_birth", mapping.birthdate or "") from None
        if _YEAR.fullmatch(text):
            return dt.date(int(text), 12, 31)
        raise ClaimError("bad_birth", mapping.birthdate or "")
    year = _string(claims, mapping.birthyear)
    if year is not None:
        if not _YEAR.fullmatch(year):
            raise ClaimError("bad_birth", mapping.birthyear or "")
        return dt.date(int(year), 12, 31)
    raise ClaimError("missing_birth", mapping.birthdate or mapping.birthyear or "")


def region_category(name: str) -> str | None:
    """capital | non_capital for a Korean 시도 name (Korean or romanised), None when not recognised."""
    lowered = name.strip().lower()
    if lowered.startswith(_CAPITAL):
        return "capital"
    if lowered.startswith(_PROVINCES):
        return "non_capital"
    return None


def person_from_claims(claims: Mapping[str, Any], mapping: ClaimMap, *, today: dt.date) -> PersonClaims:
    raw_id = claim_at(claims, mapping.person)
    if raw_id is _MISSING or raw_id is None or raw_id == "":
        raise ClaimError("missing_identifier", mapping.person)
    if not isinstance(raw_id, str) or len(raw_id) > MAX_IDENTIFIER_CHARS or not raw_id.strip():
        raise ClaimError("wrong_type", mapping.person)
    birth = birth_from_claims(claims, mapping)
    if birth > today or birth.year < today.year - 130:
        raise ClaimError("bad_birth", mapping.birthdate or mapping.birthyear or "")
    attributes: dict[str, str] = {}
    gender = _string(claims, mapping.gender)
    if gender is not None and gender in mapping.gender_values:
        attributes["gender"] = mapping.gender_values[gender]
    region = _string(claims, mapping.region)
    if region is not None and (category := region_category(region)):
        attributes["region"] = category
    return PersonClaims(identifier=raw_id, birth_date=birth, attributes=attributes)
