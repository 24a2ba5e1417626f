"""Reading an ID token's claims strictly: a table of what providers send and what the panel makes of it."""

import datetime as dt

import pytest

from core.oidc_claims import ClaimError, ClaimMap, person_from_claims, region_category

TODAY = dt.date(2026, 6, 1)
KOREAN_GATEWAY = ClaimMap(
    person="ci", birthdate=None, birthyear="birthyear", gender="gender", region="address.region"
)
OIDC = ClaimMap(person="sub", region="address.region")


@pytest.mark.parametrize(
    ("claims", "mapping", "birth", "attributes"),
    [
        (
            {"sub": "s1", "birthdate": "1990-03-04", "gender": "male"},
            OIDC,
            dt.date(1990, 3, 4),
            {"gender": "male"},
        ),
        ({"sub": "s1", "birthdate": "1990"}, OIDC, dt.date(1990, 12, 31), {}),  # year only: youngest possible
        (
            {"ci": "C" * 88, "birthyear": "1975", "gender": "F", "address": {"region": "부산광역시"}},
            KOREAN_GATEWAY,
            dt.date(1975, 12, 31),
            {"gender": "female", "region": "non_capital"},
        ),
        (
            {"sub": "s", "birthdate": "1980-01-01", "gender": "other"},
            OIDC,
            dt.date(1980, 1, 1),
            {},
        ),  # not a quota value
        (
            {"sub": "s", "birthdate": "1980-01-01", "address": {"region": "Mars"}},
            OIDC,
            dt.date(1980, 1, 1),
            {},
        ),
    ],
)
def test_claims_to_person(claims, mapping, birth, attributes):
    person = person_from_claims(claims, mapping, today=TODAY)
    assert person.birth_date == birth and person.attributes == attributes


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"birthdate": "1990-01-01"}, "missing_identifier"),
        ({"sub": "", "birthdate": "1990-01-01"}, "missing_identifier"),
        ({"sub": 42, "birthdate": "1990-01-01"}, "wrong_type"),
        ({"sub": ["a"], "birthdate": "1990-01-01"}, "wrong_type"),
        ({"sub": "x" * 513, "birthdate": "1990-01-01"}, "wrong_type"),
        ({"sub": "s"}, "missing_birth"),
        ({"sub": "s", "birthdate": "0000-05-01"}, "missing_birth"),  # OIDC's "year withheld"
        ({"sub": "s", "birthdate": 19900101}, "wrong_type"),
        ({"sub": "s", "birthdate": "1990-02-30"}, "bad_birth"),
        ({"sub": "s", "birthdate": "01/02/1990"}, "bad_birth"),
        ({"sub": "s", "birthdate": "2030-01-01"}, "bad_birth"),  # in the future
        ({"sub": "s", "birthdate": "1850-01-01"}, "bad_birth"),
        ({"sub": "s", "birthdate": "1990-01-01", "gender": 1}, "wrong_type"),
        ({"sub": "s", "birthdate": "1990-01-01", "address": {"region": ["서울"]}}, "wrong_type"),
    ],
)
def test_bad_claims_are_refused_not_coerced(claims, code):
    with pytest.raises(ClaimError) as caught:
        person_from_claims(claims, OIDC, today=TODAY)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("서울특별시", "capital"),
        ("경기도", "capital"),
        ("인천광역시", "capital"),
        ("Seoul", "capital"),
        ("제주특별자치도", "non_capital"),
        ("전북특별자치도", "non_capital"),
        ("세종", "non_capital"),
        ("Tokyo", None),
        ("", None),
    ],
)
def test_region_categories(name, category):
    assert region_category(name) == category
