"""Red team: replay a realistic vote log with riggers and careless voters, through the portal's own
defences (defences.py), and measure what it would take to fake the board. Pure numpy.

The log (one seed gives one log, figures reproducible):
- N_MODELS models with strengths evenly spread over 1.1 logits (about 190 points; neighbours about
  15 points apart, as close as the leading teams' models are), ties and both-bad votes from a Rao-Kupper threshold (about a quarter of votes);
- PANEL_MEMBERS verified panel members (about 20 votes each) and open-public voters of varied
  activity (log-normal: most vote once or twice, a few hundred times), each with a taste of their
  own (their strengths differ from everyone's by N(0, TASTE_SD) per model), over DAYS days;
- networks: public voters share SHARED_NETWORKS carrier and office networks (30% of them, a few very
  large) or have one of their own; pairs are drawn uniformly.

The attacks (Min et al., ICML 2025), with ACCURACY the share of answers the rigger's style classifier
recognises correctly:
- target_only: accounts of 40-120 votes each, spread over days like a regular voter's, that vote
  only in battles with the target (others are abandoned unvoted) and vote for what they recognise as
  the target;
- omnipresent: the same accounts vote in every battle: for the target when it plays, otherwise
  against whichever of the two is rated closer to the target (pulling down those just above it and
  holding down those just below), reading the public board's ratings;
- sybil: fresh accounts of 1-3 votes each, target-only, from SYBIL_NETWORKS networks within a
  SYBIL_DAYS-day campaign.
A rig share p means rigged votes / all votes = p.

What is measured per attack and share: the target's rank without the attack, with it, and with it
after the defences; the share of rigging accounts the defences flag; the share of honest voters
they flag; and, per attack, the least number of rigged votes that moves the second model to first,
with and without defences (binary search over a fixed attack stream, up to FLIP_LIMIT of the log).
Noise: NOISE_SHARE of votes from honest-looking accounts that vote at random; the largest rank move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from arena.integrity import anomaly, defences, trust
from arena.ratings import bradley_terry as bt

N_MODELS = 14
SPREAD = 1.1
TIE_ETA = 0.55
BOTH_BAD_OF_TIES = 0.2
TASTE_SD = 0.25
DAYS = 60
PANEL_MEMBERS = 500
PANEL_VOTES = 20
SHARED_NETWORKS = 200
ACCURACY = 0.95
SYBIL_NETWORKS = 10
SYBIL_DAYS = 7
TARGET = 5  # index of the model ranked 6th: five to overtake
FLIP_TARGET = 1  # the model ranked 2nd
BURST_MIN_VOTERS = 5  # settings.ARENA_BURST_MIN_VOTERS
FLIP_LIMIT = 0.10
NOISE_SHARE = 0.10
ATTACKS = ("target_only", "omnipresent", "sybil")
SHARES = (0.005, 0.01, 0.02)
GOALS = {"caught": 0.90, "honest_flagged": 0.01, "rank_change_with_defences": 0, "noise_move": 1}


@dataclass(frozen=True)
class Log:
    """Votes as arrays; voters are numbered 0..n_voters-1."""

    voter: np.ndarray
    a: np.ndarray
    b: np.ndarray
    outcome: np.ndarray
    day: np.ndarray
    network: np.ndarray  # per vote; -1: a network of the voter's own (never grouped)
    panel: np.ndarray  # per voter
    kind: np.ndarray  # per voter: 0 honest, 1 rigger, 2 random voter
    n_voters: int

    def __add__(self, other: Log) -> Log:
        shift = self.n_voters
        return Log(
            np.r_[self.voter, other.voter + shift],
            np.r_[self.a, other.a],
            np.r_[self.b, other.b],
            np.r_[self.outcome, other.outcome],
            np.r_[self.day, other.day],
            np.r_[self.network, other.network],
            np.r_[self.panel, other.panel],
            np.r_[self.kind, other.kind],
            self.n_voters + other.n_voters,
        )

    def head(self, votes: int) -> Log:
        """The first `votes` votes (an attack stream is generated once and cut to size)."""
        used = self.voter[:votes]
        keep = np.unique(used)
        renumber = np.full(self.n_voters, -1)
        renumber[keep] = np.arange(len(keep))
        return Log(
            renumber[used],
            self.a[:votes],
            self.b[:votes],
            self.outcome[:votes],
            self.day[:votes],
            self.network[:votes],
            self.panel[keep],
            self.kind[keep],
            len(keep),
        )


def strengths(n_models: int = N_MODELS) -> np.ndarray:
    """True strengths in logits, strongest first."""
    return np.linspace(SPREAD / 2, -SPREAD / 2, n_models)


def _outcomes(rng, d: np.ndarray) -> np.ndarray:
    """Rao-Kupper outcomes for strength differences d (A minus B)."""
    p_a = 1 / (1 + np.exp(-(d - TIE_ETA)))
    p_b = 1 / (1 + np.exp(-(-d - TIE_ETA)))
    u = rng.random(len(d))
    tie = np.where(rng.random(len(d)) < BOTH_BAD_OF_TIES, bt.BOTH_BAD, bt.TIE)
    return np.where(u < p_a, bt.A_WON, np.where(u < p_a + p_b, bt.B_WON, tie))


def _pairs(rng, n: int, n_models: int) -> tuple[np.ndarray, np.ndarray]:
    a = rng.integers(0, n_models, n)
    return a, (a + rng.integers(1, n_models, n)) % n_models


def _activity(rng, total: int, *, mean_log: float = 0.3, sd_log: float = 1.3, cap: int = 400) -> np.ndarray:
    """Votes per voter until `total` is reached: log-normal, most cast one or two."""
    counts = []
    left = total
    while left > 0:
        batch = np.clip(np.rint(rng.lognormal(mean_log, sd_log, 4096)), 1, cap).astype(int)
        cum = np.cumsum(batch)
        take = int(np.searchsorted(cum, left)) + 1
        batch = batch[:take]
        batch[-1] -= max(0, int(batch.sum()) - left)
        counts.append(batch[batch > 0])
        left -= int(batch.sum())
    return np.concatenate(counts)


def _days(rng, per_voter: np.ndarray, *, first_max: int = DAYS, first_min: int = 0, spread: float = 4.0):
    """A first day per voter and a day per vote (later votes drift over the following days)."""
    first = rng.integers(first_min, max(first_max, first_min + 1), len(per_voter))
    voter = np.repeat(np.arange(len(per_voter)), per_voter)
    later = np.floor(rng.exponential(spread, len(voter))).astype(int)
    later[np.r_[0, np.cumsum(per_voter)[:-1]]] = 0  # each voter's first vote is on their first day
    return voter, np.minimum(first[voter] + later, DAYS - 1)


def honest_log(votes: int, rng: np.random.Generator, n_models: int = N_MODELS) -> Log:
    truth = strengths(n_models)
    panel_votes = min(votes // 20, PANEL_MEMBERS * PANEL_VOTES)
    panel_counts = np.full(PANEL_MEMBERS, PANEL_VOTES)
    panel_counts = panel_counts[: max(1, panel_votes // PANEL_VOTES)] if panel_votes else panel_counts[:0]
    public_counts = _activity(rng, votes - int(panel_counts.sum()))
    per_voter = np.r_[panel_counts, public_counts]
    n_voters = len(per_voter)
    voter, day = _days(rng, per_voter)
    a, b = _pairs(rng, len(voter), n_models)
    taste = rng.normal(0, TASTE_SD, (n_voters, n_models))
    d = truth[a] - truth[b] + taste[voter, a] - taste[voter, b]
    panel = np.arange(n_voters) < len(panel_counts)
    # Networks: 30% of public voters on shared networks (Zipf-like sizes), the rest on their own.
    shared = (rng.random(n_voters) < 0.3) & ~panel
    weights = 1 / np.arange(1, SHARED_NETWORKS + 1)
    net_of_voter = np.where(shared, rng.choice(SHARED_NETWORKS, n_voters, p=weights / weights.sum()), -1)
    return Log(
        voter,
        a,
        b,
        _outcomes(rng, d),
        day,
        net_of_voter[voter],
        panel,
        np.zeros(n_voters, dtype=int),
        n_voters,
    )


def _recognised(rng, truly: np.ndarray) -> np.ndarray:
    """What the rigger's classifier says: right with probability ACCURACY."""
    return np.where(rng.random(len(truly)) < ACCURACY, truly, ~truly)


