"""Equal exposure: the sampler gives every team the same share of battles however many versions it
runs, and the published figures match a hand count."""

import datetime as dt
import itertools
import random
import uuid
import zoneinfo

import pytest

from arena.battles import sampling
from arena.battles.exposure import exposure_windows
from arena.models import Battle, ModelEndpoint, Team
from core import roles
from tests.conftest import attest
from tests.personas import make_user

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


# --- The sampler (pure) ---------------------------------------------------------------------------


def test_teams_get_equal_shares_whatever_their_number_of_versions():
    teams = [0, 0, 0, 1, 2]  # team 0 runs three versions
    weights = [1.0, 1.0, 2.0, 1.0, 1.0]
    team_weights = [1.0, 1.0, 1.0]
    assert sampling.exposure_targets(team_weights) == pytest.approx([2 / 3] * 3)
    rng = random.Random(3)
    n = 30_000
    appeared = [0, 0, 0]
    pairs: dict[tuple[int, int], int] = {}
    for _ in range(n):
        draw = sampling.draw_team_pair(teams, weights, team_weights, rng)
        assert teams[draw.a] != teams[draw.b]  # two versions of one team never meet
        assert draw.probability == pytest.approx(
            sampling.version_pair_probability(teams, weights, team_weights, draw.a, draw.b)
        )
        for t in {teams[draw.a], teams[draw.b]}:
            appeared[t] += 1
        key = tuple(sorted((draw.a, draw.b)))
        pairs[key] = pairs.get(key, 0) + 1
    assert [a / n for a in appeared] == pytest.approx([2 / 3] * 3, abs=0.01)
    total = sum(
        sampling.version_pair_probability(teams, weights, team_weights, i, j)
        for i, j in itertools.combinations(range(5), 2)
    )
    assert total == pytest.approx(1.0)
    # Within team 0 the heavier version takes half of the team's battles.
    assert pairs[(2, 3)] / n == pytest.approx(
        sampling.version_pair_probability(teams, weights, team_weights, 2, 3), abs=0.01
    )
    assert sampling.version_pair_probability(teams, weights, team_weights, 2, 3) == pytest.approx(1 / 3 * 0.5)


def test_one_team_alone_cannot_battle():
    with pytest.raises(ValueError):
        sampling.draw_team_pair([0, 0], [1.0, 1.0], [1.0], random.Random(0))
    assert sampling.exposure_targets([1.0]) == [0.0]


# --- The published figures ------------------------------------------------------------------------


def _battle(a: ModelEndpoint, b: ModelEndpoint, when: dt.datetime) -> None:
    battle = Battle.objects.create(
        id=uuid.uuid4(),
        voter="v",
        model_a=a,
        model_b=b,
        model_a_version="x",
        model_b_version="x",
        pair_probability=0.1,
    )
    Battle.objects.filter(pk=battle.pk).update(created_at=when)


@pytest.fixture
def three_teams(db):
    team_a, team_b, team_c = (Team.objects.create(name=n) for n in ("가팀", "나팀", "다팀"))
    a = ModelEndpoint.objects.create(team=team_a, name="a", base_url="http://127.0.0.1:9/v1", model_id="a")
    b1, b2 = (
        ModelEndpoint.objects.create(team=team_b, name=n, base_url="http://127.0.0.1:9/v1", model_id=n)
        for n in ("b1", "b2")
    )
    c = ModelEndpoint.objects.create(team=team_c, name="c", base_url="http://127.0.0.1:9/v1", model_id="c")
    return a, b1, b2, c


NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=SEOUL)  # a Wednesday: the window began Monday 30 Nov 00:00
MONDAY = dt.datetime(2026, 11, 30, 0, 30, tzinfo=SEOUL)
SUNDAY_NIGHT = dt.datetime(2026, 11, 29, 23, 30, tzinfo=SEOUL)  # the week before, by half an hour


def test_the_exposure_figures_match_a_hand_count(three_teams):
    a, b1, b2, c = three_teams
    for when, pairs in (
        (MONDAY, [(a, b1)] * 3 + [(b2, a)] * 2 + [(a, c)] * 3 + [(b1, c), (c, b2)]),
        (SUNDAY_NIGHT, [(a, b1)] * 3 + [(b2, a)]),
    ):
        for x, y in pairs:
            _battle(x, y, when)
    current, previous = exposure_windows(weeks=2, now=NOW)
    # This week by hand: 10 battles; 가팀 in 8, 나팀 in 7 (its two versions together), 다팀 in 5.
    assert (
        current.current and current.start == dt.datetime(2026, 11, 30, tzinfo=SEOUL) and current.battles == 10
    )
    by_team = {t.team: t for t in current.teams}
    assert {k: (t.battles, t.share) for k, t in by_team.items()} == {
        "가팀": (8, 0.8),
        "나팀": (7, 0.7),
        "다팀": (5, 0.5),
    }
    assert all(t.target == pytest.approx(2 / 3) for t in current.teams)
    assert all(t.alert for t in current.teams)  # every team is more than 2 points off
    assert by_team["다팀"].gap == pytest.approx(0.5 - 2 / 3)
    # Last week: 4 battles, only 가팀 and 나팀 took part, each in all of them: on target.
    assert previous.battles == 4 and [(t.team, t.share, t.target) for t in previous.teams] == [
        ("가팀", 1.0, 1.0),
        ("나팀", 1.0, 1.0),
    ]
    assert not previous.alerts


def test_a_team_the_sampler_may_draw_but_never_did_shows_at_zero(three_teams, settings):
    a, b1, b2, c = three_teams
    for endpoint in (a, b1, c):
        attest(endpoint)
    _battle(a, b1, MONDAY)
    current = exposure_windows(weeks=1, now=NOW)[0]
    assert [(t.team, t.share) for t in current.teams] == [("가팀", 1.0), ("나팀", 1.0), ("다팀", 0.0)]


def test_the_page_the_api_and_the_staff_alert(client, three_teams):
    a, b1, b2, c = three_teams
    for endpoint in (a, b1, b2, c):
        attest(endpoint)
    from django.utils import timezone

    for x, y in [(a, b1)] * 6 + [(a, c)] * 3 + [(b2, c)]:
        _battle(x, y, timezone.now())
    html = client.get("/leaderboard/exposure/").content.decode()
    assert 'data-testid="exposure-table-current"' in html and 'data-testid="team-pairs"' in html
    answer = client.get("/api/v1/leaderboard/exposure/").json()
    assert answer["window_days"] == 7 and answer["tolerance"] == 0.02
    teams = {t["team"]: t for t in answer["windows"][0]["teams"]}
    assert teams["가팀"]["battles"] == 9 and teams["가팀"]["share"] == pytest.approx(0.9)
    assert sum(p["probability"] for p in answer["team_pairs"]) == pytest.approx(1.0)
    assert sum(p["probability"] for p in answer["version_pairs"]) == pytest.approx(1.0)
    client.force_login(make_user("reviewer", roles.MINISTRY_REVIEWER))
    staff = client.get("/staff/").content.decode()
    assert 'data-testid="exposure-alert"' in staff and "가팀: 90.0%" in staff
