"""arena/safety/textnorm.py: the judged text, checked against plain NFKC, and the way back to the source."""

import random
import unicodedata

import pytest

from arena.safety import textnorm


def test_every_format_character_of_this_python_is_removed():
    missing = [
        f"U+{cp:04X}"
        for cp in range(0x110000)
        if unicodedata.category(chr(cp)) == "Cf" and not textnorm.INVISIBLE.match(chr(cp))
    ]
    assert missing == []


def test_every_astral_invisible_character_is_where_the_cheap_scan_looks():
    astral_invisible = [cp for cp in range(0x10000, 0x110000) if textnorm.INVISIBLE.match(chr(cp))]
    assert astral_invisible
    assert [f"U+{cp:04X}" for cp in astral_invisible if not textnorm._ASTRAL_NEAR.match(chr(cp))] == []
    # ...and removing them still works through it, beside emoji it does not look at.
    assert textnorm.clean("a\U000e0041b\U0001d173c\U0001f600") == "abc\U0001f600"
    assert textnorm.normalize("1\U000110bd2\U000e0101\U0001f600").text == "12\U0001f600"


def test_the_composing_starters_are_all_there_are():
    found = set()
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2 and unicodedata.combining(chr(int(parts[1], 16))) == 0:
                found.add(chr(int(parts[1], 16)))
    assert found == set(textnorm._COMPOSING_STARTERS)


@pytest.mark.parametrize(
    ("source", "judged"),
    [
        ("９００１０１－１２３４５６７", "900101-1234567"),
        ("hong＠example.com", "hong@example.com"),
        ("팀\u200b해커스", "팀해커스"),
        ("EXA\u200bONE", "EXAONE"),
        ("Ｈ Ｘ－１", "H X-1"),
        ("010\u20141234\u20105678", "010-1234-5678"),
        ("010\u22121234\ufe635678", "010-1234-5678"),
        ("010ㅡ1234ㅡ5678", "010-1234-5678"),
        ("010 ㅡ 1234", "010 - 1234"),
        ("ㅡㅡ 이건 글자", "ᅳᅳ 이건 글자"),  # ㅡ between letters stays a vowel (NFKC's conjoining form)
        ("자\u200b살하고\u2060 싶어", "자살하고 싶어"),
        ("watermark\U000e0041\U000e0042\U000e007f", "watermark"),
        ("\u202eevil\u202c", "evil"),
        ("ㅤ빈칸\u3164", "빈칸"),
        ("가\u3000나\u00a0다", "가 나 다"),
        ("𝟎𝟏𝟎-①②③", "010-123"),
        ("ᄒ\u1161\u11ab", "한"),  # conjoining jamo compose
        ("e\u200b\u0301", "é"),  # a removed character between a letter and its accent
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # joiners inside an emoji are kept
        ("a\u200db", "ab"),
        ("1…2", "1...2"),
    ],
)
def test_judged_text(source, judged):
    assert textnorm.normalize(source).text == judged


def _reference(text: str) -> str:
    """Plain NFKC over the text with invisibles removed and the folds applied, character by
    character with the same context rules: slow, obvious, and what normalize() must equal."""
    kept = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if textnorm.INVISIBLE.match(char):
            if (
                (
                    char == "\u200d"
                    and before
                    and after
                    and textnorm._pictograph(before)
                    and textnorm._pictograph(after)
                )
                or char in "\ufe0e\ufe0f"
                and before
                and textnorm._pictograph(before)
            ):
                kept.append(char)
            continue
        kept.append(char)
    joined = "".join(kept)
    folded = []
    for i, char in enumerate(joined):
        if (
            char in textnorm.DASHES
            and char != "\u00ad"
            or char in textnorm._DIGIT_DASHES
            and _digit_beside(text, joined, i)
        ):
            folded.append("-")
        else:
            folded.append(textnorm._TABLE.get(ord(char), char))
    return unicodedata.normalize("NFKC", "".join(folded))


def _digit_beside(original: str, joined: str, i: int) -> bool:
    def plain(j):
        return textnorm._TABLE.get(ord(joined[j]), joined[j])

    def near(step):
        j = i + step
        if 0 <= j < len(joined) and plain(j) == " ":
            j += step
        return 0 <= j < len(joined) and plain(j).isdigit()

    return near(-1) and near(1)


ALPHABET = (
    list("aeZ09 -.@가나한")
    + ["０", "１", "－", "＠", "ㅡ", "一", "\u2014", "\u2212", "\u200b", "\u200d", "\u2060"]
    + ["\U000e0041", "\U000e007f", "\u0301", "\u0308", "ᄒ", "\u1161", "\u11ab", "ㄱ", "ㅏ", "㈜", "…", "👨"]
    + ["\ufe0f", "\u3164", "\u202e", "\u00ad", "①", "𝟎", "ﬁ", "\u3000"]
)


# Folded or kept by their neighbours, which a cut-out span may have lost.
LOOKALIKE_DASHES = str.maketrans(dict.fromkeys("ㅡ\u1173一ー", "-") | dict.fromkeys("\u200d\ufe0e\ufe0f"))


@pytest.mark.parametrize("seed", range(30))
def test_random_text_matches_the_reference_and_maps_back(seed):
    rng = random.Random(seed)
    for _ in range(200):
        source = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 24)))
        result = textnorm.normalize(source)
        assert result.text == _reference(source), repr(source)
        # Nothing replaced: the source minus the removed characters.
        assert result.render() == "".join(c for i, c in enumerate(source) if i not in result.dropped)
        # Any span of the judged text maps to a source span whose normalisation contains it.
        for _ in range(5):
            start = rng.randrange(0, len(result.text) + 1)
            end = rng.randrange(start, len(result.text) + 1)
            s_start, s_end = result.source_span(start, end)
            assert 0 <= s_start <= s_end <= len(source)
            piece = result.text[start:end].translate(LOOKALIKE_DASHES)
            assert piece in textnorm.normalize(source[s_start:s_end]).text.translate(LOOKALIKE_DASHES)


def test_render_replaces_judged_spans_in_the_original_characters():
    source = "번호 ０１０\u200b－１２３４－５６７８ 이고 이름은 ＨＯＮＧ"
    result = textnorm.normalize(source)
    start = result.text.index("010")
    end = result.text.index("5678") + 4
    assert result.render([(start, end, "[전화번호]")]) == "번호 [전화번호] 이고 이름은 ＨＯＮＧ"


def test_plain_text_is_returned_as_it_is():
    text = "전입신고는 주민센터에서 합니다. Plain ASCII too."
    result = textnorm.normalize(text)
    assert result.identical and result.text is text and result.render() is not None


def test_clean_only_removes_invisible_characters():
    assert textnorm.clean("엑\u200b사원 ９\U000e0041") == "엑사원 ９"
    assert textnorm.normalize("a\U000e0041\U000e0042b\u200b").tags == 2
