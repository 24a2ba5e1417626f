"""The open vote dataset's CSV opens safely in Korean Excel: a BOM, and no cell runs as a formula."""

import csv
import io

import pytest
from django.core.management import call_command

from arena.models import Battle, Team, Vote

pytestmark = pytest.mark.django_db


def test_votes_csv_has_a_bom_and_defuses_formula_looking_names(two_demo_endpoints, voter, tmp_path):
    a, b = two_demo_endpoints
    Team.objects.filter(pk=a.team_id).update(name="=1+cmd|' /C calc'!A0")
    a.name = "@SUM(A1:A9)"
    a.save()
    battle = Battle.objects.create(
        voter=voter,
        model_a=a,
        model_b=b,
        model_a_version="v",
        model_b_version="v",
        pair_probability=0.5,
        status=Battle.Status.VOTED,
        turn_count=1,
    )
    Vote.objects.create(battle=battle, choice="a", voter=voter, seconds_after_last_token=5)
    call_command("export_votes", "--out", str(tmp_path), stdout=io.StringIO())
    raw = (tmp_path / "votes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    (row,) = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert row["team_a"] == "'=1+cmd|' /C calc'!A0"
    assert row["model_a"] == "'@SUM(A1:A9)"
    assert row["seconds_after_last_token"] == "5.0"  # numbers stay numbers
