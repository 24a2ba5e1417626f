"""PII redaction accuracy on the labelled corpus (tests/arena/pii_corpus.py) and speed on long prompts.

Recall per kind = labelled values found with the right kind and exact span; precision = findings
that match a label. Targets (issue 5): recall >= 99% for registration numbers, phone numbers, card
numbers and e-mail; precision >= 98% overall; a 30,000-character prompt in under 5 ms.
"""

import time
from collections import Counter

from arena.safety.redaction import redact
from tests.arena.pii_corpus import CORPUS
from tests.arena.pii_generated import generated

GROUPS = {"rrn": "registration", "frn": "registration"}
PROSE = (
    "국민 여러분께 안내드립니다. 이번 제도 개편으로 신청 절차가 간소화되었으며, "
    "자세한 내용은 누리집에서 확인할 수 있습니다. "
)


def accuracy(name: str, corpus) -> None:
    expected, found, correct = Counter(), 0, Counter()
    for text, labels in corpus:
        wanted = Counter((kind, value) for kind, value in labels)
        got = Counter((f.kind, text[f.start : f.end]) for f in redact(text).findings)
        found += sum(got.values())
        for (kind, value), n in wanted.items():
            expected[GROUPS.get(kind, kind)] += n
            correct[GROUPS.get(kind, kind)] += min(n, got[(kind, value)])
    total_correct = sum(correct.values())
    print(f"{name}: {len(corpus)} prompts, {sum(expected.values())} labelled values, {found} findings")
    for kind in sorted(expected):
        print(
            f"  recall {kind:<15} {correct[kind]:>3}/{expected[kind]:<3} {correct[kind] / expected[kind]:7.1%}"
        )
    print(f"  precision overall     {total_correct}/{found}  {total_correct / found:7.1%}")


def speed(label: str, text: str, repeat: int = 50) -> None:
    redact(text)
    start = time.perf_counter()
    for _ in range(repeat):
        result = redact(text)
    ms = (time.perf_counter() - start) / repeat * 1000
    print(f"  {label:<46} {len(text):>6} chars  {ms:6.2f} ms  {len(result.findings):>4} findings")


def main() -> None:
    accuracy("hand-labelled corpus (tests/arena/pii_corpus.py)", CORPUS)
    accuracy("generated corpus, values never seen in tuning (tests/arena/pii_generated.py)", generated())
    pii = [text for text, labels in CORPUS if labels]
    mixed, i = "", 0
    while len(mixed) < 30_000:
        mixed += PROSE * 6 + pii[i % len(pii)] + " "
        i += 1
    dense = " ".join(text for text, _ in CORPUS)
    print("speed (mean of 50; target < 5 ms at 30,000 characters):")
    speed("prose only", (PROSE * 600)[:30_000])
    speed("prose with a personal detail every ~400 chars", mixed[:30_000])
    speed("worst case: corpus sentences back to back", (dense * 40)[:30_000])
