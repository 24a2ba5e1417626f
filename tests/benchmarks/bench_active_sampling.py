"""Active sampling against uniform pairs (issue 16, point 6): votes needed until every model's 95%
interval is within +-15 points, on simulated votes from known strengths, and how often the final
intervals hold the truth. Goal: at least 17% fewer votes with active sampling, coverage 93-97%.

Simulation: models with strengths drawn N(0, 0.5) logits, decisive votes from Bradley-Terry (no ties,
so the model is exactly right and coverage is a fair check); votes come in batches of BATCH, after each
of which the board is refitted (the sampler reads the board, as the portal's does once a minute) with
each vote weighed by P_reference(pair) / P(pair), the reference being uniform pairs, and intervals by
the sandwich (the fast closed form, which the ratings tests show agrees with the bootstrap). Two
scenarios: a fixed field of 12 models; and a field of 10 already measured models (every one within
+-15) joined by 2 new ones, counting the votes from their arrival.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from arena.battles.sampling import active_plan, draw_from_plan
from arena.ratings.bradley_terry import BASE, SCALE, fit_bradley_terry

TARGET = 15.0
BATCH = 250
GOAL_SAVING = 0.17
GOAL_COVERAGE = (0.93, 0.97)


@dataclass(frozen=True)
class Run:
    votes: int
    covered: int
    models: int


class Field:
    """Votes so far, and the board fitted on them."""

    def __init__(self, truth: np.ndarray, rng: np.random.Generator):
        self.truth = truth
        self.rng = rng
        self.a: list[np.ndarray] = []
        self.b: list[np.ndarray] = []
        self.o: list[np.ndarray] = []
        self.w: list[np.ndarray] = []

    def vote(self, probability: np.ndarray, count: int, reference: np.ndarray) -> None:
        n = len(probability)
        i, j = np.triu_indices(n, 1)
        p = probability[i, j]
        k = self.rng.choice(len(i), size=count, p=p / p.sum())
        a, b = i[k], j[k]
        won = self.rng.random(count) < 1 / (1 + np.exp(-(self.truth[a] - self.truth[b])))
        self.a.append(a)
        self.b.append(b)
        self.o.append(np.where(won, 0, 1))
        self.w.append(reference[a, b] / probability[a, b])

    def board(self, n: int):
        a, b, o, w = (np.concatenate(x) for x in (self.a, self.b, self.o, self.w))
        fit = fit_bradley_terry(a, b, o, n, weights=w, interval="sandwich")
        games = np.zeros((n, n))
        np.add.at(games, (a, b), 1)
        return fit, games + games.T


def _uniform(n: int, present: int) -> np.ndarray:
    table = np.zeros((n, n))
    table[:present, :present] = 1.0
    np.fill_diagonal(table, 0.0)
    return table / np.triu(table, 1).sum()


def _run_until_narrow(field: Field, n: int, active: bool, reference: np.ndarray) -> int:
    votes = 0
    fit, games = field.board(n) if field.a else (None, np.zeros((n, n)))
    while True:
        if active and fit is not None:
            theta = (fit.rating - BASE) / SCALE
            plan = active_plan(theta, games, (fit.ci_high - fit.ci_low) / 2, target=TARGET).probability
        else:
            plan = reference
        field.vote(plan, BATCH, reference)
        votes += BATCH
        fit, games = field.board(n)
        if np.max((fit.ci_high - fit.ci_low) / 2) <= TARGET:
            return votes


def one_run(active: bool, seed: int, *, arrivals: bool) -> Run:
    rng = np.random.default_rng(seed)
    n = 12
    truth = rng.normal(0, 0.5, n)
    field = Field(truth, rng)
    if arrivals:
        # Ten models measured to +-15 with uniform pairs, then two new ones join.
        _run_until_narrow(field, 10, False, _uniform(10, 10))
    reference = _uniform(n, n)
    votes = _run_until_narrow(field, n, active, reference)
    fit, _ = field.board(n)
    centred = BASE + SCALE * (truth - truth.mean())
    covered = int(np.sum((fit.ci_low <= centred) & (centred <= fit.ci_high)))
    return Run(votes=votes, covered=covered, models=n)


def compare(runs: int, *, arrivals: bool, seed: int = 0) -> dict:
    out = {}
    for active in (False, True):
        results = [one_run(active, seed + r, arrivals=arrivals) for r in range(runs)]
        out["active" if active else "uniform"] = {
            "votes": float(np.mean([r.votes for r in results])),
            "coverage": sum(r.covered for r in results) / sum(r.models for r in results),
        }
    out["saving"] = 1 - out["active"]["votes"] / out["uniform"]["votes"]
    return out


def met(figures: dict) -> bool:
    low, high = GOAL_COVERAGE
    return figures["saving"] >= GOAL_SAVING and low <= figures["active"]["coverage"] <= high


def main(runs: int = 40) -> None:
    print(f"target: every model within +-{TARGET:.0f} points (95%); batches of {BATCH}; {runs} runs each")
    print(
        f"{'scenario':<34} {'uniform votes':>14} {'active votes':>13} {'saving':>8} {'goal':>6} "
        f"{'coverage uniform':>17} {'coverage active':>16} {'goal':>10} {'met':>4}"
    )
    for arrivals, label in (
        (False, "12 models from the start"),
        (True, "10 measured + 2 new (from arrival)"),
    ):
        started = time.perf_counter()
        figures = compare(runs, arrivals=arrivals)
        print(
            f"{label:<34} {figures['uniform']['votes']:>14,.0f} {figures['active']['votes']:>13,.0f} "
            f"{figures['saving']:>8.1%} {'>=17%':>6} {figures['uniform']['coverage']:>17.1%} "
            f"{figures['active']['coverage']:>16.1%} {'93-97%':>10} {'yes' if met(figures) else 'NO':>4}"
            f"  ({time.perf_counter() - started:.0f} s)"
        )
    print(
        "With a fixed field the reweighted fit keeps estimating the uniform-pair ratings, so the sampler can only\n"
        "move variance between models, not remove it: the best allocation saves well under 17% there. The\n"
        "saving comes where votes are spent unevenly by need, as when new versions join a measured field."
    )
    # The draw the portal makes in active mode, timed beside the plan it reads (noisy on a shared machine).
    rng = random.Random(0)
    theta = np.random.default_rng(0).normal(0, 0.5, 12)
    games = np.full((12, 12), 500.0)
    started = time.perf_counter()
    for _ in range(200):
        plan = active_plan(theta, games, np.full(12, 20.0), target=TARGET)
    planned = (time.perf_counter() - started) / 200
    started = time.perf_counter()
    for _ in range(2000):
        draw_from_plan(plan, rng)
    drawn = (time.perf_counter() - started) / 2000
    print(
        f"plan for 12 models: {planned * 1e3:.2f} ms; one draw from it: {drawn * 1e6:.0f} us ({planned / drawn:.0f}x)"
    )


if __name__ == "__main__":
    main()
