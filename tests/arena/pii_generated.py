"""Generated labelled prompts (seeded): fresh values in varied sentences, to measure the redactor on
values it was not tuned on, two in five of them disguised. Same shape as pii_corpus.CORPUS."""

from __future__ import annotations

import datetime as dt
import random

from stdnum import luhn

TEMPLATES = [
    "제 {label}는 {value} 입니다.",
    "{value} 로 확인 부탁드려요",
    "안녕하세요. {label} {value}, 이걸로 조회가 되나요?",
    "어제 {value}을(를) 입력했는데 오류가 났어요",
    "문의: {value} (평일 9시-6시)",
]


def _rrn(rng: random.Random, foreign: bool) -> str:
    day = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 90))
    if day.year >= 2000:
        g = rng.choice("78") if foreign else rng.choice("34")
    else:
        g = rng.choice("56") if foreign else rng.choice("12")
    rest = "".join(str(rng.randrange(10)) for _ in range(6))
    sep = rng.choice(["-", "-", "", " - "])
    return f"{day:%y%m%d}{sep}{g}{rest}"


def _phone(rng: random.Random) -> str:
    n = lambda k: "".join(str(rng.randrange(10)) for _ in range(k))  # noqa: E731
    return rng.choice(
        [
            f"010-{n(4)}-{n(4)}",
            f"010{n(8)}",
            f"010 {n(4)} {n(4)}",
            f"02-{n(3)}-{n(4)}",
            f"02-{n(4)}-{n(4)}",
            f"0{rng.choice(['31', '32', '41', '51', '53', '62', '64'])}-{n(3)}-{n(4)}",
            f"070-{n(4)}-{n(4)}",
            f"1{rng.choice('568')}{n(2)}-{n(4)}",
        ]
    )


def _card(rng: random.Random) -> str:
    body = rng.choice(["4", "51", "52", "53", "54", "55"]) + "".join(
        str(rng.randrange(10)) for _ in range(13)
    )
    body = body[:15]
    number = body + luhn.calc_check_digit(body)
    style = rng.choice(["-", " ", ""])
    return style.join(number[i : i + 4] for i in range(0, 16, 4)) if style else number


def _email(rng: random.Random) -> str:
    user = rng.choice(["kim", "lee.park", "choi_99", "hong+test", "admin", "minwon2024"])
    host = rng.choice(["naver.com", "gmail.com", "korea.kr", "daum.net", "example.co.kr"])
    return f"{user}{rng.randrange(100)}@{host}"


NEGATIVES = [
    lambda r: f"{r.randrange(2000, 2030)}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d} 회의",
    lambda r: f"가격은 {r.randrange(1, 999):,}{r.randrange(100, 999)}원입니다",
    lambda r: f"제{r.randrange(1, 200)}조의{r.randrange(2, 9)} 제{r.randrange(1, 5)}항",
    lambda r: f"주문번호 {r.randrange(20200101, 20251231)}-{r.randrange(1000000, 9999999)}",
    lambda r: f"운송장 {r.randrange(1000, 9999)}-{r.randrange(1000, 9999)}-{r.randrange(1000, 9999)}",
    lambda r: f"모델 SM-{r.choice('SGFA')}{r.randrange(100, 999)}N 재고",
    lambda r: f"{r.randrange(1950, 2025)}년 {r.randrange(1, 13)}월",
    lambda r: (
        f"{r.randrange(13, 99):02d}{r.randrange(13, 99):02d}{r.randrange(32, 99):02d}-{r.randrange(1000000, 9999999)} 은 형식만 비슷"
    ),
]


FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
DASHES = ["\u2010", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d", "\ufe63"]


def disguise(rng: random.Random, value: str) -> str:
    """What an evasive citizen or model writes instead: full-width forms, another dash, or zero-width
    characters between the digits (issue 12)."""
    choice = rng.randrange(4)
    if choice == 0:
        return value.translate(FULL_WIDTH)
    if choice == 1:
        return value.replace("-", rng.choice(DASHES))
    if choice == 2:
        return "".join(c + ("\u200b" if c.isdigit() and rng.random() < 0.3 else "") for c in value).rstrip(
            "\u200b"
        )
    return value


def generated(seed: int = 7, per_kind: int = 200) -> list[tuple[str, list[tuple[str, str]]]]:
    rng = random.Random(seed)
    cases = []
    makers = {
        "rrn": (lambda: _rrn(rng, False), "주민등록번호"),
        "frn": (lambda: _rrn(rng, True), "외국인등록번호"),
        "phone": (lambda: _phone(rng), "전화번호"),
        "card": (lambda: _card(rng), "카드번호"),
        "email": (lambda: _email(rng), "메일 주소"),
    }
    for kind, (make, label) in makers.items():
        for _ in range(per_kind):
            value = make()
            if rng.random() < 0.4:
                value = disguise(rng, value)
            cases.append((rng.choice(TEMPLATES).format(label=label, value=value), [(kind, value)]))
    for _ in range(per_kind * 2):
        cases.append((rng.choice(NEGATIVES)(rng), []))
    return cases
