"""The one text normaliser: what every judge of text (redaction, identity masking, moderation and
crisis rules, the limits' prompt digest) reads, with a map back to the text as it came.

Pure Python, no Django. `normalize(text)` returns a `Normalized` whose `.text` is:

1. the input without invisible characters: every format character (Unicode category Cf: zero-width
   space and joiners, soft hyphen, bidi controls, BOM, the tag characters U+E0000-E007F), control
   characters other than tab and newlines, variation selectors, and the blank Hangul fillers
   (U+115F, U+1160, U+3164, U+FFA0) that render as nothing. Two are kept where they do a job: a
   zero-width joiner between two pictographs (family emoji) and one emoji presentation selector after
   a symbol;
2. every dash and hyphen variant folded to "-" (U+2010-2015, U+2212 minus, U+FE58, U+FE63, U+FF0D, ...),
   and the look-alikes ㅡ, 一 and ー when they stand between digits ("010ㅡ1234");
3. every space variant folded to " ", the ideographic full stop and the middle dots (·, ㆍ, ・) to ".";
4. Unicode NFKC: full-width forms, circled and mathematical digits and letters, ligatures and
   compatibility jamo become their plain forms ("９００１０１" -> "900101", "ｈｏｎｇ＠" -> "hong@").

`.source_span(start, end)` maps a span of `.text` back to the input; `.render(replacements)` returns
the input with invisible characters removed and the given spans (in `.text` coordinates) replaced:
what is shown, sent and stored, so the citizen's own characters survive everywhere nothing was judged.

Speed: text that is already plain (ASCII and Hangul syllables) costs one regex scan. Invisible
characters are found by two scans with cheap character classes (the Basic Multilingual Plane, and two
astral ranges checked exactly where they hit). What is left is found as runs between plain
characters; a run NFKC leaves alone costs one C call, and so does a whole stretch of full-width forms
with plain characters between them (NFKC maps it one to one) or of one-to-one folds with ASCII
between them (str.translate); only the rest is taken apart character by character. Spans of many
findings are mapped back at once (`source_spans`), without Python work per span.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Category Cf as of Unicode 14 (Python 3.11), plus the tag block as a whole; a test checks this
# list against unicodedata so a newer Python cannot silently widen the gap.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SELECTORS = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
_FILLERS = "\u115f\u1160\u3164\uffa0\u034f"
INVISIBLE = re.compile(f"[{_FORMAT}{_CONTROL}{_SELECTORS}{_FILLERS}]")
TAGS = re.compile("[\U000e0000-\U000e007f]")
_PICTOGRAPH = "\U0001f000-\U0001ffff\u2300-\u23ff\u2600-\u27bf\u2b50"
# What is removed: every invisible character except a zero-width joiner between two pictographs
# (family emoji) and a presentation selector right after one ("❤️").
_DROP_EXACT = re.compile(
    f"(?:(?![\u200d\ufe0e\ufe0f])[{_FORMAT}{_CONTROL}{_SELECTORS}{_FILLERS}]"
    f"|(?<![{_PICTOGRAPH}])\u200d|\u200d(?![{_PICTOGRAPH}])|(?<![{_PICTOGRAPH}])[\ufe0e\ufe0f])+"
)
_KEEPABLE = re.compile(f"[{_PICTOGRAPH}][\u200d\ufe0e\ufe0f]")
# Without a joiner or selector next to a pictograph every invisible character goes: found by
# patterns that start with a character set (so the engine skips ahead in C; the exact one cannot),
# the Basic Multilingual Plane apart from the rest. The engine scans a class of many astral ranges
# about seven times slower than one of BMP characters or of one or two astral ranges; the astral
# invisible characters lie in two stretches (format characters and musical controls, then the tag and
# selector blocks; a test checks it), so those are scanned for and only what is found is checked.
_INVISIBLE_PARTS = re.findall(r".-.|.", f"{_FORMAT}{_CONTROL}{_SELECTORS}{_FILLERS}")
_BMP_INVISIBLE_SET = "[" + "".join(part for part in _INVISIBLE_PARTS if ord(part[0]) < 0x10000) + "]"
# (Written "[x][x]*", not "[x]+": Python's engine only skips ahead when a pattern starts with a set.)
_DROP_BMP = re.compile(f"{_BMP_INVISIBLE_SET}{_BMP_INVISIBLE_SET}*")
_ASTRAL_INVISIBLE = re.compile(
    "[" + "".join(part for part in _INVISIBLE_PARTS if ord(part[0]) >= 0x10000) + "]"
)
_ASTRAL_NEAR = re.compile(
    "[\U000110bd-\U0001d17a\U000e0000-\U000e01ef][\U000110bd-\U0001d17a\U000e0000-\U000e01ef]*"
)


def _keeps_joiners(text: str) -> bool:
    """Has the text a joiner or a selector beside a pictograph, which removal must keep?"""
    return ("\u200d" in text or "\ufe0e" in text or "\ufe0f" in text) and _KEEPABLE.search(text) is not None


def _invisible_spans(text: str, exact: bool) -> tuple[list[tuple[int, int]], int]:
    """Spans of the characters removed, in order (two next to each other need not be one span), and
    how many of them are tag characters (all of which are removed)."""
    if exact:
        return [m.span() for m in _DROP_EXACT.finditer(text)], len(TAGS.findall(text))
    spans = [m.span() for m in _DROP_BMP.finditer(text)]
    near = [m.span() for m in _ASTRAL_NEAR.finditer(text)]
    if not near:
        return spans, 0
    spans.extend(m.span() for start, end in near for m in _ASTRAL_INVISIBLE.finditer(text, start, end))
    spans.sort()
    return spans, sum(len(TAGS.findall(text, start, end)) for start, end in near)


def _without_invisible(text: str, exact: bool) -> str:
    if exact:
        return _DROP_EXACT.sub("", text)
    text = _DROP_BMP.sub("", text)
    return _ASTRAL_INVISIBLE.sub("", text) if _ASTRAL_NEAR.search(text) else text


DASHES = (
    "\u002d\u00ad\u02d7\u058a\u05be\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2796"
    "\u2e17\u2e1a\u2e3a\u2e3b\ufe31\ufe32\ufe58\ufe63\uff0d"
)
# Dash look-alikes that are letters elsewhere (ㅡ is a vowel, 一 is "one"): folded only between digits.
_DIGIT_DASHES = "ㅡ一ー\uff70\u2500\u2f00\u1173"
_SPACES = "\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

# Characters that may compose with the one before them: combining marks, Hangul medial and final
# jamo, and the few starters that are the second half of a canonical composition (test-checked).
_COMPOSING_STARTERS = frozenset(
    "\u09be\u09d7\u0b3e\u0b56\u0b57\u0bbe\u0bd7\u0cc2\u0cd5\u0cd6\u0d3e\u0d57\u0dcf\u0ddf\u0fb5\u0fb7"
    "\u102e\U00011127\U0001133e\U00011357\U000114b0\U000114ba\U000114bd\U000115af\U00011930\u1b35"
)

# Runs of anything but plain characters (printable ASCII, tab, newlines, Hangul syllables).
_PLAIN = r"\t\n\r\x20-\x7e\uac00-\ud7a3"
# (Spaces inside a run keep a full-width sentence one run.)
_SPECIAL_RUN = re.compile(f"[^{_PLAIN}][^{_PLAIN}]*(?: +[^{_PLAIN}]+)*")


def _one_to_one_table() -> dict[int, str]:
    """Single characters NFKC (or our folds) turn into a single plain character. Applying them with
    str.translate keeps every offset where it was."""
    table: dict[int, str] = {}
    ranges = [(0x00A0, 0x0100), (0x2070, 0x20A0), (0x2460, 0x24EA), (0xFF01, 0xFFEF), (0x1D400, 0x1D800)]
    for low, high in ranges:
        for cp in range(low, high):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) == 1 and folded != chr(cp) and folded.isascii() and folded.isprintable():
                table[cp] = folded
    for dash in DASHES:
        table[ord(dash)] = "-"
    table[0x00AD] = "\u00ad"  # the soft hyphen is invisible: removed, not folded
    for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[cp] = " "
    table[0x2028] = table[0x2029] = "\n"
    # Full stops and the middle dots Korean writes between list items or digits ("010·1234").
    for cp in (0x3002, 0xFF61, 0x00B7, 0x2027, 0x2219, 0x22C5, 0x30FB, 0xFF65, 0x318D):
        table[cp] = "."
    return table


_TABLE = _one_to_one_table()


@functools.lru_cache(maxsize=4096)
def _nfkc(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


def _joins_previous(char: str) -> bool:
    cp = ord(char)
    return (
        unicodedata.combining(char) != 0
        or 0x1160 <= cp <= 0x11FF
        or 0xD7B0 <= cp <= 0xD7FF
        or char in _COMPOSING_STARTERS
    )


def _pictograph(char: str) -> bool:
    cp = ord(char)
    return 0x1F000 <= cp <= 0x1FFFF or 0x2600 <= cp <= 0x27BF or 0x2300 <= cp <= 0x23FF or cp == 0x2B50


@dataclass(frozen=True)
class Normalized:
    """The judged text and the way back, in two steps: `_edits` map the judged text to the source
    without its invisible characters (the "visible" text) wherever the two differ in length, as
    (judged start, judged end, visible start, visible end); `dropped` lists the source offsets of
    the removed characters, which maps the visible text to the source."""

    text: str
    source: str
    _edits: tuple[tuple[int, int, int, int], ...] = ()
    dropped: tuple[int, ...] = ()
    tags: int = 0  # how many of the removed characters were tag characters (U+E0000-E007F)
    visible_text: str | None = None  # the source without them (None: nothing was removed)

    @property
    def identical(self) -> bool:
        return not self._edits and not self.dropped and self.text == self.source

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [e[0] for e in self._edits]

    @functools.cached_property
    def _dropped_at(self) -> list[int]:
        """Where each removed character would have stood in the visible text."""
        return [index - j for j, index in enumerate(self.dropped)]

    def visible_offset(self, offset: int, *, end: bool = False) -> int:
        """Where `offset` of .text falls in the source without its invisible characters."""
        if not self._edits:
            return offset
        starts = self._starts
        i = (bisect.bisect_left(starts, offset) if end else bisect.bisect_right(starts, offset)) - 1
        if i < 0:
            return offset
        t_start, t_end, v_start, v_end = self._edits[i]
        if end:
            return v_end if offset <= t_end else offset - t_end + v_end
        return v_start if offset < t_end else offset - t_end + v_end

    def render_judged(self, starts: Sequence[int], ends: Sequence[int], news: Iterable[str]) -> str:
        """The source without invisible characters, each span starts[i]:ends[i] of .text (in order, not
        overlapping) replaced by news[i]: one slice of the visible text per span. Where no character
        changed length the spans are spans of the visible text already."""
        visible = self.source if self.visible_text is None else self.visible_text
        parts: list[str] = []
        last = 0
        if not self._edits:
            for start, end, new in zip(starts, ends, news, strict=True):
                parts.append(visible[last:start])
                parts.append(new)
                last = end
        else:
            for start, end, new in zip(starts, ends, news, strict=True):
                v_start = self.visible_offset(start)
                parts.append(visible[last : max(last, v_start)])
                parts.append(new)
                last = max(last, self.visible_offset(end, end=True))
        parts.append(visible[last:])
        return "".join(parts)

    def source_spans(self, starts: Sequence[int], ends: Sequence[int]) -> tuple[Sequence[int], Sequence[int]]:
        """`source_span` for many spans of .text at once (in order, not overlapping), as the starts and
        the ends. When only invisible characters were removed (the usual disguise) each offset moves
        by the removed characters before it, counted for all offsets at once."""
        if self._edits:
            spans = [self.source_span(start, end) for start, end in zip(starts, ends, strict=True)]
            return [start for start, _ in spans], [end for _, end in spans]
        if not self.dropped:
            return starts, ends
        # A start skips removed characters at its offset, an end stops before them (see source_offset);
        # a span is never empty, so its end never falls before its start.
        return _shifted(starts, self._dropped_at, bisect.bisect_left), _shifted(
            ends, self._dropped_at, bisect.bisect_right
        )

    def source_offset(self, offset: int, *, end: bool = False) -> int:
        """Where `offset` of .text falls in .source. Inside an edit a start snaps to the edit's start
        and an end to the edit's end, so a span never cuts a composed character in two; a start skips
        removed characters right after it, an end stops before removed characters right before it."""
        visible = offset
        if self._edits:
            starts = self._starts
            i = (bisect.bisect_left(starts, offset) if end else bisect.bisect_right(starts, offset)) - 1
            if i >= 0:
                t_start, t_end, v_start, v_end = self._edits[i]
                if end:
                    visible = v_end if offset <= t_end else offset - t_end + v_end
                else:
                    visible = v_start if offset < t_end else offset - t_end + v_end
        if not self.dropped:
            return visible
        at = self._dropped_at
        return visible + (bisect.bisect_left(at, visible) if end else bisect.bisect_right(at, visible))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        s_start = self.source_offset(start)
        return s_start, max(s_start, self.source_offset(end, end=True))

    def render(self, replacements: Iterable[tuple[int, int, str]] = (), upto: int | None = None) -> str:
        """The source (up to source offset `upto`) without invisible characters, each (start, end,
        new) span of .text replaced. Spans must not overlap."""
        spans = [(*self.source_span(start, end), new) for start, end, new in sorted(replacements)]
        return self.render_source(spans, upto)

    def render_source(self, spans: Iterable[tuple[int, int, str]], upto: int | None = None) -> str:
        """The same, with the spans already in source offsets (in order, not overlapping)."""
        parts: list[str] = []
        last = 0
        for s_start, s_end, new in spans:
            parts.append(self._visible(last, max(last, s_start)))
            parts.append(new)
            last = max(last, s_end)
        parts.append(self._visible(last, len(self.source) if upto is None else max(last, upto)))
        return "".join(parts)

    def _visible(self, start: int, end: int) -> str:
        if not self.dropped:
            return self.source[start:end]
        if bisect.bisect_left(self.dropped, start) == bisect.bisect_left(self.dropped, end):
            return self.source[start:end]
        return _without_invisible(self.source[start:end], self._exact)

    @functools.cached_property
    def _exact(self) -> bool:
        return _keeps_joiners(self.source)


def _shifted(offsets: Sequence[int], removed_at: list[int], first_after: Callable) -> list[int]:
    """Each of the sorted offsets plus the number of removed characters before it. A removed character
    moves every offset from the first one after it (`first_after`: bisect_left when an offset at the
    same place counts as after, bisect_right when not); one bisect per removed character, the counts
    summed up in C, costs less than one per offset: a text has far more findings than disguises."""
    steps = [0] * (len(offsets) + 1)
    for index in map(first_after, itertools.repeat(offsets), removed_at):
        steps[index] += 1
    return list(map(operator.add, offsets, itertools.accumulate(steps)))


# The dash look-alikes that, alone between plain characters, fold to one character composing with
# nothing before them (U+1173 is itself a medial vowel).
_LONE_DIGIT_DASHES = frozenset(_DIGIT_DASHES) - {"\u1173"}


def _digit_dash(text: str, index: int) -> str:
    """A dash look-alike between digits is a dash; elsewhere what NFKC makes of it."""
    if _digit_near(text, index, -1) and _digit_near(text, index, 1):
        return "-"
    return _nfkc(text[index])


def _digit_near(text: str, index: int, step: int) -> bool:
    """Is the nearest character in direction `step`, past at most one space, a digit?"""
    index += step
    if 0 <= index < len(text) and _TABLE.get(ord(text[index]), text[index]) == " ":
        index += step
    return 0 <= index < len(text) and _TABLE.get(ord(text[index]), text[index]).isdigit()


# Full-width forms (and the ideographic space) with nothing but plain characters between them. NFKC
# maps such a stretch one to one, each form to its ASCII character (what _TABLE says too) and the rest
# to itself, and nothing in it composes: one C call for a whole full-width sentence, Hangul and all.
_WIDE = "\uff01-\uff5e\u3000"
# (Written "[w](?:[pw]*[w])?", not "[w](?:[p]*[w])*": one repeat of a set runs in C without a step
# per form.)
_WIDE_STRETCH = re.compile(f"[{_WIDE}](?:[{_PLAIN}{_WIDE}]*[{_WIDE}])?")
_RUN_GOES_ON = re.compile(f" *[^{_PLAIN}]")
# Runs of characters that _TABLE folds one by one (and spaces): none composes with its neighbours,
# so str.translate gives what taking them apart would. Most disguises are such runs: a dash variant
# between digits, circled digits, a full-width number between Hangul words.
_TABLE_CHARS = "".join(re.escape(chr(cp)) for cp in sorted(_TABLE) if cp != 0x00AD)
_TABLE_RUN = re.compile(f"[ {_TABLE_CHARS}]+")
# ...and more of them after nothing but printable ASCII ("010‐1234‐5678": one translate, not two
# runs). (Characters of the Basic Multilingual Plane only: a class with astral ranges scans slowly.)
_BMP_TABLE_SET = "[" + "".join(re.escape(chr(cp)) for cp in sorted(_TABLE) if 0x00AD != cp < 0x10000) + "]"
_TABLE_STRETCH = re.compile(f"{_BMP_TABLE_SET}(?:[\x20-\x7e{_BMP_TABLE_SET[1:-1]}]*{_BMP_TABLE_SET})?")
# (With ASCII mapped to itself, so that translating a stretch never looks up in vain.)
_TABLE_AND_ASCII = {**{cp: chr(cp) for cp in range(0x20, 0x7F)}, **_TABLE}
# A run NFKC leaves alone may still hold what we fold: dashes, spaces, the ideographic full stop,
# dash look-alikes between digits.
_NEEDS_FOLD = re.compile(
    f"[{re.escape(DASHES)}{_DIGIT_DASHES}{_SPACES}\u3002\uff61\u00b7\u2027\u2219\u22c5\u30fb\uff65\u318d]"
)


def _table_stretch_end(visible: str, start: int, run_end: int) -> int:
    """Where the stretch of table runs from the table run at `start` (ending at `run_end`) ends; the
    last run's last fold stays with the rest of that run if it goes on (see _wide_stretch_end)."""
    stretch = _TABLE_STRETCH.match(visible, start)
    if stretch is None or stretch.end() <= run_end:
        return run_end
    end = stretch.end()
    if _RUN_GOES_ON.match(visible, end) is not None:
        end -= 1
    return end


