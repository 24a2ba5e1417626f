"""Issue 16 in the real pipeline: rank spread and tiers on every board, page, API and CSV; the hourly
scan's trust weights and upset filter (reasons kept, nothing deleted, never a panel vote); the active
sampler's stored weights; the red-team command; the A/A test; the methodology page's figures."""

import csv
import datetime as dt
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from arena.battles import sampling, services
from arena.integrity import review, upset
from arena.models import AATest, Battle, Campaign, ModelEndpoint, PanelMember, RedTeamRun, Vote
from arena.ratings import snapshots
from core import roles
from tests.arena.factories import bt_votes, endpoints
from tests.conftest import attest
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(settings):
    settings.LEADERBOARD_MIN_VOTES = 100
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 100
    models = endpoints(5)
    # Two clear leaders close together, a middle model, a clear last, and one with too few votes.
    bt_votes(models[:4], [1.0, 0.95, 0.0, -1.5], 3000, seed=1)
    bt_votes([models[4], models[2]], [0.0, 0.0], 30, seed=2)
    return models


def test_rows_carry_rank_spread_and_tier_and_the_unlisted_none(board):
    overall = snapshots.snapshot_recompute(["overall"])[0]
    rows = {r["model"]: r for r in overall.rows}
    first, second, third, last = (rows[f"모델-{i}"] for i in range(4))
    # The two leaders' intervals overlap: each may be first or second, one tier.
    assert (first["rank_best"], first["rank_worst"]) == (1, 2)
    assert (second["rank_best"], second["rank_worst"]) == (1, 2)
    assert first["tier"] == second["tier"] == 1
    assert (third["rank_best"], third["rank_worst"], third["tier"]) == (3, 3, 2)
    assert (last["rank_best"], last["rank_worst"], last["tier"]) == (4, 4, 3)
    unlisted = rows["모델-4"]
    assert unlisted["listed"] is False
    assert unlisted["rank_best"] is unlisted["rank_worst"] is unlisted["tier"] is None
    # Both ties fits are computed on the same votes, and the error of each is published.
    assert set(overall.method["ties_error"]) == {"bradley_terry", "rao_kupper", "pairs"}
    assert overall.method["ties_model"] == "bradley_terry"


def test_pages_api_and_csv_show_the_spread(board, client):
    snapshots.snapshot_recompute()
    page = client.get(reverse("leaderboard")).content.decode()
    assert "순위 범위 (95%)" in page and 'data-testid="rank-spread">1–2<' in page
    assert 'data-testid="rank-spread">3<' in page
    api = client.get("/api/v1/leaderboard/").json()
    assert {"rank_best", "rank_worst", "tier"} <= set(api["rows"][0])
    model_page = client.get(reverse("arena:model", args=[board[0].pk])).content.decode()
    assert 'data-testid="rank-spread">1–2<' in model_page
    response = client.get(reverse("ranking_csv") + "?view=overall")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    leader = next(r for r in rows if r["model"] == "모델-0")
    assert (leader["rank_best"], leader["rank_worst"], leader["tier"]) == ("1", "2", "1")
    assert next(r for r in rows if r["model"] == "모델-4")["rank_best"] == ""


def test_the_ties_setting_switches_the_board_to_rao_kupper(board, settings):
    settings.LEADERBOARD_TIES_MODEL = "rao_kupper"
    overall = snapshots.snapshot_recompute(["overall"])[0]
    assert overall.method["ties_model"] == "rao_kupper"
    leader = next(r for r in overall.rows if r["model"] == "모델-0")
    assert leader["ci_low"] < leader["rating"] < leader["ci_high"]


@pytest.fixture
def panel_member_voter():
    campaign = Campaign.objects.create(slug="c", name="c")
    PanelMember.objects.create(
        campaign=campaign,
        person_hash="p",
        voter="panel-voter",
        gender="female",
        region="capital",
        age_band="30s",
        proficiency="novice",
    )
    return "panel-voter"


def _upset_votes(models, voter, n):
    """n wins of the weakest model over the strongest, from one voter."""
    bt_votes([models[3], models[0]], [9.0, -9.0], n, seed=7, voter=voter)


def test_weights_scan_sets_aside_new_accounts_upsets_but_never_a_panel_vote(board, panel_member_voter):
    _upset_votes(board, "fresh-account", 3)
    _upset_votes(board, panel_member_voter, 3)
    before = Vote.objects.count()
    result = review.vote_weights_scan()
    assert Vote.objects.count() == before  # nothing deleted
    fresh = Vote.objects.filter(voter="fresh-account")
    assert set(fresh.values_list("inclusion", flat=True)) == {Vote.Inclusion.UPSET}
    assert set(fresh.values_list("trust", flat=True)) == {Vote.Trust.NEW}
    panel = Vote.objects.filter(voter=panel_member_voter)
    assert set(panel.values_list("inclusion", flat=True)) == {Vote.Inclusion.VALID}
    assert set(panel.values_list("trust", flat=True)) == {Vote.Trust.PANEL}
    assert set(panel.values_list("weight", flat=True)) == {1.0}
    assert result["upsets"] >= 3
    # The board counts the set-aside votes under their reason.
    overall = snapshots.snapshot_recompute(["overall"])[0]
    assert overall.votes_excluded.get("upset", 0) >= 3


