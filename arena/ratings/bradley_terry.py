"""Bradley-Terry ratings with honest confidence intervals. Pure numpy/scipy: no Django here.

Model: P(i beats j) = sigma(theta_i - theta_j). A battle's outcome is 0 = A won, 1 = B won, 2 = tie,
3 = both bad; ties (and both-bad, unless excluded) count as half a win for each side, as LMArena does.
Ratings are shown on the Elo scale: 1000 + (400 / ln 10) * theta with mean(theta) = 0, so the mean
rating is 1000 and a 400-point gap means 10:1 odds. No single model is an anchor (an anchor moves its
own uncertainty into everyone else's interval).

How it is computed (the reason it is fast):
1. Battles are aggregated into cells (unordered pair, result for the lower-numbered model) with counts;
   swapping A and B with the outcome flipped lands in the same cell, and battle order cannot matter.
2. The maximum-likelihood fit is Newton's method on the pair statistics (games n_ij and score s_ij),
   with the all-ones direction fixed by sum(theta) = 0. When a model never lost or never won (the
   "beats" graph is not strongly connected) the MLE is at infinity. Only then a weak prior keeps it
   finite: theta ~ N(0, PRIOR_SD^2) for every model (PRIOR_SD = 2 logits, about 350 points: wider
   than the spread of real models), i.e. a ridge of 1 / PRIOR_SD^2; `ridge` on the result says so.
3. Bootstrap: B multinomial resamples of the cell counts (the same as resampling battles), fitted
   together as one batched Newton problem warm-started at the full-data fit. Intervals are the
   2.5/97.5 percentiles; the displayed rating is the full-data fit. Refits carry at least a tiny
   ridge (BOOTSTRAP_RIDGE): a resample can strand a model that the data did not.
4. Honest intervals where the data say little: a model outside the largest strongly connected part
   of the "has scored against" graph (say a new model that won its first 20 battles) has an
   estimate that rests on the prior, and every resample repeats its record, so the bootstrap gives
   it a falsely tight interval. Its interval is widened to at least the posterior one (Laplace:
   MAP +- 1.96 sd from the prior-augmented information), and `prior_bound` marks it.
5. Optional: sandwich (closed-form) intervals; `weights` per battle (inverse-propensity weights from
   the stored pair probability, trust or raking weights), applied as weighted counts, with the
   sandwich's middle term summing squared weights; `style` covariates, fitted jointly on rows (they
   cannot be aggregated), with sandwich intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

SCALE = 400.0 / np.log(10.0)
BASE = 1000.0
PRIOR_SD = 2.0  # logits; the prior that keeps a never-beaten (or never-winning) model finite
RIDGE_IF_NEEDED = 1.0 / PRIOR_SD**2
BOOTSTRAP_RIDGE = 0.01
MAX_STEP = 4.0  # logits per Newton step
A_WON, B_WON, TIE, BOTH_BAD = 0, 1, 2, 3
_SCORE = np.array([1.0, 0.0, 0.5, 0.5])  # score of the model shown as A, by outcome


@dataclass(frozen=True)
class Ratings:
    rating: np.ndarray  # (n,) Elo scale, mean 1000
    ci_low: np.ndarray  # (n,) 2.5 percentile
    ci_high: np.ndarray  # (n,) 97.5 percentile
    rank: np.ndarray  # (n,) 1 + number of models with a higher rating
    rank_ub: np.ndarray  # (n,) 1 + number of models whose ci_low is above this one's ci_high
    games: np.ndarray  # (n,) battles counted for each model
    win_rate: np.ndarray  # (n, n) share of decisive battles between i and j won by i; NaN if none
    battle_count: np.ndarray  # (n, n) battles between i and j, every outcome counted
    win_share: np.ndarray  # (n,) share of a model's decisive battles it won (unweighted); NaN if none
    style_coef: np.ndarray | None = None  # (k,) logit effect per style feature, if style was given
    ridge: float = 0.0  # the ridge that was needed (0.0: the plain MLE exists)
    interval: str = "bootstrap"
    prior_bound: np.ndarray | None = None  # (n,) True where the estimate rests on the prior (step 4)


@dataclass(frozen=True)
class _Pairs:
    """The pairs present in the data (i < j) and how to collapse cell counts onto them."""

    i: np.ndarray
    j: np.ndarray
    starts: np.ndarray  # first cell of each pair (cells are sorted, three at most per pair)
    half_scores: np.ndarray  # per cell: the lower index's score (0, 0.5 or 1)
    incidence: csr_matrix  # (pairs, models): +1 at i, -1 at j
    magnitude: csr_matrix  # (pairs, models): +1 at i and at j

    def collapse(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell counts (B, cells) to games and the lower index's score per pair, each (B, pairs)."""
        games = np.add.reduceat(counts, self.starts, axis=1)
        score = np.add.reduceat(counts * self.half_scores, self.starts, axis=1)
        return games, score


