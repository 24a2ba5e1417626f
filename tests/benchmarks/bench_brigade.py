"""Brigade simulation: honest voters following a known ranking plus a brigade that always votes for
one model. Prints how many brigade voters the anomaly test catches, how many honest voters it flags,
and how far the brigaded model moves with and without excluding the flagged voters.
Targets (issue 6): >= 90% of brigade voters caught with <= 1% of honest voters flagged when each
brigade voter casts 20 or more votes; after exclusion the brigaded model's rating lies inside its 95%
interval from the clean run (no brigade).

Then the network rule of issue 12, where each voter casts one or two votes and the per-voter test is
powerless: bursts of first-time voters from one network backing one model, among honest networks of
first-time voters; how many bursts of each size are caught, and how many honest networks are flagged.
"""

import numpy as np

from arena.integrity.anomaly import flagged, groups_test, voter_scores
from arena.ratings.bradley_terry import SCALE, fit_bradley_terry

N_MODELS, HONEST, BRIGADE, TARGET = 20, 4000, 60, 12


def simulate(seed: int, votes_per_brigader: int):
    rng = np.random.default_rng(seed)
    truth = np.sort(rng.normal(scale=0.6, size=N_MODELS))[::-1]  # model 0 is the strongest
    rows = []
    for voter in range(HONEST):
        for _ in range(rng.poisson(12) + 1):
            a, b = rng.choice(N_MODELS, 2, replace=False)
            p = 1 / (1 + np.exp(-(truth[a] - truth[b])))
            outcome = 2 if rng.random() < 0.1 else (0 if rng.random() < p else 1)
            rows.append((voter, a, b, outcome))
    honest = np.array(rows)
    brigade_rows = []
    for k in range(BRIGADE):
        for _ in range(votes_per_brigader):
            other = rng.choice([m for m in range(N_MODELS) if m != TARGET])
            if rng.random() < 0.5:
                brigade_rows.append((HONEST + k, TARGET, other, 0))
            else:
                brigade_rows.append((HONEST + k, other, TARGET, 1))
    return truth, honest, np.array(brigade_rows)


def fit(rows, rounds=200):
    return fit_bradley_terry(rows[:, 1], rows[:, 2], rows[:, 3], N_MODELS, bootstrap_rounds=rounds)


def main() -> None:
    print(
        f"{N_MODELS} models, {HONEST} honest voters (~13 votes each), {BRIGADE} brigade voters backing model "
        f"{TARGET} (rank {TARGET + 1} of {N_MODELS}); alpha = 0.01"
    )
    print(
        f"{'votes/brigader':>15} {'caught':>8} {'honest flagged':>15} {'clean rating [95% CI]':>26} "
        f"{'with brigade':>13} {'after exclusion':>16} {'inside clean CI':>16}"
    )
    for per in (5, 10, 20, 40):
        _, honest, brigade = simulate(seed=per, votes_per_brigader=per)
        everything = np.vstack([honest, brigade])
        clean = fit(honest)
        contaminated = fit(everything)
        theta = (contaminated.rating - 1000) / SCALE
        scores = voter_scores(
            everything[:, 0], everything[:, 1], everything[:, 2], everything[:, 3], theta, HONEST + BRIGADE
        )
        flags = flagged(scores)
        caught = flags[HONEST:].mean()
        false_positive = flags[:HONEST].mean()
        kept = everything[~flags[everything[:, 0]]]
        after = fit(kept)
        inside = clean.ci_low[TARGET] <= after.rating[TARGET] <= clean.ci_high[TARGET]
        print(
            f"{per:>15} {caught:>8.1%} {false_positive:>15.2%} "
            f"{clean.rating[TARGET]:>9.1f} [{clean.ci_low[TARGET]:.1f}, {clean.ci_high[TARGET]:.1f}] "
            f"{contaminated.rating[TARGET]:>13.1f} {after.rating[TARGET]:>16.1f} {str(inside):>16}"
        )
    networks()


def networks(seed: int = 3, honest_networks: int = 120, alpha: float = 0.01) -> None:
    rng = np.random.default_rng(seed)
    truth = np.sort(rng.normal(scale=0.6, size=N_MODELS))[::-1]
    rows, group = [], []
    for network in range(honest_networks):
        for _voter in range(rng.integers(5, 16)):  # first-time voters, one to three votes each
            for _ in range(rng.integers(1, 4)):
                a, b = rng.choice(N_MODELS, 2, replace=False)
                p = 1 / (1 + np.exp(-(truth[a] - truth[b])))
                rows.append((a, b, 2 if rng.random() < 0.1 else (0 if rng.random() < p else 1)))
                group.append(network)
    sizes = (5, 10, 20, 30)
    bursts_per_size = 10
    burst_id = honest_networks
    bursts = {}
    for size in sizes:
        for _ in range(bursts_per_size):
            bursts[burst_id] = size
            for _voter in range(size):  # one vote each, for the target when it plays
                other = rng.choice([m for m in range(N_MODELS) if m != TARGET])
                rows.append((TARGET, other, 0) if rng.random() < 0.5 else (other, TARGET, 1))
                group.append(burst_id)
            burst_id += 1
    data = np.array(rows)
    group = np.array(group)
    threshold = np.log(1 / alpha)

    ids = sorted(set(group.tolist()))
    tests = dict(
        zip(
            ids,
            groups_test(
                data[:, 0], data[:, 1], data[:, 2], [np.flatnonzero(group == g) for g in ids], N_MODELS
            ),
            strict=True,
        )
    )

    def caught(g: int) -> bool:
        return tests[g].log_evalue >= threshold

    honest_flagged = sum(caught(g) for g in range(honest_networks))
    print(
        f"network rule: {honest_networks} honest networks of 5-15 first-time voters (1-3 votes each), "
        f"{bursts_per_size} bursts per size backing model {TARGET}; alpha = {alpha}"
    )
    print(f"{'burst voters':>13} {'bursts caught':>14}")
    for size in sizes:
        hits = sum(caught(g) for g, s in bursts.items() if s == size)
        print(f"{size:>13} {hits:>7}/{bursts_per_size:<6}")
    print(
        f"honest networks flagged: {honest_flagged}/{honest_networks} ({honest_flagged / honest_networks:.1%})"
    )
