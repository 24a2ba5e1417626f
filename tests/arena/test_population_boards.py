"""Three boards from the same votes: verified panel, open public, and open public reweighted."""

import io
import json

import pytest
from django.core.management import call_command

from arena.models import Campaign, PanelMember, VoterProfile
from arena.ratings import snapshots as leaderboard
from arena.ratings import tables
from tests.arena.factories import bt_votes, endpoints

pytestmark = pytest.mark.django_db

DEMOGRAPHICS = {"gender": "female", "region": "capital", "age_band": "30s", "proficiency": "novice"}


@pytest.fixture
def populations(settings):
    settings.LEADERBOARD_MIN_VOTES = 20
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 50
    models = endpoints(3)
    campaign = Campaign.objects.get()
    for i in range(4):
        PanelMember.objects.create(campaign=campaign, person_hash=f"h{i}", voter=f"panel-{i}", **DEMOGRAPHICS)
        bt_votes(models, [0.8, 0.0, -0.8], 60, seed=i, voter=f"panel-{i}")
    # Open public: mostly men from the capital, one woman from elsewhere who sees things differently.
    for i in range(6):
        VoterProfile.objects.create(voter=f"public-{i}", **(DEMOGRAPHICS | {"gender": "male"}))
        bt_votes(models, [0.8, 0.0, -0.8], 60, seed=10 + i, voter=f"public-{i}")
    VoterProfile.objects.create(voter="public-x", **(DEMOGRAPHICS | {"region": "non_capital"}))
    bt_votes(models, [-0.8, 0.0, 0.8], 60, seed=99, voter="public-x")
    bt_votes(models, [0.8, 0.0, -0.8], 60, seed=100, voter="public-noprofile")
    return models


def test_the_three_boards_count_their_own_voters(populations):
    boards = {s.view: s for s in leaderboard.snapshot_recompute(["panel", "public", "public_raked"])}
    assert boards["panel"].votes_counted == 240
    assert boards["public"].votes_counted == 480
    assert boards["public_raked"].votes_counted == 420  # public voters with a profile only
    first = {v: next(r for r in b.rows if r["endpoint_id"] == populations[0].pk) for v, b in boards.items()}
    # The lone non-capital woman is weighted up to half of the board, pulling model 0 down.
    assert first["public_raked"]["rating"] < first["public"]["rating"] - 50


def test_raking_weights_match_the_panel_margins(populations):
    weights = tables.raking_weights()
    assert set(weights) == {f"public-{i}" for i in range(6)} | {"public-x"}
    assert weights["public-x"] > weights["public-0"]


def test_export_rebuilds_the_population_boards_exactly(populations, tmp_path):
    call_command("export_votes", "--out", str(tmp_path), stdout=io.StringIO())
    records = [
        json.loads(line) for line in (tmp_path / "votes.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sum(r["panel"] for r in records) == 240
    assert all(r["raking_weight"] is None for r in records if r["voter"] == "public-noprofile")
    out = io.StringIO()
    call_command("leaderboard_from_export", str(tmp_path), stdout=out)
    assert "DIFFERENT" not in out.getvalue() and "public_raked" in out.getvalue()


def test_compare_page_shows_the_boards_side_by_side(client, populations):
    leaderboard.snapshot_recompute(["panel", "public", "public_raked"])
    html = client.get("/leaderboard/compare/").content.decode()
    assert 'data-testid="compare-table"' in html
    assert "국민평가단 (본인확인)" in html and "공개 참여, 국민평가단 구성비로 보정" in html
    assert html.count("모델-0") == 1


def test_consent_can_carry_an_optional_profile(client):
    client.post("/arena/consent/", DEMOGRAPHICS)
    assert VoterProfile.objects.count() == 1
    other = client.__class__()
    other.post("/arena/consent/", {"gender": "female"})  # partial answers are not kept
    assert VoterProfile.objects.count() == 1
