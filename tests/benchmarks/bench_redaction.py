"""PII redaction accuracy and speed, and what the identity masker costs per streamed token.

Recall per kind = labelled values found with the right kind and exact span; precision = findings
that match a label. Three corpora, reported apart: the hand-labelled one the redactor was tuned on
(tests/arena/pii_corpus.py), seeded generated values (two in five disguised), and the held-out
corpus (tests/arena/pii_heldout.py), written before the rework of issue 12 and never tuned on.
Targets: recall >= 99% for registration numbers, phone numbers, cards and e-mail; precision >= 98%;
30,000 characters of back-to-back personal details in at most 5 ms. The ratio printed beside each
speed is to Python's own `re` scanning the same text once for digit runs (the floor any
regex-based redactor pays), measured in the same run.
"""

import re
import statistics
import time
from collections import Counter

from arena.battles.identity import KNOWN_ALIASES, LeakMasker
from arena.safety.redaction import StreamRedactor, redact
from tests.arena.pii_corpus import CORPUS
from tests.arena.pii_generated import generated
from tests.arena.pii_heldout import HELD_OUT

GROUPS = {"rrn": "registration", "frn": "registration"}
PROSE = (
    "국민 여러분께 안내드립니다. 이번 제도 개편으로 신청 절차가 간소화되었으며, "
    "자세한 내용은 누리집에서 확인할 수 있습니다. "
)
ANSWER = (
    "전입신고는 새로 이사한 곳의 주민센터에서 할 수 있고, 정부24 누리집에서도 신청할 수 있습니다. "
    "신분증을 챙기시고, 세대주가 아닌 경우에는 세대주의 확인이 필요합니다. "
)


def accuracy(name: str, corpus) -> None:
    expected, found, correct = Counter(), 0, Counter()
    misses = []
    for text, labels in corpus:
        wanted = Counter((kind, value) for kind, value in labels)
        got = Counter((f.kind, text[f.start : f.end]) for f in redact(text).findings)
        found += sum(got.values())
        for (kind, value), n in wanted.items():
            expected[GROUPS.get(kind, kind)] += n
            correct[GROUPS.get(kind, kind)] += min(n, got[(kind, value)])
            if got[(kind, value)] < n:
                misses.append(kind)
    kept = sum(1 for _, labels in corpus if not labels)
    kept_clean = sum(1 for text, labels in corpus if not labels and not redact(text).findings)
    total_correct = sum(correct.values())
    print(f"{name}: {len(corpus)} prompts, {sum(expected.values())} labelled values, {found} findings")
    for kind in sorted(expected):
        print(
            f"  recall {kind:<15} {correct[kind]:>3}/{expected[kind]:<3} {correct[kind] / expected[kind]:7.1%}"
        )
    print(f"  precision overall     {total_correct}/{found}  {total_correct / max(found, 1):7.1%}")
    if kept:
        print(f"  look-alikes kept      {kept_clean}/{kept}  {kept_clean / kept:7.1%}")


def timed(function, repeat: int) -> tuple[float, float]:
    """(median, best) milliseconds: the machine may be shared, the best run is the code's cost."""
    function()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


_DIGITS = re.compile(r"[0-9]+")


def speed(label: str, text: str, repeat: int = 50) -> None:
    median, best = timed(lambda: redact(text), repeat)
    floor, floor_best = timed(lambda: _DIGITS.findall(text), repeat)
    findings = len(redact(text).findings)
    print(
        f"  {label:<44} {len(text):>6} chars  median {median:6.2f} ms  best {best:6.2f} ms"
        f"  {findings:>4} findings  ({best / max(floor_best, 1e-6):4.1f}x one digit scan)"
    )


def per_token(label: str, make, tokens: list[str], repeat: int = 5) -> None:
    def run():
        stream = make()
        for token in tokens:
            stream.feed(token)
        stream.flush()

    median, best = timed(run, repeat)
    print(f"  {label:<44} {len(tokens):>6} tokens median {median * 1000 / len(tokens):6.1f} µs/token")


def main() -> None:
    accuracy("hand-labelled corpus, tuned on (tests/arena/pii_corpus.py)", CORPUS)
    accuracy("generated corpus, values never seen in tuning (tests/arena/pii_generated.py)", generated())
    accuracy("HELD-OUT corpus, never tuned on (tests/arena/pii_heldout.py)", HELD_OUT)
    pii = [text for text, labels in CORPUS if labels]
    mixed, i = "", 0
    while len(mixed) < 30_000:
        mixed += PROSE * 6 + pii[i % len(pii)] + " "
        i += 1
    dense = " ".join(text for text, _ in CORPUS)
    values_only = " ".join(value for _, labels in CORPUS for _, value in labels)
    print("speed (target <= 5 ms at 30,000 characters):")
    speed("prose only", (PROSE * 600)[:30_000])
    speed("prose with a personal detail every ~400 chars", mixed[:30_000])
    speed("worst case: corpus sentences back to back", (dense * 40)[:30_000])
    speed("worst case: labelled values back to back", (values_only * 40)[:30_000])
    speed(
        "full-width, every character",
        (dense * 40)[:30_000].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
    )
    print("streaming (an answer of ~1,000 tokens, 2 characters a token):")
    answer = (ANSWER * 20)[:2000]
    tokens = [answer[i : i + 2] for i in range(0, len(answer), 2)]
    per_token("identity masker (LeakMasker)", lambda: LeakMasker(KNOWN_ALIASES), tokens)
    per_token("redactor (StreamRedactor)", StreamRedactor, tokens)
    with_numbers = (" ".join(text for text, _ in CORPUS) * 2)[:2000]
    per_token(
        "redactor, corpus sentences as the answer",
        StreamRedactor,
        [with_numbers[i : i + 2] for i in range(0, len(with_numbers), 2)],
    )
