"""arena/redaction.py on the labelled corpus: every case must come out exactly as labelled."""

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
