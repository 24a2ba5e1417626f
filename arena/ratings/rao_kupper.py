"""Rao-Kupper: Bradley-Terry with an explicit tie threshold. Pure numpy: no Django here.

Bradley-Terry counts a tie as half a win each way; it has no probability of a tie at all. Rao and
Kupper (1967) give one: with strengths theta (logits) and a threshold eta >= 0,

    P(i beats j) = sigma(theta_i - theta_j - eta)
    P(j beats i) = sigma(theta_j - theta_i - eta)
    P(tie)       = 1 - P(i beats j) - P(j beats i)

(in the original notation pi_i = exp(theta_i) and the tie parameter is exp(eta)). LMArena found it
fits the win matrix better when about a third of the votes are ties (error 0.029 against 0.042) while
barely changing the order. Both-bad votes count as ties here, as they do in Bradley-Terry.

How it is computed:
1. Battles are aggregated per unordered pair into (wins of the lower index, ties, wins of the higher).
2. Newton's method on (theta, eta) with the exact Hessian, sum(theta) = 0 fixed as in
   bradley_terry.py, eta kept positive by step halving; started from the Bradley-Terry fit. When the
   Bradley-Terry MLE needs its prior (a model never beaten or never beating), the same ridge is used.
3. Intervals: B multinomial resamples of the battles, refitted together (batched Newton), 2.5/97.5
   percentiles, as for Bradley-Terry.
4. `win_matrix_error`: the mean absolute difference, over ordered pairs with decisive battles,
   between the observed share of decisive battles i won against j (the board's win-rate matrix) and
   the model's prediction of that share: sigma(theta_i - theta_j) for Bradley-Terry,
   P(i beats j) / (P(i beats j) + P(j beats i)) for Rao-Kupper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arena.ratings import bradley_terry as bt


@dataclass(frozen=True)
class RaoKupper:
    rating: np.ndarray  # (n,) Elo scale, mean 1000 (same scale as Bradley-Terry's)
    ci_low: np.ndarray
    ci_high: np.ndarray
    theta: np.ndarray  # (n,) logits, mean 0
    eta: float  # tie threshold in logits (>= 0); exp(eta) is Rao and Kupper's own parameter
    tie_share: float  # observed share of ties (both-bad included) among the battles fitted
    ridge: float


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True)
class _Table:
    i: np.ndarray  # (pairs,) lower index
    j: np.ndarray
    wins: np.ndarray  # (pairs,) wins of i
    ties: np.ndarray
    losses: np.ndarray  # wins of j


def _table(a, b, outcome, counts, n_models) -> _Table:
    a, b, o = (np.asarray(x, dtype=np.int64) for x in (a, b, outcome))
    c = np.ones(len(a)) if counts is None else np.asarray(counts, dtype=float)
    swap = a > b
    lo, hi = np.where(swap, b, a), np.where(swap, a, b)
    # 0: lower index won, 1: tie or both bad, 2: higher index won
    cls = np.where(o >= bt.TIE, 1, np.where((o == bt.A_WON) ^ swap, 0, 2))
    key = lo * n_models + hi
    pairs, inverse = np.unique(key, return_inverse=True)
    cells = np.zeros((len(pairs), 3))
    np.add.at(cells, (inverse, cls), c)
    return _Table(pairs // n_models, pairs % n_models, cells[:, 0], cells[:, 1], cells[:, 2])


def _newton(t: _Table, wins, ties, losses, n_models, ridge, theta0, eta0, max_iter=100, tol=1e-10):
    """Batched Newton: wins/ties/losses are (B, pairs); returns theta (B, n) and eta (B,)."""
    batch = wins.shape[0]
    theta = np.array(np.broadcast_to(theta0, (batch, n_models)), dtype=float)
    eta = np.array(np.broadcast_to(eta0, (batch,)), dtype=float)
    d_index = np.zeros((len(t.i), n_models))
    d_index[np.arange(len(t.i)), t.i] = 1.0
    d_index[np.arange(len(t.i)), t.j] = -1.0
    size = n_models + 1
    constraint = np.zeros((size, size))
    constraint[:n_models, :n_models] = 1.0
    for _ in range(max_iter):
        d = theta[:, t.i] - theta[:, t.j]
        p1, p2 = _sigmoid(d - eta[:, None]), _sigmoid(-d - eta[:, None])
        pt = np.clip(1.0 - p1 - p2, 1e-300, None)
        g1, g2 = p1 * (1 - p1), p2 * (1 - p2)
        h1, h2 = g1 * (1 - 2 * p1), g2 * (1 - 2 * p2)
        pt_d, pt_e = g2 - g1, g1 + g2
        pt_dd, pt_de, pt_ee = -h1 - h2, h1 - h2, -h1 - h2
        # Negative log-likelihood per pair, derivatives in (d, eta).
        grad_d = -wins * (1 - p1) + losses * (1 - p2) - ties * pt_d / pt
        grad_e = wins * (1 - p1) + losses * (1 - p2) - ties * pt_e / pt
        hdd = wins * g1 + losses * g2 - ties * (pt_dd * pt - pt_d**2) / pt**2
        hde = -wins * g1 + losses * g2 - ties * (pt_de * pt - pt_d * pt_e) / pt**2
        hee = wins * g1 + losses * g2 - ties * (pt_ee * pt - pt_e**2) / pt**2
        grad = np.empty((batch, size))
        grad[:, :n_models] = grad_d @ d_index + ridge * theta
        grad[:, n_models] = grad_e.sum(axis=1)
        hess = np.empty((batch, size, size))
        hess[:, :n_models, :n_models] = np.einsum("bp,pm,pk->bmk", hdd, d_index, d_index)
        hess[:, :n_models, :n_models] += ridge * np.eye(n_models)
        cross = hde @ d_index
        hess[:, :n_models, n_models] = cross
        hess[:, n_models, :n_models] = cross
        hess[:, n_models, n_models] = hee.sum(axis=1)
        try:
            step = np.linalg.solve(hess + constraint, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            # A table with no ties (or no decided battle) leaves eta's row empty: the board is refitted
            # after votes, so take the least-squares step instead of failing on a young arena's data.
            step = (np.linalg.pinv(hess + constraint) @ grad[..., None])[..., 0]
        largest = np.max(np.abs(step), axis=1, keepdims=True)
        step *= np.minimum(1.0, bt.MAX_STEP / np.maximum(largest, 1e-300))
        # eta must stay positive: halve the whole step where it would not.
        for _halving in range(60):
            bad = eta - step[:, n_models] <= 0
            if not bad.any():
                break
            step[bad] *= 0.5
        theta -= step[:, :n_models]
        theta -= theta.mean(axis=1, keepdims=True)
        eta -= step[:, n_models]
        if np.max(np.abs(step)) < tol:
            break
    return theta, eta


def fit_rao_kupper(
    model_a,
    model_b,
    outcome,
    n_models: int,
    *,
    counts=None,
    weights=None,
    bootstrap_rounds: int = 1000,
    seed: int = 0,
) -> RaoKupper:
    """Fit Rao-Kupper strengths and the tie threshold; intervals by bootstrap (`bootstrap_rounds` = 0
    gives the point fit alone, with the interval collapsed onto it). counts and weights as for
    bradley_terry.fit_bradley_terry: weights multiply the counts in the fit, resamples draw battles."""
    start = bt.fit_bradley_terry(
        model_a, model_b, outcome, n_models, counts=counts, weights=weights, interval="sandwich"
    )
    raw_counts = np.ones(len(np.asarray(model_a))) if counts is None else np.asarray(counts, dtype=float)
    weighted = raw_counts if weights is None else raw_counts * np.asarray(weights, dtype=float)
    t = _table(model_a, model_b, outcome, weighted, n_models)
    raw = _table(model_a, model_b, outcome, raw_counts, n_models)
    total = raw.wins.sum() + raw.ties.sum() + raw.losses.sum()
    tie_share = float(raw.ties.sum() / total) if total else 0.0
    theta0 = (start.rating - bt.BASE) / bt.SCALE
    # A tie share s between equals means 1 - 2 sigma(-eta) = s: a good start for eta.
    eta0 = max(float(np.log((1 + tie_share) / max(1 - tie_share, 1e-9))), 1e-3)
    theta, eta = _newton(t, t.wins[None], t.ties[None], t.losses[None], n_models, start.ridge, theta0, eta0)
    theta, eta = theta[0], float(eta[0])
    low, high = theta, theta
    if bootstrap_rounds:
        rng = np.random.default_rng(seed)
        # As for Bradley-Terry: resample battles, then each cell's mean weight.
        cells = np.concatenate([raw.wins, raw.ties, raw.losses])
        mean_weight = np.divide(
            np.concatenate([t.wins, t.ties, t.losses]), cells, out=np.zeros_like(cells), where=cells > 0
        )
        draws = rng.multinomial(int(round(cells.sum())), cells / cells.sum(), size=bootstrap_rounds)
        draws = draws * mean_weight
        k = len(t.i)
        boot_theta, _ = _newton(
            t,
            draws[:, :k].astype(float),
            draws[:, k : 2 * k].astype(float),
            draws[:, 2 * k :].astype(float),
            n_models,
            max(start.ridge, bt.BOOTSTRAP_RIDGE),
            theta,
            eta,
        )
        low, high = np.percentile(boot_theta, [2.5, 97.5], axis=0)
    return RaoKupper(
        rating=bt.BASE + bt.SCALE * theta,
        ci_low=bt.BASE + bt.SCALE * low,
        ci_high=bt.BASE + bt.SCALE * high,
        theta=theta,
        eta=eta,
        tie_share=tie_share,
        ridge=start.ridge,
    )


@dataclass(frozen=True)
class WinMatrixError:
    bradley_terry: float
    rao_kupper: float
    pairs: int  # ordered pairs with decisive battles that entered the mean


def win_matrix_error(win_rate, bt_theta, rk_theta, rk_eta: float) -> WinMatrixError:
    """Step 4. win_rate: (n, n) observed share of decisive battles i won against j (NaN if none);
    thetas in logits."""
    observed = np.asarray(win_rate, dtype=float)
    bt_theta, rk_theta = np.asarray(bt_theta, dtype=float), np.asarray(rk_theta, dtype=float)
    seen = ~np.isnan(observed)
    np.fill_diagonal(seen, False)
    bt_pred = _sigmoid(bt_theta[:, None] - bt_theta[None, :])
    d = rk_theta[:, None] - rk_theta[None, :]
    # P(i wins | decided) = p1 / (p1 + p2), in logs: with a large eta (ties only so far) both
    # probabilities underflow to 0 and the plain ratio is 0/0.
    log_p1 = -np.logaddexp(0.0, -(d - rk_eta))
    log_p2 = -np.logaddexp(0.0, d + rk_eta)
    rk_pred = _sigmoid(log_p1 - log_p2)
    if not seen.any():
        return WinMatrixError(float("nan"), float("nan"), 0)
    return WinMatrixError(
        bradley_terry=float(np.mean(np.abs(bt_pred - observed)[seen])),
        rao_kupper=float(np.mean(np.abs(rk_pred - observed)[seen])),
        pairs=int(seen.sum()),
    )