def _cell_keys(a: np.ndarray, b: np.ndarray, o: np.ndarray, n_models: int) -> np.ndarray:
    """Each battle's cell: (unordered pair, result for the lower-numbered model).

    Class 0: the lower index lost, 1: half (tie or both bad), 2: the lower index won. Swapping A and
    B with the outcome flipped gives the same key.
    """
    swap = a > b
    lo, hi = np.where(swap, b, a), np.where(swap, a, b)
    cls = np.where(o >= TIE, 1, np.where((o == A_WON) ^ swap, 2, 0))
    return (lo * n_models + hi) * 3 + cls


def _pairs(keys: np.ndarray, n_models: int) -> _Pairs:
    pair_key = keys // 3
    starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]])
    unique_pairs = pair_key[starts]
    i, j = unique_pairs // n_models, unique_pairs % n_models
    rows = np.arange(len(i))
    shape = (len(i), n_models)
    incidence = csr_matrix(
        (np.r_[np.ones(len(i)), -np.ones(len(i))], (np.r_[rows, rows], np.r_[i, j])), shape
    )
    magnitude = abs(incidence)
    return _Pairs(i, j, starts, (keys % 3) / 2.0, incidence, magnitude)


def _prior_bound(
    pairs: _Pairs, games: np.ndarray, score: np.ndarray, n_models: int, per_model: np.ndarray
) -> np.ndarray:
    """Models whose estimate rests on the prior: outside the largest strongly connected component of
    the directed "has scored against" graph. The MLE is finite iff no model is (step 2)."""
    if n_models <= 1:
        return np.zeros(n_models, dtype=bool)
    i_scored = score > 0
    j_scored = score < games
    rows = np.concatenate([pairs.i[i_scored], pairs.j[j_scored]])
    cols = np.concatenate([pairs.j[i_scored], pairs.i[j_scored]])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_models, n_models))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    main = np.flatnonzero(sizes == sizes.max())
    # Of equally large parts, the one with the most games is the board's body.
    main = main[np.argmax([per_model[labels == k].sum() for k in main])]
    return (labels != main) | (per_model <= 0)


def _posterior_widen(pairs, games, theta, ridge, low, high, mask) -> tuple[np.ndarray, np.ndarray]:
    """Step 4: where `mask`, widen [low, high] to at least MAP +- 1.96 posterior sd (logit units)."""
    if not mask.any():
        return low, high
    n_models = len(theta)
    z = theta[pairs.i] - theta[pairs.j]
    p = 0.5 * (1.0 + np.tanh(0.5 * z))
    w = games * p * (1.0 - p)
    hess = np.zeros((n_models, n_models))
    np.add.at(hess, (pairs.i, pairs.j), -w)
    np.add.at(hess, (pairs.j, pairs.i), -w)
    np.add.at(hess, (pairs.i, pairs.i), w)
    np.add.at(hess, (pairs.j, pairs.j), w)
    sd = np.sqrt(np.diag(np.linalg.inv(hess + ridge * np.eye(n_models))))
    low = np.where(mask, np.minimum(low, theta - 1.96 * sd), low)
    high = np.where(mask, np.maximum(high, theta + 1.96 * sd), high)
    return low, high


