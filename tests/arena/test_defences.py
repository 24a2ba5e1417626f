"""The defences against rigged votes (arena/integrity/): worked examples and properties of the
likelihood test, the upset filter, trust weights and the indirect-favouritism e-value, and the red
team's replay through them."""

import numpy as np
import pytest

from arena.integrity import anomaly, defences, likelihood, redteam, trust, upset
from arena.ratings import bradley_terry as bt


def test_likelihood_statistic_by_hand():
    # P(A) = 0.5, P(B) = 0.3, P(tie) = 0.2: sigma(d - eta) = 0.5 and sigma(-d - eta) = 0.3 give
    # eta = d = -logit(0.3) / 2 = 0.423649. One tie: S = -2 ln 0.2 = 3.218876;
    # M = -2 (0.5 ln 0.5 + 0.3 ln 0.3 + 0.2 ln 0.2) = 2.059306;
    # V = 4 (sum p ln^2 p - (sum p ln p)^2) = 0.531858; z = (S - M) / sqrt(V) = 1.590008.
    eta = -np.log(0.3 / 0.7) / 2
    test = likelihood.voter_likelihood([0], [0], [1], [bt.TIE], [eta, 0.0], eta, 1)
    assert test.z[0] == pytest.approx(1.590008, abs=1e-5)
    assert test.votes.tolist() == [1]
    assert not likelihood.flagged(test)[0]  # one vote is never enough


def _honest_votes(theta, eta, voters, per_voter, seed):
    rng = np.random.default_rng(seed)
    n = voters * per_voter
    k = len(theta)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    d = theta[a] - theta[b]
    p_a, p_b = 1 / (1 + np.exp(-(d - eta))), 1 / (1 + np.exp(-(-d - eta)))
    u = rng.random(n)
    o = np.where(u < p_a, 0, np.where(u < p_a + p_b, 1, 2))
    return np.repeat(np.arange(voters), per_voter), a, b, o


def test_likelihood_test_spares_model_following_voters_and_catches_underdog_voters():
    theta, eta = np.linspace(-1, 1, 8), 0.5
    v, a, b, o = _honest_votes(theta, eta, 3000, 30, seed=1)
    honest = likelihood.flagged(likelihood.voter_likelihood(v, a, b, o, theta, eta, 3000))
    assert honest.mean() <= 3 * likelihood.ALPHA  # the normal approximation, within a small factor
    # 20 voters who pick the lower-rated side every time.
    rng = np.random.default_rng(2)
    ra = rng.integers(0, 8, 600)
    rb = (ra + rng.integers(1, 8, 600)) % 8
    ro = np.where(theta[ra] < theta[rb], 0, 1)
    riggers = likelihood.flagged(
        likelihood.voter_likelihood(np.repeat(np.arange(20), 30), ra, rb, ro, theta, eta, 20)
    )
    assert riggers.all()


@pytest.mark.parametrize(
    ("theta", "outcome", "low_trust", "expected"),
    [
        ([1.0, 0.0], bt.B_WON, True, False),  # the loser (0) had 0.731 < 0.75: not heavy enough
        ([2.0, 0.0], bt.B_WON, True, True),  # the loser had 0.881: a heavy underdog won
        ([2.0, 0.0], bt.B_WON, False, False),  # but the voter is trusted (panel or established)
        ([2.0, 0.0], bt.A_WON, True, False),  # the favourite won
        ([2.0, 0.0], bt.TIE, True, False),  # ties are never upsets
        ([0.0, 2.0], bt.A_WON, True, True),  # the same upset with the sides the other way
    ],
)
def test_upset_filter_cases(theta, outcome, low_trust, expected):
    assert upset.upsets([0], [1], [outcome], theta, [low_trust]).tolist() == [expected]


