import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from arena.models import LeaderboardSnapshot, Vote
from arena.ratings import bradley_terry as ratings
from arena.ratings import snapshots as leaderboard
from arena.ratings import tables
from tests.arena.factories import bt_votes, endpoints

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_data(settings):
    settings.LEADERBOARD_MIN_VOTES = 100
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 100
    models = endpoints(4)
    bt_votes(models[:3], [1.0, 0.0, -1.0], 1500, seed=1)
    bt_votes(models[:3], [1.0, 0.0, -1.0], 300, seed=2, language="other", turn_count=3)
    bt_votes(models[2:], [0.0, 0.0], 40, seed=3)  # model 3: too few votes to be ranked
    bt_votes(models[:2], [0.0, 3.0], 200, seed=4, inclusion=Vote.Inclusion.IDENTITY_LEAK)
    return models


def test_snapshots_for_every_view_with_exclusions_counted_not_deleted(board_data):
    snapshots = {s.view: s for s in leaderboard.snapshot_recompute()}
    assert set(snapshots) == set(tables.VIEWS)
    overall = snapshots["overall"]
    assert overall.votes_counted == 1840
    assert overall.votes_excluded == {"identity_leak": 200}
    assert Vote.objects.count() == 2040
    names = [r["model"] for r in overall.rows]
    assert names[:3] == ["모델-0", "모델-1", "모델-2"]
    unranked = next(r for r in overall.rows if r["model"] == "모델-3")
    assert unranked["listed"] is False and unranked["rank_ub"] is None and unranked["votes"] == 40
    assert snapshots["korean"].votes_counted == 1540
    assert snapshots["other_language"].votes_counted == 300
    assert snapshots["multi_turn"].votes_counted == 300
    assert snapshots["style_controlled"].method["interval"] == "sandwich"
    assert len(snapshots["style_controlled"].method["style_coef"]) == 4


def test_snapshot_equals_a_direct_fit_of_the_same_votes(board_data):
    snapshot = leaderboard.snapshot_recompute(["overall"])[0]
    votes = Vote.objects.filter(inclusion="valid").values_list(
        "battle__model_a_id", "battle__model_b_id", "choice"
    )
    ids = sorted({v[0] for v in votes} | {v[1] for v in votes})
    index = {x: i for i, x in enumerate(ids)}
    a = [index[v[0]] for v in votes]
    b = [index[v[1]] for v in votes]
    o = [tables.OUTCOME[v[2]] for v in votes]
    direct = ratings.fit_bradley_terry(a, b, o, len(ids), bootstrap_rounds=100, seed=0)
    for row in snapshot.rows:
        i = index[row["endpoint_id"]]
        assert row["rating"] == pytest.approx(direct.rating[i], abs=0.006)
        assert row["ci_low"] == pytest.approx(direct.ci_low[i], abs=0.006)


def test_export_then_rebuild_matches_exactly(board_data, tmp_path):
    call_command("export_votes", "--out", str(tmp_path), stdout=io.StringIO())
    lines = (tmp_path / "votes.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2040
    first = json.loads(lines[0])
    assert {"voter", "pair_probability", "inclusion", "turns"} <= set(first)
    assert "identity_leak" in (tmp_path / "votes.csv").read_text(encoding="utf-8")
    assert "공공누리" in (tmp_path / "README.md").read_text(encoding="utf-8")
    out = io.StringIO()
    call_command("leaderboard_from_export", str(tmp_path), stdout=out)
    assert out.getvalue().count("identical") == len(tables.VIEWS)
    published = json.loads((tmp_path / "leaderboard.json").read_text(encoding="utf-8"))
    stored = LeaderboardSnapshot.objects.filter(view="overall").first()
    assert published["overall"]["rows"] == stored.rows


def test_a_tampered_export_is_detected(board_data, tmp_path):
    call_command("export_votes", "--out", str(tmp_path), stdout=io.StringIO())
    path = tmp_path / "votes.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    flipped = 0
    for record in records:
        if record["inclusion"] == "valid" and record["choice"] == "b" and flipped < 30:
            record["choice"] = "a"
            flipped += 1
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="differ"):
        call_command("leaderboard_from_export", str(tmp_path), stdout=io.StringIO())


def test_recompute_command(board_data):
    out = io.StringIO()
    call_command("recompute_ratings", "--view", "overall", "--rounds", "20", stdout=out)
    assert "overall: 1840 votes, 3/4 models ranked" in out.getvalue()
    assert LeaderboardSnapshot.objects.get().bootstrap_rounds == 20


def test_snapshot_with_no_votes_is_empty_not_an_error():
    snapshot = leaderboard.snapshot_recompute(["overall"])[0]
    assert snapshot.rows == [] and snapshot.votes_counted == 0


def test_rank_ub_counts_only_ranked_models(board_data):
    rows = leaderboard.snapshot_recompute(["overall"])[0].rows
    ranked = [r for r in rows if r["listed"]]
    assert [r["rank_ub"] for r in ranked] == [1, 2, 3]
    assert np.isclose(sum(r["rating"] for r in rows) / len(rows), 1000, atol=0.05)