def _newton(
    pairs: _Pairs,
    games: np.ndarray,
    score: np.ndarray,
    n_models: int,
    ridge: float,
    theta0: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> np.ndarray:
    """Batched Newton for BT: games/score are (B, pairs); returns theta (B, n) with sum(theta) = 0.

    The Hessian of the negative log-likelihood is a weighted graph Laplacian; adding the all-ones
    matrix makes it invertible without moving the solution, because every gradient sums to zero.
    The problem is convex, so full Newton steps from zero (or a warm start) converge.
    """
    i, j = pairs.i, pairs.j
    batch = games.shape[0]
    theta = np.zeros((batch, n_models)) if theta0 is None else np.array(theta0, dtype=float, copy=True)
    ones = np.ones((n_models, n_models))
    diag = np.arange(n_models)
    hess = np.empty((batch, n_models, n_models))
    for _ in range(max_iter):
        z = theta[:, i] - theta[:, j]
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid without overflow
        grad = (pairs.incidence.T @ (games * p - score).T).T + ridge * theta
        w = games * p * (1.0 - p)
        hess[:] = ones
        hess[:, i, j] -= w
        hess[:, j, i] -= w
        hess[:, diag, diag] += (pairs.magnitude.T @ w.T).T + ridge
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        # Damping only matters far from the optimum (a near-separable start); near it, full steps.
        largest = np.max(np.abs(step), axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, 1e-300))
        theta -= step
        theta -= theta.mean(axis=1, keepdims=True)
        if np.max(np.abs(step)) < tol:
            break
    return theta


def _sandwich_se(pairs_i, pairs_j, games, sq, theta, n_models, ridge) -> np.ndarray:
    """Standard errors from V = H^+ G H^+ (aggregated form of the per-battle sandwich).

    games: weighted games per pair; sq: per pair, the sums of n w^2, n w^2 y and n w^2 y^2 over its
    battles (n: count, w: weight, y: the lower index's score), the middle term's ingredients."""
    games_sq, score_w2, score_sq = sq
    z = theta[pairs_i] - theta[pairs_j]
    p = 1.0 / (1.0 + np.exp(-z))
    w = games * p * (1.0 - p)
    hess = np.zeros((n_models, n_models))
    np.add.at(hess, (pairs_i, pairs_j), -w)
    np.add.at(hess, (pairs_j, pairs_i), -w)
    np.add.at(hess, (pairs_i, pairs_i), w)
    np.add.at(hess, (pairs_j, pairs_j), w)
    hess += ridge * np.eye(n_models)
    # sum over battles of w^2 (y - p)^2 = sum w^2 y^2 - 2 p sum w^2 y + p^2 sum w^2
    meat_w = score_sq - 2 * p * score_w2 + games_sq * p * p
    meat = np.zeros((n_models, n_models))
    np.add.at(meat, (pairs_i, pairs_j), -meat_w)
    np.add.at(meat, (pairs_j, pairs_i), -meat_w)
    np.add.at(meat, (pairs_i, pairs_i), meat_w)
    np.add.at(meat, (pairs_j, pairs_j), meat_w)
    h_inv = np.linalg.pinv(hess)
    cov = h_inv @ meat @ h_inv
    return np.sqrt(np.clip(np.diag(cov), 0, None))


