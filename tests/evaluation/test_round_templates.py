"""Round templates: a reviewer creates the next round from stage 1 or the stage-2/final template,
optionally entering the teams that advanced, and adjusts it before publication."""

import pytest

from core.audit import AuditLog
from evaluation import evidence, round_templates
from evaluation.models import Block, Round, SubItem
from tests.evaluation.test_pages import bench_rows

pytestmark = pytest.mark.django_db


def test_the_final_template_has_four_blocks_and_the_reinforced_rule(client, people):
    client.force_login(people["reviewer"])
    response = client.post(
        "/staff/rounds/new/", {"template": "final", "name": "최종 단계평가", "slug": "final-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/rounds/final-2026/weights/"
    round_obj = Round.objects.get(slug="final-2026")
    assert (round_obj.template, round_obj.gate_policy, round_obj.advance_count) == ("final", "reinforced", 2)
    blocks = {b.key: (b.kind, b.weight) for b in round_obj.blocks.all()}
    assert blocks == {
        "benchmark": ("benchmark", 40.0),
        "expert": ("expert", 30.0),
        "user": ("user", 20.0),
        "efficiency": ("efficiency", 10.0),
    }
    subs = {s.key: s.points for s in SubItem.objects.filter(block__round=round_obj)}
    assert subs == {"global": 20.0, "nia": 10.0, "individual": 10.0}
    # names stored in both languages (the English from the catalogue)
    efficiency = Block.objects.get(round=round_obj, key="efficiency")
    assert efficiency.name.startswith("효율성") and efficiency.name_en.startswith("Efficiency")
    assert AuditLog.objects.filter(
        action="round_create", target="round:final-2026", actor=people["reviewer"]
    ).exists()


def test_the_stage_1_template_is_the_published_scorecard():
    spec = round_templates.STAGE1
    assert [(b.key, b.weight) for b in spec.blocks] == [("benchmark", 40.0), ("expert", 35.0), ("user", 25.0)]
    assert [(s.key, s.points) for s in spec.blocks[0].sub_items] == [
        ("nia", 10.0),
        ("common", 20.0),
        ("individual", 10.0),
    ]
    assert spec.gate_policy == "basic"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"template": "stage9"}, "알 수 없는 평가 틀"),
        ({"slug": "r1"}, "이미 있습니다"),
        ({"slug": "최종"}, "영문, 숫자"),
        ({"name": " "}, "평가 이름"),
        ({"advance_count": "0"}, "1에서 50"),
        ({"advance_count": "two"}, "1에서 50"),
        ({"teams_from": "nope"}, "찾을 수 없습니다"),
    ],
)
def test_bad_round_input_is_refused_and_nothing_is_created(client, contest, people, changes, message):
    client.force_login(people["reviewer"])
    before = Round.objects.count()
    form = {"template": "final", "name": "최종", "slug": "f2"} | changes
    response = client.post("/staff/rounds/new/", form)
    assert response.status_code == 400 and message in response.content.decode()
    assert Round.objects.count() == before


def test_the_next_round_takes_only_the_teams_that_advanced(client, contest, people):
    round_obj, (a, b, c) = contest
    Block.objects.filter(round=round_obj).exclude(key="benchmark").delete()  # scored on benchmarks alone
    _, rows = bench_rows([a, b, c])
    evidence.benchmarks_import(round_obj=round_obj, rows=rows)
    a.gate = "fail"  # the best scores, but not original: not carried
    a.save()
    round_obj.advance_count = 1
    round_obj.save()
    client.force_login(people["reviewer"])
    client.post("/staff/rounds/new/", {"template": "final", "name": "최종", "slug": "f2", "teams_from": "r1"})
    carried = Round.objects.get(slug="f2").entries.select_related("team")
    assert [(e.team, e.endpoint, e.gate) for e in carried] == [(b.team, b.endpoint, "under_review")]
    assert AuditLog.objects.get(action="round_create", target="round:f2").details["teams"] == [b.team.name]
