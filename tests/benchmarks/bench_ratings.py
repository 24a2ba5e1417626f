"""Bradley-Terry fit speed: one million battles among 50 models, against the reference methods.

Same synthetic data (true strengths ~ N(0, 1), uniform random pairs, 20% ties) for every method:
- ours: arena.ratings.bradley_terry.fit_bradley_terry, point fit plus 1,000 bootstrap rounds (target <= 1.5 s);
- scikit-learn: the per-battle logistic regression Chatbot Arena published (one row per battle,
  ties as two half-weight rows, no penalty), point fit only;
- choix: ilsr_pairwise_dense on the aggregated comparison matrix (ties as half a win each way).
Ratios are the reference's time over ours for one point fit. Then the full recompute from the
database (load votes, fit every view, store the snapshots) for one million votes on PostgreSQL
(target <= 10 s for the overall view), in a separate process against a scratch database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
N_BATTLES = int(os.environ.get("BENCH_BATTLES_BT", "1000000"))
N_MODELS = 50
SCALE = 400 / np.log(10)


def synthetic(seed: int = 0):
    rng = np.random.default_rng(seed)
    true = rng.normal(size=N_MODELS)
    a = rng.integers(0, N_MODELS, N_BATTLES)
    b = (a + rng.integers(1, N_MODELS, N_BATTLES)) % N_MODELS
    p = 1 / (1 + np.exp(-(true[a] - true[b])))
    o = np.where(rng.random(N_BATTLES) < 0.2, 2, np.where(rng.random(N_BATTLES) < p, 0, 1))
    return true, a, b, o


def timed(fn, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def centred_elo(theta) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    return 1000 + SCALE * (theta - theta.mean())


def run_sklearn(a, b, o):
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    n = len(a)
    tie = o == 2
    rows = np.r_[np.arange(n), np.arange(n), np.arange(n, n + tie.sum()), np.arange(n, n + tie.sum())]
    cols = np.r_[a, b, a[tie], b[tie]]
    vals = np.r_[np.ones(n), -np.ones(n), np.ones(tie.sum()), -np.ones(tie.sum())]
    x = csr_matrix((vals, (rows, cols)), shape=(n + tie.sum(), N_MODELS))
    y = np.r_[np.where(tie, 1, o == 0).astype(int), np.zeros(tie.sum(), dtype=int)]
    w = np.r_[np.where(tie, 0.5, 1.0), np.full(tie.sum(), 0.5)]
    model = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-8, max_iter=1000)
    model.fit(x, y, sample_weight=w)
    return centred_elo(model.coef_[0])


def run_choix(a, b, o):
    import choix

    wins = np.zeros((N_MODELS, N_MODELS))
    np.add.at(wins, (a[o == 0], b[o == 0]), 1.0)
    np.add.at(wins, (b[o == 1], a[o == 1]), 1.0)
    np.add.at(wins, (a[o == 2], b[o == 2]), 0.5)
    np.add.at(wins, (b[o == 2], a[o == 2]), 0.5)
    return centred_elo(choix.ilsr_pairwise_dense(wins, tol=1e-10))


def main() -> None:
    from arena.ratings.bradley_terry import fit_bradley_terry

    _, a, b, o = synthetic()
    print(f"{N_BATTLES:,} battles, {N_MODELS} models, {os.cpu_count()} cores; best of 3 runs")
    t_full, full = timed(lambda: fit_bradley_terry(a, b, o, N_MODELS, bootstrap_rounds=1000))
    t_point, point = timed(
        lambda: fit_bradley_terry(a, b, o, N_MODELS, bootstrap_rounds=0, interval="sandwich")
    )
    t_sk, sk = timed(lambda: run_sklearn(a, b, o), repeat=1)
    t_choix, ch = timed(lambda: run_choix(a, b, o))
    print(f"ours: point fit + 1,000 bootstrap rounds   {t_full:8.3f} s   (target <= 1.5 s)")
    print(f"ours: point fit (+ sandwich intervals)     {t_point:8.3f} s")
    print(f"ours: per bootstrap refit                  {(t_full - t_point) / 1000 * 1000:8.3f} ms")
    for name, seconds in (
        ("scikit-learn per-battle logistic regression", t_sk),
        ("choix ilsr_pairwise_dense (aggregated)", t_choix),
    ):
        print(f"{name:<43} {seconds:7.3f} s   ratio {seconds / t_point:6.1f}x ours per point fit")
    print(
        f"agreement: max |ours - sklearn| {np.max(np.abs(full.rating - sk)):.3f} Elo points; "
        f"max |ours - choix| {np.max(np.abs(full.rating - ch)):.3f}"
    )
    print(f"median 95% half-width {np.median(full.ci_high - full.ci_low) / 2:.2f} Elo")
    _database_recompute()


def _database_recompute() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kai_bench")
    try:
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS kai_bench")
            conn.execute("CREATE DATABASE kai_bench")
    except Exception as error:  # noqa: BLE001 - report and skip, the bench is not a test
        print(f"database recompute: skipped, PostgreSQL not reachable ({type(error).__name__})")
        return
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.recompute_db", str(N_BATTLES)], cwd=ROOT, env=env, check=True
    )
