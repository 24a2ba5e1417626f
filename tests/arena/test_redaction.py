"""arena/safety/redaction.py on the labelled corpus: every case must come out exactly as labelled."""

import pytest

from arena.safety.redaction import PLACEHOLDERS, redact
from tests.arena.pii_corpus import CORPUS


@pytest.mark.parametrize(("text", "expected"), CORPUS, ids=[f"{i:03d}" for i in range(len(CORPUS))])
def test_corpus_case(text, expected):
    result = redact(text)
    found = sorted((f.kind, text[f.start : f.end]) for f in result.findings)
    assert found == sorted(expected)
    for _, value in expected:
        assert value not in result.text
    for kind, _ in expected:
        assert PLACEHOLDERS[kind] in result.text


def test_findings_never_carry_the_value():
    result = redact("주민번호 900101-1234567")
    assert result.findings[0].kind == "rrn"
    assert "900101" not in repr(result.findings) and "1234567" not in repr(result.findings)
    assert result.text == "주민번호 [주민등록번호]"
    assert result.kinds == ["rrn"]


def test_text_without_pii_is_returned_unchanged():
    text = "개인정보 보호법 제24조의2에 따라 2024-05-17까지 1,500,000원을 납부"
    assert redact(text).text == text and redact(text).findings == ()


def test_empty_and_long_inputs():
    assert redact("").text == ""
    long = ("안내문입니다. " * 4000) + "연락처 010-1234-5678"
    result = redact(long)
    assert result.kinds == ["phone"] and result.text.endswith("[전화번호]")


def test_generated_values_meet_the_recall_and_precision_targets():
    from tests.arena.pii_generated import generated

    cases = generated()
    labelled = found = correct = 0
    for text, labels in cases:
        got = {(f.kind, text[f.start : f.end]) for f in redact(text).findings}
        labelled += len(labels)
        found += len(got)
        correct += sum(1 for label in labels if label in got)
    assert correct / labelled >= 0.99
    assert correct / found >= 0.98


def test_redacted_text_keeps_the_citizens_characters_and_drops_invisible_ones():
    text = "제 번호는 ０１０\u200b－１２３４－５６７８ 이고 ＨＯＮＧ 입니다\U000e0041"
    result = redact(text)
    assert result.text == "제 번호는 [전화번호] 이고 ＨＯＮＧ 입니다"
    (finding,) = result.findings
    assert text[finding.start : finding.end] == "０１０\u200b－１２３４－５６７８"


def test_checksums_agree_with_python_stdnum():
    import datetime as dt
    import random

    from stdnum import ean, luhn
    from stdnum.exceptions import ValidationError
    from stdnum.kr import brn, rrn

    from arena.safety import redaction

    rng = random.Random(11)
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(13, 20)))
        assert redaction.luhn_valid(digits) == luhn.is_valid(digits)
        assert redaction.ean13_valid(digits[:13]) == ean.is_valid(digits[:13])
        ten = digits[:10]
        d = [int(c) for c in ten]
        nts = (
            sum(x * k for x, k in zip(d[:8], (1, 3, 7, 1, 3, 7, 1, 3), strict=True))
            + d[8] * 5
            + d[8] * 5 // 10
        )
        assert redaction.brn_valid(ten) == (brn.is_valid(ten) and (10 - nts % 10) % 10 == d[9])
    day = dt.date(1900, 1, 1)
    for _ in range(3000):
        day += dt.timedelta(days=rng.randrange(1, 60))
        for century_digit in "1234567890":
            number = f"{day:%y%m%d}{century_digit}{rng.randrange(10**5, 10**6)}"
            try:
                rrn.get_birth_date(number)
                valid = True
            except ValidationError:
                valid = False
            assert (redaction.registration_kind(number) is not None) == valid, number
    assert redaction.registration_kind("9913321234567") is None
    assert redaction.registration_kind("0002293123456") == "rrn"  # 29 February 2000
    assert redaction.registration_kind("0102293123456") is None


def _chunks(rng, text, most=10):
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randrange(1, most))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@pytest.mark.parametrize("seed", range(4))
def test_a_streamed_answer_is_redacted_as_the_whole_text_would_be(seed):
    import random

    from arena.safety.redaction import StreamRedactor
    from tests.arena.pii_generated import generated

    rng = random.Random(seed)
    for text, labels in CORPUS + generated()[::9]:
        chunks = _chunks(rng, text)
        stream = StreamRedactor()
        shown = [stream.feed(chunk) for chunk in chunks] + [stream.flush()]
        joined = "".join(shown)
        for _, value in labels:
            assert value not in joined, (chunks, shown)
        if any(kind == "address" for kind, _ in labels):
            # The first words of an address may be shown before its number arrives; the number never.
            assert joined.count("[주소]") >= 1 and redact(joined).findings == (), (chunks, shown)
        else:
            assert joined == redact(text).text, (chunks, shown)


def test_a_number_split_across_chunks_is_held_back_until_it_is_complete():
    from arena.safety.redaction import StreamRedactor

    stream = StreamRedactor()
    shown = [stream.feed(c) for c in ["제 주민번호는 9001", "01\u200b-12", "34567", " 입니다. 다음"]] + [
        stream.flush()
    ]
    assert shown[0] == "제 주민번호는" and shown[1] == "" and shown[2] == ""
    assert "".join(shown) == "제 주민번호는 [주민등록번호] 입니다. 다음"
    assert stream.kinds == ["rrn"]
    # Ordinary prose is not held back beyond the word being written.
    prose = StreamRedactor()
    assert prose.feed("전입신고는 주민센터에서 ") == "전입신고는 주민센터에서 "
