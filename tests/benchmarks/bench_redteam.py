"""Rigging red team (issue 16, points 4 and 5): a synthetic log of 200,000 honest votes among 14
models, with target-only, omnipresent and sybil rigging at 0.5%, 1% and 2% of the votes and 10%
random votes, replayed through the portal's defences (arena/integrity/redteam.py, the same run as
`manage.py redteam`). Goals at 1%: >= 90% of rigging accounts caught, <= 1% of honest voters flagged,
the target's rank unchanged after the defences; noise moves no model more than one place.
"""

import time

from arena.integrity import redteam


def main(votes: int = 200_000, seed: int = 0) -> None:
    started = time.perf_counter()
    report = redteam.replay(votes, seed=seed)
    for line in redteam.table_lines(report):
        print(line)
    print(f"({time.perf_counter() - started:.0f} s on this machine, noisy when shared)")


if __name__ == "__main__":
    main()