def _wide_stretch_end(visible: str, start: int) -> int:
    """Where the full-width stretch at `start` ends (`start` when none starts there). Where the run
    of special characters its last form belongs to goes on past it (other characters, or spaces and
    then other characters), that form stays with the rest of its run, taken apart as before: what
    follows may compose with what is folded there (a jamo after a space, ㅡ become a medial vowel)."""
    if not ("\uff01" <= visible[start] <= "\uff5e" or visible[start] == "\u3000"):
        return start
    end = _WIDE_STRETCH.match(visible, start).end()
    if _RUN_GOES_ON.match(visible, end) is not None:
        end -= 1
    return end


def normalize(text: str) -> Normalized:
    if not text or not _SPECIAL_RUN.search(text):
        return Normalized(text, text)
    dropped: tuple[int, ...] = ()
    visible = text
    removed, tags = _invisible_spans(text, _keeps_joiners(text))
    if removed:
        dropped = tuple(i for start, end in removed for i in range(start, end))
        pieces, last = [], 0
        for start, end in removed:
            pieces.append(text[last:start])
            last = end
        pieces.append(text[last:])
        visible = "".join(pieces)
    out: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    cursor = 0  # next visible character not yet written
    length = 0  # characters written to out
    pos = 0
    while (match := _SPECIAL_RUN.search(visible, pos)) is not None:
        start, end = match.span()
        stretch_end = _wide_stretch_end(visible, start)
        if stretch_end > start:
            end = stretch_end
            plain = unicodedata.normalize("NFKC", visible[start:end])
        elif _TABLE_RUN.fullmatch(visible, start, end):
            end = _table_stretch_end(visible, start, end)
            plain = visible[start:end].translate(_TABLE_AND_ASCII)  # one to one: dashes, circled digits
        elif end - start == 1 and visible[start] in _LONE_DIGIT_DASHES:
            plain = _digit_dash(visible, start)  # "010ㅡ1234": one character for one, nothing composes
        else:
            # A mark or a medial jamo at the start of a run composes with the plain character before it.
            if start > cursor and _joins_previous(visible[start]):
                start -= 1
            run = visible[start:end]
            plain = unicodedata.normalize("NFKC", run)
            if plain != run or _NEEDS_FOLD.search(run):
                plain = ""
        if start > cursor:
            out.append(visible[cursor:start])
            length += start - cursor
        cursor = pos = end
        if plain:
            out.append(plain)
            length += len(plain)
            continue
        # Character by character: fold dashes and spaces, NFKC the rest, and compose across
        # characters where NFKC would (e + U+0301, jamo L + V).
        clusters: list[tuple[int, int, list[str]]] = []  # (visible start, visible end, pieces)
        for offset, char in enumerate(run):
            index = start + offset
            piece = (
                _digit_dash(visible, index) if char in _DIGIT_DASHES else _TABLE.get(ord(char)) or _nfkc(char)
            )
            if _joins_previous(piece[0]) and clusters:
                v_start, _v_end, pieces = clusters[-1]
                clusters[-1] = (v_start, index + 1, [*pieces, piece])
            else:
                clusters.append((index, index + 1, [piece]))
        for v_start, v_end, pieces in clusters:
            piece = unicodedata.normalize("NFC", "".join(pieces)) if len(pieces) > 1 else pieces[0]
            if len(pieces) > 1 or len(piece) != v_end - v_start:
                edits.append((length, length + len(piece), v_start, v_end))
            out.append(piece)
            length += len(piece)
    out.append(visible[cursor:])
    return Normalized("".join(out), text, tuple(edits), dropped, tags, visible if dropped else None)


def clean(text: str) -> str:
    """The text without invisible characters, nothing else changed: what a model's answer is
    relayed and stored as."""
    if not text or not _SPECIAL_RUN.search(text):
        return text
    return _without_invisible(text, _keeps_joiners(text))


def fold(text: str) -> str:
    """Just the judged text."""
    return normalize(text).text