def rank_upper_bounds(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """1 + the number of models whose interval lies wholly above this one's: the best rank the
    intervals cannot rule out being beaten to (LMArena's "rank (UB)")."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return (1 + len(low) - np.searchsorted(np.sort(low), high, side="right")).astype(int)


def decisive_win_share(a, b, outcome, counts, n_models: int) -> np.ndarray:
    """Per model: wins over decisive battles (ties and both-bad left out); NaN with none."""
    a, b, o, c = (np.asarray(x) for x in (a, b, outcome, counts))
    decisive = o <= B_WON
    won_a, won_b = o == A_WON, o == B_WON
    wins = np.bincount(a[won_a], c[won_a], n_models) + np.bincount(b[won_b], c[won_b], n_models)
    played = np.bincount(a[decisive], c[decisive], n_models) + np.bincount(b[decisive], c[decisive], n_models)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(played > 0, wins / played, np.nan)


def _ranks(rating: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rank = 1 + (rating[None, :] > rating[:, None]).sum(axis=1)
    return rank.astype(int), rank_upper_bounds(low, high)


def _matrices(a, b, o, n_models, counts) -> tuple[np.ndarray, np.ndarray]:
    battle_count = np.zeros((n_models, n_models))
    np.add.at(battle_count, (a, b), counts)
    battle_count = battle_count + battle_count.T
    wins = np.zeros((n_models, n_models))
    a_won, b_won = o == A_WON, o == B_WON
    np.add.at(wins, (a[a_won], b[a_won]), counts[a_won])
    np.add.at(wins, (b[b_won], a[b_won]), counts[b_won])
    decisive = wins + wins.T
    with np.errstate(invalid="ignore", divide="ignore"):
        win_rate = np.where(decisive > 0, wins / decisive, np.nan)
    return win_rate, battle_count


def style_features(length, headers, lists, bold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised A-minus-B style differences, z-scored per feature: (x, mean, sd) for the record.

    Each argument is an (N, 2) array of counts for sides A and B: answer length in characters (a
    tokenizer-neutral unit for Korean), markdown headers, list items, bold spans.
    """
    columns = []
    for feature in (length, headers, lists, bold):
        f = np.asarray(feature, dtype=float)
        columns.append((f[:, 0] - f[:, 1]) / (f[:, 0] + f[:, 1] + 1.0))
    x = np.stack(columns, axis=1)
    mean, sd = x.mean(axis=0), x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (x - mean) / sd, mean, sd


def fit_bradley_terry(
    model_a,
    model_b,
    outcome,
    n_models: int,
    *,
    bootstrap_rounds: int = 1000,
    seed: int = 0,
    weights=None,
    style=None,
    counts=None,
    both_bad: str = "tie",
    interval: str = "bootstrap",
) -> Ratings:
    """Fit ratings for `n_models` models from battles given as parallel arrays.

    counts: how many identical battles each row stands for (rows pre-aggregated, e.g. by SQL).
    weights: a per-battle weight (inverse pair probability, raking weight), multiplied into counts.
    style: (N, k) covariates per battle (see style_features); fitted jointly, sandwich intervals.
    both_bad: "tie" (half a win each) or "exclude".
    interval: "bootstrap" (percentiles of `bootstrap_rounds` resamples) or "sandwich".
    """
    a = np.asarray(model_a, dtype=np.int64)
    b = np.asarray(model_b, dtype=np.int64)
    o = np.asarray(outcome, dtype=np.int64)
    n = np.ones(len(a)) if counts is None else np.asarray(counts, dtype=float)
    c = n if weights is None else n * np.asarray(weights, dtype=float)
    if not (len(a) == len(b) == len(o) == len(c) == len(n)):
        raise ValueError("model_a, model_b, outcome (and counts, weights) must have the same length")
    if len(a) and (a.min() < 0 or b.min() < 0 or max(a.max(), b.max()) >= n_models):
        raise ValueError("model index out of range")
    if np.any(a == b):
        raise ValueError("a model cannot battle itself")
    if np.any((o < 0) | (o > 3)):
        raise ValueError("outcome must be 0 (A), 1 (B), 2 (tie) or 3 (both bad)")
    keep = np.ones(len(a), dtype=bool) if both_bad == "tie" else o != BOTH_BAD
    a, b, o, c, n = a[keep], b[keep], o[keep], c[keep], n[keep]
    style_x = None if style is None else np.asarray(style, dtype=float)[keep]

    # Votes per model and the matrices count battles as they were cast; weights enter the fit only.
    games_per_model = np.bincount(a, weights=n, minlength=n_models) + np.bincount(
        b, weights=n, minlength=n_models
    )
    win_rate, battle_count = _matrices(a, b, o, n_models, n)
    win_share = decisive_win_share(a, b, o, n, n_models)
    battle_keys = _cell_keys(a, b, o, n_models)
    size = n_models * n_models * 3
    weighted = np.bincount(battle_keys, weights=c, minlength=size)
    keys = np.flatnonzero(weighted)
    cell_counts = weighted[keys]
    pairs = _pairs(keys, n_models)
    games, score = (x[0] for x in pairs.collapse(cell_counts[None]))
    weighted_games = np.bincount(pairs.i, games, n_models) + np.bincount(pairs.j, games, n_models)
    prior_bound = _prior_bound(pairs, games, score, n_models, weighted_games)
    ridge = RIDGE_IF_NEEDED if prior_bound.any() else 0.0
    done = {"games": games_per_model, "win_rate": win_rate, "battle_count": battle_count}
    done |= {"win_share": win_share, "ridge": ridge, "prior_bound": prior_bound}

    if style_x is not None:
        theta, gamma, se = _fit_style(a, b, o, c, style_x, n_models, ridge)
        low, high = _posterior_widen(
            pairs, games, theta, ridge, theta - 1.96 * se, theta + 1.96 * se, prior_bound
        )
        return _result(theta, low, high, interval="sandwich", gamma=gamma, **done)

    theta = _newton(pairs, games[None], score[None], n_models, ridge)[0]
    if interval == "sandwich":
        squared = np.bincount(battle_keys, weights=c * c / np.where(n > 0, n, 1), minlength=size)[keys]
        sq = (
            *(x[0] for x in pairs.collapse(squared[None])),
            np.add.reduceat(squared * pairs.half_scores**2, pairs.starts),
        )
        se = _sandwich_se(pairs.i, pairs.j, games, sq, theta, n_models, ridge)
        low, high = _posterior_widen(
            pairs, games, theta, ridge, theta - 1.96 * se, theta + 1.96 * se, prior_bound
        )
        return _result(theta, low, high, interval="sandwich", **done)

    rng = np.random.default_rng(seed)
    # Resample whole battles: a multinomial over the cells' battle counts, then each cell's mean
    # weight (exact when weights are constant within a cell, as pair-probability weights are).
    raw = np.bincount(battle_keys, weights=n, minlength=size)[keys]
    total = int(round(raw.sum()))
    thetas = np.empty((bootstrap_rounds, n_models))
    chunk = 250  # bounded memory: (chunk, models, models) Hessians at a time
    for start in range(0, bootstrap_rounds, chunk):
        size = min(chunk, bootstrap_rounds - start)
        draws = rng.multinomial(total, raw / raw.sum(), size=size) * (cell_counts / raw)
        boot_games, boot_score = pairs.collapse(draws)
        warm = np.broadcast_to(theta, (size, n_models))
        # A resample can leave a model undefeated (or a pair unplayed) even when the full data does not,
        # so refits always carry a tiny ridge; on real volumes its effect is far below 0.01 points.
        thetas[start : start + size] = _newton(
            pairs, boot_games, boot_score, n_models, max(ridge, BOOTSTRAP_RIDGE), warm
        )
    low, high = np.percentile(thetas, [2.5, 97.5], axis=0)
    low, high = _posterior_widen(pairs, games, theta, ridge, low, high, prior_bound)
    return _result(theta, low, high, interval="bootstrap", **done)


def _result(
    theta, low, high, *, games, win_rate, battle_count, win_share, ridge, interval, prior_bound, gamma=None
) -> Ratings:
    rating = BASE + SCALE * theta
    ci_low, ci_high = BASE + SCALE * np.asarray(low), BASE + SCALE * np.asarray(high)
    rank, rank_ub = _ranks(rating, ci_low, ci_high)
    return Ratings(
        rating=rating,
        ci_low=ci_low,
        ci_high=ci_high,
        rank=rank,
        rank_ub=rank_ub,
        games=np.rint(games).astype(int),
        win_rate=win_rate,
        battle_count=battle_count,
        win_share=win_share,
        style_coef=gamma,
        ridge=ridge,
        interval=interval,
        prior_bound=prior_bound,
    )


def _fit_style(a, b, o, c, x, n_models, ridge) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joint Newton fit of ratings and style coefficients on rows; sandwich SEs for the ratings.

    The design is [e_a - e_b, x]; ratings are identified by sum(theta) = 0. The style coefficients
    are not penalised, and neither are the ratings unless the plain MLE does not exist.
    """
    y = _SCORE[o]
    k = x.shape[1]
    d = n_models + k
    theta = np.zeros(d)

    def design_products(w):
        """X^T diag(w) X without building the N x d design."""
        h = np.zeros((d, d))
        pair = np.zeros((n_models, n_models))
        np.add.at(pair, (a, b), w)
        pair = pair + pair.T
        h[:n_models, :n_models] = np.diag(pair.sum(axis=1)) - pair
        xw = x * w[:, None]
        cross = np.zeros((n_models, k))
        np.add.at(cross, a, xw)
        np.add.at(cross, b, -xw)
        h[:n_models, n_models:] = cross
        h[n_models:, :n_models] = cross.T
        h[n_models:, n_models:] = x.T @ xw
        return h

    def gradient_terms(r):
        g = np.zeros(d)
        g[:n_models] = np.bincount(a, weights=r, minlength=n_models) - np.bincount(
            b, weights=r, minlength=n_models
        )
        g[n_models:] = x.T @ r
        return g

    constraint = np.zeros((d, d))
    constraint[:n_models, :n_models] = 1.0
    penalty = np.zeros(d)
    penalty[:n_models] = ridge
    # A feature that never varies (no answer used bold, say) carries no information: pin it at 0.
    penalty[n_models:][~np.any(x != 0, axis=0)] = 1.0
    for _ in range(100):
        z = theta[a] - theta[b] + x @ theta[n_models:]
        p = 1.0 / (1.0 + np.exp(-z))
        grad = gradient_terms(c * (p - y)) + penalty * theta
        hess = design_products(c * p * (1 - p)) + np.diag(penalty)
        try:
            step = np.linalg.solve(hess + constraint, grad)
        except np.linalg.LinAlgError:
            # Fewer battles than varying style features (a new arena's first vote): the Hessian is
            # singular; the least-squares step is the smallest one that fits, and stays finite.
            step = np.linalg.lstsq(hess + constraint, grad, rcond=None)[0]
        theta -= step
        theta[:n_models] -= theta[:n_models].mean()
        if np.max(np.abs(step)) < 1e-10:
            break
    z = theta[a] - theta[b] + x @ theta[n_models:]
    p = 1.0 / (1.0 + np.exp(-z))
    # Sandwich: (H + C)^-1 G (H + C)^-1. G annihilates the all-ones rating direction (every row's
    # e_a - e_b sums to zero), so adding the constraint C changes nothing but invertibility.
    # pinv: with features that move together (few battles) the matrix is singular; the pseudo-inverse
    # is the inverse whenever one exists.
    bread = np.linalg.pinv(design_products(c * p * (1 - p)) + np.diag(penalty) + constraint)
    meat = design_products(c * (y - p) ** 2)
    cov = bread @ meat @ bread
    se = np.sqrt(np.clip(np.diag(cov)[:n_models], 0, None))
    return theta[:n_models], theta[n_models:], se


def online_elo(model_a, model_b, outcome, n_models: int, *, k: float = 4.0) -> np.ndarray:
    """Sequential Elo (K=4, base 10, scale 400, start 1000), kept only for continuity with older
    boards: it depends on battle order, so it is never used to rank."""
    rating = np.full(n_models, BASE)
    for a, b, o in zip(model_a, model_b, outcome, strict=True):
        expected = 1.0 / (1.0 + 10 ** ((rating[b] - rating[a]) / 400.0))
        delta = k * (_SCORE[o] - expected)
        rating[a] += delta
        rating[b] -= delta
    return rating