def attack_log(
    attack: str, votes: int, rng: np.random.Generator, *, target: int, board: np.ndarray, n_models: int
) -> Log:
    """`votes` rigged votes. board: the public ratings (logits) the omnipresent rigger reads."""
    if attack not in ATTACKS:
        raise ValueError(f"unknown attack: {attack}")
    if attack == "sybil":
        per_voter = rng.integers(1, 4, votes)
        per_voter = per_voter[: int(np.searchsorted(np.cumsum(per_voter), votes)) + 1]
        per_voter[-1] -= int(per_voter.sum()) - votes
        per_voter = per_voter[per_voter > 0]
        start = int(rng.integers(0, DAYS - SYBIL_DAYS))
        voter, day = _days(rng, per_voter, first_min=start, first_max=start + SYBIL_DAYS, spread=0.0)
        network = rng.integers(0, SYBIL_NETWORKS, len(per_voter))[voter] + SHARED_NETWORKS
    else:
        per_voter = rng.integers(40, 121, votes // 40 + 1)
        per_voter = per_voter[: int(np.searchsorted(np.cumsum(per_voter), votes)) + 1]
        per_voter[-1] -= int(per_voter.sum()) - votes
        if len(per_voter) > 1 and per_voter[-1] < 40:  # no stub account: the rest joins the one before
            per_voter = np.r_[per_voter[:-2], per_voter[-2] + per_voter[-1]]
        per_voter = per_voter[per_voter > 0]
        voter, day = _days(rng, per_voter, spread=6.0)
        network = np.full(len(voter), -1)
    n = len(voter)
    if attack == "omnipresent":
        a, b = _pairs(rng, n, n_models)
    else:  # only battles with the target get a vote
        other = (target + rng.integers(1, n_models, n)) % n_models
        target_is_a = rng.random(n) < 0.5
        a, b = np.where(target_is_a, target, other), np.where(target_is_a, other, target)
    with_target = (a == target) | (b == target)
    # For the target: vote for the side recognised as the target.
    target_side_a = _recognised(rng, a == target)
    choice_target = np.where(target_side_a, bt.A_WON, bt.B_WON)
    # Without it (omnipresent): against whichever is rated closer to the target.
    closer_a = np.abs(board[a] - board[target]) < np.abs(board[b] - board[target])
    choice_other = np.where(_recognised(rng, closer_a), bt.B_WON, bt.A_WON)
    outcome = np.where(with_target, choice_target, choice_other)
    n_voters = len(per_voter)
    return Log(
        voter,
        a,
        b,
        outcome,
        day,
        network,
        np.zeros(n_voters, dtype=bool),
        np.ones(n_voters, dtype=int),
        n_voters,
    )


def noise_log(votes: int, rng: np.random.Generator, n_models: int, tie_share: float) -> Log:
    """Honest-looking accounts (same activity, networks as their own) voting at random."""
    per_voter = _activity(rng, votes)
    voter, day = _days(rng, per_voter)
    a, b = _pairs(rng, len(voter), n_models)
    outcome = np.where(rng.random(len(voter)) < tie_share, bt.TIE, rng.integers(0, 2, len(voter)))
    n_voters = len(per_voter)
    return Log(
        voter,
        a,
        b,
        outcome,
        day,
        np.full(len(voter), -1),
        np.zeros(n_voters, dtype=bool),
        np.full(n_voters, 2),
        n_voters,
    )


@dataclass(frozen=True)
class Defended:
    rating: np.ndarray  # (n_models,) after the defences
    flagged: np.ndarray  # (n_voters,) set aside by a test (network group or voter test)
    weight: np.ndarray  # (n_votes,) what each vote counts for in the final fit (0: set aside)


def _network_groups(log: Log) -> list[np.ndarray]:
    """First-time voters grouped by network and window, as the hourly scan groups them for its
    day-long and week-long windows, the week also on a grid shifted by half a week (the hour is finer
    than this log's days); panel members never.
    A vote joins a window's group when its voter's first vote falls in that window."""
    first_day = np.full(log.n_voters, DAYS)
    np.minimum.at(first_day, log.voter, log.day)
    groups = []
    # Each window on two grids, the second shifted by half a window, so a campaign cannot hide by
    # straddling a window's edge.
    for days, shift in ((1, 0), (7, 0), (7, 3)):
        slot = (log.day + shift) // days
        first_slot = (first_day[log.voter] + shift) // days
        eligible = (log.network >= 0) & (slot == first_slot) & ~log.panel[log.voter]
        idx = np.flatnonzero(eligible)
        key = log.network[idx] * DAYS + slot[idx]
        order = np.argsort(key, kind="stable")
        idx, key = idx[order], key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        for group in np.split(idx, starts[1:]) if len(idx) else []:
            if len(np.unique(log.voter[group])) >= BURST_MIN_VOTERS:
                groups.append(group)
    return groups


def defend(log: Log, n_models: int) -> Defended:
    """The pipeline of defences.py on a log, in the scan's order."""
    flagged = np.zeros(log.n_voters, dtype=bool)
    groups = _network_groups(log)
    if groups:
        tests = anomaly.groups_test(log.a, log.b, log.outcome, groups, n_models)
        for members, test in zip(groups, tests, strict=True):
            if test.log_evalue >= np.log(1 / defences.ALPHA_E):
                flagged[log.voter[members]] = True
    counted = ~flagged[log.voter]
    tests = defences.voter_tests(
        log.voter, log.a, log.b, log.outcome, n_models, log.n_voters, counted=counted
    )
    flagged |= tests.flagged
    keep = ~flagged[log.voter]
    counted_votes = np.bincount(log.voter[keep], minlength=log.n_voters)
    active_days = np.zeros(log.n_voters, dtype=int)
    voter_days = np.unique(log.voter[keep] * DAYS + log.day[keep])
    np.add.at(active_days, voter_days // DAYS, 1)
    voter_trust = trust.voter_trust(log.panel, counted_votes, active_days)
    weights = defences.vote_weights(
        log.voter[keep], log.a[keep], log.b[keep], log.outcome[keep], n_models, voter_trust
    )
    weight = np.zeros(len(log.voter))
    weight[keep] = weights.weight
    used = weight > 0
    fit = bt.fit_bradley_terry(
        log.a[used], log.b[used], log.outcome[used], n_models, weights=weight[used], interval="sandwich"
    )
    return Defended(rating=fit.rating, flagged=flagged, weight=weight)


def plain(log: Log, n_models: int) -> np.ndarray:
    return bt.fit_bradley_terry(log.a, log.b, log.outcome, n_models, interval="sandwich").rating


def ranks(rating: np.ndarray) -> np.ndarray:
    return 1 + (rating[None, :] > rating[:, None]).sum(axis=1)


@dataclass(frozen=True)
class AttackRow:
    attack: str
    share: float
    rigged_votes: int
    riggers: int
    rank_clean: int
    rank_attacked: int
    rank_defended: int
    rank_clean_defended: int
    caught: float
    honest_flagged: float

    @property
    def change_without(self) -> int:
        return self.rank_clean - self.rank_attacked  # places gained

    @property
    def change_with(self) -> int:
        return self.rank_clean_defended - self.rank_defended


@dataclass(frozen=True)
class FlipRow:
    attack: str
    without_defences: (
        int | None
    )  # least rigged votes that put the 2nd model first; None: not within the limit
    with_defences: int | None
    limit: int


@dataclass(frozen=True)
class Report:
    votes: int
    models: int
    seed: int
    rows: list[AttackRow]
    flips: list[FlipRow]
    noise_move_without: int
    noise_move_with: int
    noise_votes: int
    honest_voters: int
    settings: dict = field(default_factory=dict)


def _attack_row(honest: Log, clean, clean_defended, attack, share, rng, board, n_models) -> AttackRow:
    rigged = int(round(share / (1 - share) * len(honest.voter)))
    attack_votes = attack_log(attack, rigged, rng, target=TARGET, board=board, n_models=n_models)
    both = honest + attack_votes
    defended = defend(both, n_models)
    honest_voters = both.kind == 0
    riggers = both.kind == 1
    return AttackRow(
        attack=attack,
        share=share,
        rigged_votes=rigged,
        riggers=int(riggers.sum()),
        rank_clean=int(ranks(clean)[TARGET]),
        rank_attacked=int(ranks(plain(both, n_models))[TARGET]),
        rank_defended=int(ranks(defended.rating)[TARGET]),
        rank_clean_defended=int(ranks(clean_defended.rating)[TARGET]),
        caught=float(defended.flagged[riggers].mean()) if riggers.any() else 0.0,
        honest_flagged=float(defended.flagged[honest_voters].mean()),
    )


def _flip(honest: Log, attack: str, rng, board, n_models) -> FlipRow:
    limit = int(FLIP_LIMIT * len(honest.voter))
    stream = attack_log(attack, limit, rng, target=FLIP_TARGET, board=board, n_models=n_models)
    top = int(np.argmax(board))

    def flips(votes: int, defended: bool) -> bool:
        log = honest + stream.head(votes)
        rating = defend(log, n_models).rating if defended else plain(log, n_models)
        return int(np.argmax(rating)) == FLIP_TARGET and top != FLIP_TARGET

    found = []
    for defended in (False, True):
        if not flips(limit, defended):
            found.append(None)
            continue
        low, high = 0, limit  # flips(high) holds; find the least such number to within 1%
        while high - low > max(1, limit // 100):
            mid = (low + high) // 2
            if flips(mid, defended):
                high = mid
            else:
                low = mid
        found.append(high)
    return FlipRow(attack, found[0], found[1], limit)


def replay(
    votes: int,
    *,
    seed: int = 0,
    attacks=ATTACKS,
    shares=SHARES,
    n_models: int = N_MODELS,
    flip: bool = True,
    noise: bool = True,
) -> Report:
    if n_models < 2:
        raise ValueError("need at least two models")
    if votes < n_models:
        raise ValueError("fewer votes than models")
    for share in shares:
        if not 0 < share <= 0.5:
            raise ValueError("rig share outside (0, 0.5]")
    for attack in attacks:
        if attack not in ATTACKS:
            raise ValueError(f"unknown attack: {attack}")
    rng = np.random.default_rng(seed)
    honest = honest_log(votes, rng, n_models)
    clean = plain(honest, n_models)
    clean_defended = defend(honest, n_models)
    board = (clean - bt.BASE) / bt.SCALE
    rows = [
        _attack_row(honest, clean, clean_defended, attack, share, rng, board, n_models)
        for attack in attacks
        for share in shares
    ]
    flips = [_flip(honest, attack, rng, board, n_models) for attack in attacks] if flip else []
    move_without = move_with = 0
    noise_votes = 0
    if noise:
        tie_share = float(np.mean(honest.outcome >= bt.TIE))
        noise_votes = int(round(NOISE_SHARE / (1 - NOISE_SHARE) * len(honest.voter)))
        noisy = honest + noise_log(noise_votes, rng, n_models, tie_share)
        move_without = int(np.max(np.abs(ranks(plain(noisy, n_models)) - ranks(clean))))
        move_with = int(np.max(np.abs(ranks(defend(noisy, n_models).rating) - ranks(clean_defended.rating))))
    return Report(
        votes=len(honest.voter),
        models=n_models,
        seed=seed,
        rows=rows,
        flips=flips,
        noise_move_without=move_without,
        noise_move_with=move_with,
        noise_votes=noise_votes,
        honest_voters=int(honest.n_voters),
        settings={
            "accuracy": ACCURACY,
            "taste_sd": TASTE_SD,
            "days": DAYS,
            "sybil_networks": SYBIL_NETWORKS,
            "sybil_days": SYBIL_DAYS,
            "target_rank": TARGET + 1,
            "alpha_e": defences.ALPHA_E,
        },
    )


def as_dict(report: Report) -> dict:
    """JSON-ready figures, as stored with each run and shown on /methodology/."""
    return {
        "votes": report.votes,
        "models": report.models,
        "seed": report.seed,
        "honest_voters": report.honest_voters,
        "rows": [
            {
                "attack": r.attack,
                "share": r.share,
                "rigged_votes": r.rigged_votes,
                "riggers": r.riggers,
                "rank_clean": r.rank_clean,
                "rank_attacked": r.rank_attacked,
                "rank_defended": r.rank_defended,
                "rank_clean_defended": r.rank_clean_defended,
                "change_without": r.change_without,
                "change_with": r.change_with,
                "caught": round(r.caught, 4),
                "honest_flagged": round(r.honest_flagged, 5),
                "share_pct": round(100 * r.share, 2),
                "caught_pct": round(100 * r.caught, 2),
                "honest_flagged_pct": round(100 * r.honest_flagged, 3),
            }
            for r in report.rows
        ],
        "flips": [
            {"attack": f.attack, "without": f.without_defences, "with": f.with_defences, "limit": f.limit}
            for f in report.flips
        ],
        "noise": {
            "votes": report.noise_votes,
            "share": NOISE_SHARE,
            "move_without": report.noise_move_without,
            "move_with": report.noise_move_with,
        },
        "settings": report.settings,
        "goals": GOALS,
    }


def table_lines(report: Report) -> list[str]:
    """The red-team table with the goals beside each figure."""
    goal_caught, goal_false = GOALS["caught"], GOALS["honest_flagged"]
    lines = [
        f"{report.votes:,} honest votes from {report.honest_voters:,} voters, {report.models} models, seed "
        f"{report.seed}; target ranked {TARGET + 1}; classifier accuracy {ACCURACY:.0%}",
        f"{'attack':<12} {'share':>6} {'rigged':>7} {'accounts':>8} {'rank clean->rigged':>19} "
        f"{'with defences':>14} {'caught':>7} {'goal':>6} {'honest flagged':>15} {'goal':>6} {'met':>4}",
    ]
    for r in report.rows:
        met = r.share != 0.01 or (
            r.caught >= goal_caught and r.honest_flagged <= goal_false and r.change_with == 0
        )
        lines.append(
            f"{r.attack:<12} {r.share:>6.1%} {r.rigged_votes:>7,} {r.riggers:>8,} "
            f"{f'{r.rank_clean} -> {r.rank_attacked}':>19} "
            f"{f'{r.rank_clean_defended} -> {r.rank_defended}':>14} {r.caught:>7.1%} "
            f"{f'>={goal_caught:.0%}' if r.share == 0.01 else '':>6} {r.honest_flagged:>15.2%} "
            f"{f'<={goal_false:.0%}' if r.share == 0.01 else '':>6} {('yes' if met else 'NO') if r.share == 0.01 else '':>4}"
        )
    for f in report.flips:
        without = f"{f.without_defences:,}" if f.without_defences is not None else f"> {f.limit:,}"
        with_ = f"{f.with_defences:,}" if f.with_defences is not None else f"> {f.limit:,}"
        lines.append(
            f"votes to put the 2nd model first ({f.attack}): {without} without defences, {with_} with them "
            f"(to within {max(1, f.limit // 100):,})"
        )
    if report.noise_votes:
        lines.append(
            f"noise: {report.noise_votes:,} random votes ({NOISE_SHARE:.0%}) move a model at most "
            f"{report.noise_move_without} place(s) without defences, {report.noise_move_with} with them "
            f"(goal: <= {GOALS['noise_move']}) {'yes' if report.noise_move_with <= GOALS['noise_move'] else 'NO'}"
        )
    return lines