def test_trust_levels():
    result = trust.voter_trust(
        panel=[True, False, False, False, True],
        counted_votes=[0, 10, 10, 50, 50],
        active_days=[0, 2, 1, 1, 5],
    )
    assert [trust.LEVELS[x] for x in result.level] == ["panel", "established", "new", "new", "panel"]
    assert result.weight.tolist() == [trust.PANEL, trust.ESTABLISHED, trust.NEW, trust.NEW, trust.PANEL]
    assert trust.PANEL > trust.ESTABLISHED > trust.NEW > 0


def test_the_upset_filter_never_sets_aside_a_panel_vote():
    rng = np.random.default_rng(3)
    n_voters, n = 300, 20_000
    voter = rng.integers(0, n_voters, n)
    a = rng.integers(0, 6, n)
    b = (a + rng.integers(1, 6, n)) % 6
    strength = np.linspace(2, -2, 6)
    o = np.where(rng.random(n) < 1 / (1 + np.exp(-(strength[a] - strength[b]))), 0, 1)
    panel = np.arange(n_voters) < 100
    voter_trust = trust.voter_trust(panel, np.zeros(n_voters), np.zeros(n_voters))
    weights = defences.vote_weights(voter, a, b, o, 6, voter_trust)
    assert weights.upset.any()  # the filter did act on the public votes...
    assert not weights.upset[panel[voter]].any()  # ...and never on a panel member's
    assert np.all(weights.weight[panel[voter]] == trust.PANEL)


def test_indirect_favouritism_catches_an_omnipresent_rigger_and_stays_an_e_value():
    theta = np.linspace(1, -1, 10)
    rng = np.random.default_rng(4)
    # Honest voters, exactly as Bradley-Terry says: the flag rate stays within alpha (Markov).
    n = 2000 * 30
    a = rng.integers(0, 10, n)
    b = (a + rng.integers(1, 10, n)) % 10
    o = np.where(rng.random(n) < 1 / (1 + np.exp(-(theta[a] - theta[b]))), 0, 1)
    honest = anomaly.voter_scores(np.repeat(np.arange(2000), 30), a, b, o, theta, 2000)
    assert anomaly.flagged(honest, 0.01).mean() <= 0.01
    # One rigger for model 4, 60 votes: for 4 when it plays, else against the side closer to 4.
    ra = rng.integers(0, 10, 60)
    rb = (ra + rng.integers(1, 10, 60)) % 10
    closer_a = np.abs(theta[ra] - theta[4]) < np.abs(theta[rb] - theta[4])
    ro = np.where(ra == 4, 0, np.where(rb == 4, 1, np.where(closer_a, 1, 0)))
    rigger = anomaly.voter_scores(np.zeros(60, dtype=int), ra, rb, ro, theta, 1)
    assert anomaly.flagged(rigger, 0.01)[0]


def test_red_team_figures_are_reproducible_for_a_seed():
    first = redteam.replay(20_000, seed=7, attacks=("omnipresent",), shares=(0.01,), flip=False)
    again = redteam.replay(20_000, seed=7, attacks=("omnipresent",), shares=(0.01,), flip=False)
    other = redteam.replay(20_000, seed=8, attacks=("omnipresent",), shares=(0.01,), flip=False)
    assert first == again
    assert first != other


def test_red_team_defences_meet_the_goal_at_one_percent():
    # A smaller log than `make bench` replays (60k votes instead of 200k), same rules.
    report = redteam.replay(60_000, seed=2, shares=(0.01,), flip=False, noise=True)
    for row in report.rows:
        assert row.caught >= redteam.GOALS["caught"], row
        assert row.honest_flagged <= redteam.GOALS["honest_flagged"], row
        assert row.change_with == 0, row
    assert report.noise_move_with <= redteam.GOALS["noise_move"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shares": (0.0,)}, "rig share"),
        ({"shares": (0.6,)}, "rig share"),
        ({"attacks": ("bribery",)}, "unknown attack"),
    ],
)
def test_red_team_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        redteam.replay(1000, flip=False, noise=False, **kwargs)
    with pytest.raises(ValueError, match="fewer votes than models"):
        redteam.replay(5, flip=False, noise=False)
