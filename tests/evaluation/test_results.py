"""The public results page as a reviewer would sign it: outcomes in words, the pass line, no rank for
a gate-failed team, what is withheld and why, the method version, a printable version; and the
scorecard's efficiency block and user-block provenance."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from arena.models import Attestation, Battle, Campaign, PanelMember, Turn
from arena.ratings.snapshots import snapshot_recompute
from evaluation import evidence, scoring, selectors
from evaluation.models import Block
from evaluation.serialize import scorecard_dict
from evaluation.services import publication_set
from tests.arena.factories import bt_votes
from tests.evaluation.test_pages import bench_rows

pytestmark = pytest.mark.django_db
EVERYTHING = ["benchmark", "total", "rank", "gate"]


@pytest.fixture
def benchmark_only(contest, people):
    """The contest scored on benchmarks alone (complete totals a 38.0, b 33.25, c 28.5), one team
    advancing, and team a (the highest) failing the originality gate."""
    round_obj, (a, b, c) = contest
    Block.objects.filter(round=round_obj).exclude(key="benchmark").delete()
    round_obj.advance_count = 1
    round_obj.save()
    _, rows = bench_rows([a, b, c])
    assert evidence.benchmarks_import(round_obj=round_obj, rows=rows).errors == []
    a.gate = "fail"
    a.save()
    return round_obj, (a, b, c)


def publish(round_obj, entries, reviewer, choices=None, **kwargs):
    publication_set(
        round_obj=round_obj,
        choices=choices or {e.pk: EVERYTHING for e in entries},
        publish_round=True,
        actor=reviewer,
        reason="최종 공개",
        **kwargs,
    )


def rows_of(html):
    table = html.split('data-testid="public-results"')[1].split("</table>")[0]
    rows = {}
    for chunk in table.split("<tr data-team=")[1:]:
        name = chunk.split('"')[1]
        rows[name] = chunk.split("</tr>")[0]
    return table, rows


def test_a_gate_failed_team_never_shows_a_rank_on_the_public_page(client, benchmark_only, people):
    round_obj, (a, b, c) = benchmark_only
    publish(round_obj, (a, b, c), people["reviewer"])  # rank published for every team, a included
    html = client.get("/results/r1/").content.decode()
    table, rows = rows_of(html)
    assert (
        "순위 없음: 독자성 기준 미충족" in rows[a.team.name]
        and "진출 불가: 독자성 기준 미충족" in rows[a.team.name]
    )
    assert "<td>1</td>" not in rows[a.team.name] and "38.0" in rows[a.team.name]  # scores kept, no rank
    assert "<td>1</td>" in rows[b.team.name] and "<td>2</td>" in rows[c.team.name]  # ranks close up
    # grouped by outcome, the line drawn after the advancing team, its total shown (published)
    order = [table.index(f'data-team="{t.team.name}"') for t in (b, c, a)]
    assert order == sorted(order) and order[0] < table.index('data-testid="pass-line"') < order[1]
    assert (
        "통과선 33.2점" in html and "진출하지 못함" in rows[c.team.name] and ">진출</td>" in rows[b.team.name]
    )
    api = client.get("/api/v1/rounds/r1/results/").json()
    row_a = next(t for t in api["teams"] if t["team"] == a.team.name)
    assert row_a["status"] == "gate_failed" and row_a["values"][2] == "순위 없음: 독자성 기준 미충족"
    assert api["line"] == "33.2" and api["round"]["method_version"] == scoring.METHOD_VERSION
    client.cookies["django_language"] = "en"
    english = client.get("/results/r1/").content.decode()
    assert "No rank: originality requirement not met" in english and "Cannot advance" in english


def test_the_pass_line_total_is_shown_only_when_it_reveals_nothing_unpublished(
    client, benchmark_only, people
):
    round_obj, (a, b, c) = benchmark_only
    choices = {a.pk: ["gate"], b.pk: ["benchmark", "rank"], c.pk: EVERYTHING}
    publish(round_obj, (a, b, c), people["reviewer"], choices=choices, withheld_reason="팀 보호")
    html = client.get("/results/r1/").content.decode()
    assert 'data-testid="pass-line"' in html and "33.2" not in html.split('data-testid="pass-line"')[1][:200]
    assert "점수는 비공개, 표에 선으로 표시" in html and "통과선 33.2점" not in html
    assert "팀 보호" in html  # why items are withheld


def test_the_printable_version_carries_the_method_and_a_sign_off(client, benchmark_only, people):
    round_obj, entries = benchmark_only
    publish(round_obj, entries, people["reviewer"])
    html = client.get("/results/r1/print/").content.decode()
    assert 'class="print-report"' in html and "data-print" in html and 'data-testid="signature"' in html
    assert 'data-testid="method"' in html and scoring.METHOD_VERSION in html
    assert 'data-testid="public-results"' in html and "순위 없음: 독자성 기준 미충족" in html
    round_obj.is_published = False
    round_obj.save()
    assert client.get("/results/r1/print/").status_code == 404


def attest(entry, total, active):
    Attestation.objects.create(
        endpoint=entry.endpoint,
        checkpoint=f"sha256:{entry.pk}",
        params_total=total,
        params_active=active,
        licence="Apache-2.0",
        statement="같은 모델",
        signed_by_name="책임자",
        signed_at=timezone.now(),
    )


def turn_with_speed(entry, other, speed, n=3):
    for _ in range(n):
        battle = Battle.objects.create(
            id=uuid.uuid4(),
            voter="v",
            model_a=entry.endpoint,
            model_b=other.endpoint,
            model_a_version="1",
            model_b_version="1",
            pair_probability=0.3,
            status=Battle.Status.VOTED,
            turn_count=1,
        )
        Turn.objects.create(
            battle=battle,
            index=0,
            prompt="q",
            response_a="a",
            response_b="b",
            tokens_per_s_a=speed,
            started_at=timezone.now() - dt.timedelta(seconds=5),
            finished_at=timezone.now(),
        )


def test_the_efficiency_block_from_attested_sizes_energy_and_arena_speed(client, final_contest, people):
    round_obj, (a, b, c) = final_contest
    rows = []
    for entry in (a, b, c):
        for category in ("global", "nia", "individual"):
            rows.append(
                bench_rows([entry])[1][0]
                | {"category": category, "benchmark": f"B-{category}", "score": "60"}
            )
    assert evidence.benchmarks_import(round_obj=round_obj, rows=rows).errors == []
    attest(a, 8_000_000_000, 8_000_000_000)
    attest(b, 100_000_000_000, 10_000_000_000)  # a mixture of experts: few active parameters
    turn_with_speed(a, b, 50.0)
    built = selectors.scorecard_build(round_obj, draws=0)
    by_team = {t.name: t for t in built.card.teams}
    serving = {k: built.evidence[k].serving for k in built.evidence}
    a_costs, b_costs = serving[str(a.team_id)].costs(), serving[str(b.team_id)].costs()
    assert a_costs["size"] == 8e9 and b_costs["size"] == 1e10 and a_costs["speed"] == pytest.approx(20.0)
    assert b_costs["speed"] is None and serving[str(c.team_id)].attestation is None
    reference = scoring.cost_reference([a_costs, b_costs])
    assert by_team[a.team.name].points["benchmark"] == pytest.approx(40 * 0.6)  # 60 of 100, no targets
    expected = scoring.efficiency(scoring.Achievement(0.6), a_costs, reference)
    assert by_team[a.team.name].points["efficiency"] == pytest.approx(10 * expected.value)
    assert by_team[b.team.name].points["efficiency"] < by_team[a.team.name].points["efficiency"]
    assert by_team[c.team.name].points["efficiency"] is None  # no attestation: missing, not zero
    client.force_login(people["reviewer"])
    html = client.get("/staff/rounds/f1/").content.decode()
    section = html.split(f'data-testid="evidence-{a.team.name}"')[1].split("</section>")[0]
    assert "8000000000" in section and "초당 50.0 토큰" in section and "에너지 등급" in section
    assert "(이 평가 팀들의 기하평균 비용 ÷ 그 팀의 비용)^0.25" in html  # the method written out
    data = scorecard_dict(built)
    team_a = next(t for t in data["teams"] if t["team"] == a.team.name)
    assert team_a["serving"]["params_active"] == 8_000_000_000 and team_a["serving"]["measured_turns"] == 3


DEMOGRAPHICS = {"gender": "female", "region": "capital", "age_band": "30s", "proficiency": "novice"}


def panel_votes(models, members=4, per_member=30):
    campaign = Campaign.objects.active()
    for i in range(members):
        PanelMember.objects.create(campaign=campaign, person_hash=f"h{i}", voter=f"panel-{i}", **DEMOGRAPHICS)
        bt_votes(models, [0.5, 0.0, -0.5][: len(models)], per_member, seed=i, voter=f"panel-{i}")


def test_the_user_block_names_its_board_its_panel_and_its_interval(client, contest, people, settings):
    settings.LEADERBOARD_MIN_VOTES = 5
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 30
    round_obj, entries = contest
    panel_votes([e.endpoint for e in entries])
    bt_votes([e.endpoint for e in entries], [0, 0, 0], 50, seed=9, voter="public-1")
    snapshot_recompute(["panel", "overall"])
    built = selectors.scorecard_build(round_obj, draws=0)
    board = built.user_board
    assert (board.is_panel, board.panel_members, board.panel_votes, board.uncovered) == (True, 4, 120, [])
    client.force_login(people["reviewer"])
    html = client.get("/staff/rounds/r1/").content.decode()
    assert (
        "본인확인을 거친 국민평가단 4명의 유효 투표 120표" in html
        and 'data-testid="panel-fallback"' not in html
    )
    row = built.evidence[str(entries[0].team_id)].rating
    assert f"95% 구간 {row['ci_low']:.1f}–{row['ci_high']:.1f}" in html


def test_when_the_panel_lacks_a_team_the_fallback_is_named(client, contest, people, settings):
    settings.LEADERBOARD_MIN_VOTES = 5
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 30
    round_obj, (a, b, c) = contest
    panel_votes([a.endpoint, b.endpoint])  # the panel never met team c's model
    bt_votes([a.endpoint, b.endpoint, c.endpoint], [0, 0, 0], 60, seed=9, voter="public-1")
    snapshot_recompute(["panel", "overall"])
    board = selectors.scorecard_build(round_obj, draws=0).user_board
    assert (board.is_panel, board.snapshot.view, board.uncovered) == (False, "overall", [c.team.name])
    client.force_login(people["reviewer"])
    html = client.get("/staff/rounds/r1/").content.decode()
    fallback = html.split('data-testid="panel-fallback"')[1].split("</p>")[0]
    assert "전체 집계" in fallback and c.team.name in fallback and a.team.name not in fallback
    assert "국민평가단 집계: 4명, 120표" in fallback and "대신 쓴 집계의 유효 투표: 180표" in fallback