def test_an_upset_stops_being_one_when_the_ratings_change(board):
    _upset_votes(board, "fresh-account", 2)
    review.vote_weights_scan()
    assert Vote.objects.filter(voter="fresh-account", inclusion=Vote.Inclusion.UPSET).count() == 2
    # Many more votes now say model 3 beats model 0: the same wins are no longer heavy upsets.
    bt_votes([board[3], board[0]], [3.0, -3.0], 3000, seed=9)
    review.vote_weights_scan()
    assert Vote.objects.filter(voter="fresh-account", inclusion=Vote.Inclusion.VALID).count() == 2
    assert upset.THRESHOLD == 0.75


def test_trust_weights_enter_the_fit_and_the_export_rebuilds_the_board(board, tmp_path):
    review.vote_weights_scan()
    assert Vote.objects.filter(trust=Vote.Trust.NEW).exists()
    call_command("export_votes", "--out", str(tmp_path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("leaderboard_from_export", str(tmp_path), stdout=out)
    assert "DIFFERENT" not in out.getvalue()
    first = (tmp_path / "votes.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert '"trust_weight"' in first and '"pair_weight"' in first


def test_active_sampler_stores_the_pair_probability_and_the_weight_back_to_the_reference(settings):
    settings.ARENA_SAMPLER = "active"
    models = [attest(m) for m in endpoints(4)]
    bt_votes(models, [0.5, 0.0, 0.0, -0.5], 800, seed=3)
    settings.LEADERBOARD_MIN_VOTES = 10
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 50
    snapshots.snapshot_recompute(["overall"])
    endpoints_, teams, team_weights = services.sampler_pool()
    weights = [e.weight for e in endpoints_]
    plan = services.active_plan_current(endpoints_, teams, weights, team_weights)
    for _ in range(40):
        battle = services.battle_create(voter="v")
        i = next(k for k, e in enumerate(endpoints_) if e.pk == battle.model_a_id)
        j = next(k for k, e in enumerate(endpoints_) if e.pk == battle.model_b_id)
        assert battle.pair_probability == pytest.approx(plan.probability[i, j])
        assert battle.pair_probability >= plan.floor
        reference = sampling.version_pair_probability(teams, weights, team_weights, i, j)
        assert battle.pair_weight * battle.pair_probability == pytest.approx(reference)
    assert Battle.objects.exclude(pair_weight=1.0).exists()


def test_redteam_command_prints_and_stores_a_reproducible_run():
    first, second = io.StringIO(), io.StringIO()
    args = ("--votes", "15000", "--rig-share", "0.01", "--attack", "target_only", "--seed", "3")
    call_command("redteam", *args, stdout=first)
    call_command("redteam", *args, "--no-store", stdout=second)
    assert first.getvalue().splitlines()[:-1] == second.getvalue().splitlines()
    assert "caught" in first.getvalue() and "goal" in first.getvalue()
    run = RedTeamRun.objects.get()
    assert run.votes == 15000 and run.seed == 3 and run.method_version.startswith("bt-bootstrap-3")
    assert run.report["rows"][0]["attack"] == "target_only"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rig-share", "0"), "rig share"),
        (("--rig-share", "0.7"), "rig share"),
        (("--votes", "5"), "fewer votes than models"),
        (("--attack", "bribery"), "unknown attack"),
    ],
)
def test_redteam_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("redteam", "--votes", "1000", *args, stdout=io.StringIO())
    assert not RedTeamRun.objects.exists()


def test_staff_enrol_an_aa_test_and_the_methodology_page_publishes_it(board, client):
    original = attest(board[1])
    staff = make_user("reviewer", roles.MINISTRY_REVIEWER)
    client.force_login(staff)
    today = timezone.localdate()
    url = reverse("staff:aa_tests")
    bad = client.post(
        url, {"endpoint": original.pk, "twin_name": "모델-1", "season_start": today, "season_end": today}
    )
    assert bad.status_code == 400 and not AATest.objects.exists()
    assert "종료일" in bad.content.decode() and "같은 이름" in bad.content.decode()
    ok = client.post(
        url,
        {
            "endpoint": original.pk,
            "twin_name": "둘째 이름",
            "season_start": today,
            "season_end": today + dt.timedelta(days=60),
        },
    )
    assert ok.status_code == 302
    test = AATest.objects.get()
    assert test.twin.base_url == original.base_url and test.twin.model_id == original.model_id
    assert test.twin.attestation.checkpoint == original.attestation.checkpoint
    assert not ModelEndpoint.objects.active_variants().filter(pk=test.twin.pk).exists()
    # Votes for the twin behave as the original's: the page says whether the intervals overlap.
    bt_votes([original, test.twin, board[2]], [0.95, 0.95, 0.0], 3000, seed=11)
    snapshots.snapshot_recompute(["overall"])
    page = client.get(reverse("methodology")).content.decode()
    assert 'data-testid="aa-table"' in page and "둘째 이름" in page
    assert 'data-testid="aa-overlap">예<' in page


def test_methodology_page_shows_the_last_red_team_run_and_the_ties_errors(board, client):
    snapshots.snapshot_recompute(["overall"])
    call_command("redteam", "--votes", "15000", "--rig-share", "0.01", "--seed", "1", stdout=io.StringIO())
    page = client.get(reverse("methodology")).content.decode()
    run = RedTeamRun.objects.get()
    assert 'data-testid="redteam-table"' in page and run.method_version in page
    assert timezone.localtime(run.created_at).strftime("%Y-%m-%d") in page
    for row in run.report["rows"]:
        assert f"{row['caught_pct']:.1f}%" in page
    assert 'data-testid="noise"' in page and 'data-testid="ties-table"' in page
    assert np.isfinite(run.report["rows"][0]["caught"])
