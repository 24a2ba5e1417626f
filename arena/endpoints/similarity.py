"""How alike two canary answers are, and the diff staff read: pure, no Django.

The measure (documented on /methodology/ and in docs/design.md):

1. Both answers are put in one normal form: Unicode NFKC, whitespace runs collapsed to one space,
   trimmed. Formatting noise (a trailing newline, full-width digits) is not drift.
2. Per prompt, the similarity is Ratcliff/Obershelp's ratio over characters (Python's
   `difflib.SequenceMatcher(autojunk=False).ratio()`): 2·M / (|a| + |b|), where M is the number of
   characters in the matching blocks. 1.0 means identical, 0.0 nothing in common. Characters rather
   than words, because Korean words carry their particles (모델이 / 모델을). The answer is compared
   with each answer the version gave to that prompt in its baseline run and the few runs judged the
   same since, and the best match counts (`best_similarity`).
3. A run's similarity is the median over its prompts. Greedy decoding on GPU servers is not bit-exact
   from run to run (batch sizes change the reduction order), so a prompt may diverge part-way while
   the others repeat, in the run or in the baseline itself; a swapped model changes every answer. The
   median ignores a minority of diverged prompts and still falls with a swap; the mean let two
   diverged prompts out of six pass for drift in the calibration, and the minimum flags any one.
4. Drifted when the run's similarity is below the threshold `ARENA_CANARY_MIN_SIMILARITY` (0.7), set
   between the lowest run-to-run similarity measured on the demo models while a tenth of their
   answers diverge part-way (0.79-0.92 over three bench runs) and the highest similarity of one demo
   model's answers to another's (0.60-0.63): tests/benchmarks/bench_canaries.py prints both.
"""

from __future__ import annotations

import difflib
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def normal_form(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def similarity(a: str, b: str) -> float:
    a, b = normal_form(a), normal_form(b)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def best_similarity(known: Sequence[str], answer: str) -> float:
    """The answer against the best matching of the version's accepted answers to the same prompt."""
    return max((similarity(k, answer) for k in known), default=0.0)


def run_similarity(pairs: Sequence[tuple[str, str]]) -> float:
    """Median similarity of (baseline, answer) pairs; 1.0 for an empty run."""
    if not pairs:
        return 1.0
    return statistics.median(similarity(a, b) for a, b in pairs)


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "same", "removed" (only in the baseline), "added" (only in the new answer)
    text: str


def word_diff(baseline: str, answer: str) -> list[DiffPart]:
    """The two answers as one sequence of kept, removed and added words, for people to read."""
    old, new = normal_form(baseline).split(" "), normal_form(answer).split(" ")
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("added", " ".join(new[j1:j2])))
    return parts
