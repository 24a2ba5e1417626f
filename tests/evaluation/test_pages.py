"""Stage-evaluation pages and API: three personas per page, the audit log, publication, export,
the command, and the expert blind review."""

import csv
import datetime as dt
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from arena.models import Battle, Turn
from core.audit import AuditLog
from evaluation import scoring, selectors
from evaluation.models import Block, ExpertScore, ReviewAssignment, Round, SubItem
from evaluation.serialize import scorecard_dict
from evaluation.services import publication_set

pytestmark = pytest.mark.django_db


def test_stage_1_is_preloaded_exactly():
    round_obj = Round.objects.get(slug="stage-1")
    blocks = {b.key: (b.kind, b.weight) for b in round_obj.blocks.all()}
    assert blocks == {"benchmark": ("benchmark", 40.0), "expert": ("expert", 35.0), "user": ("user", 25.0)}
    subs = {s.key: s.points for s in SubItem.objects.filter(block__round=round_obj)}
    assert subs == {"nia": 10.0, "common": 20.0, "individual": 10.0}


WEIGHTS = {"weight-benchmark": "40", "weight-expert": "35", "weight-user": "25"}

# (url, allowed persona, another role that must get 403)
PAGES = [
    ("/staff/rounds/", "reviewer", "expert"),
    ("/staff/rounds/r1/", "reviewer", "citizen"),
    ("/staff/rounds/r1/what-if/?weight-benchmark=10&weight-expert=10&weight-user=80", "reviewer", "expert"),
    ("/staff/rounds/r1/scorecard.csv", "reviewer", "expert"),
    ("/staff/rounds/r1/report/", "reviewer", "expert"),
    ("/staff/rounds/r1/what-if/", "reviewer", "expert"),
    ("/staff/rounds/r1/weights/", "reviewer", "expert"),
    ("/staff/rounds/r1/evidence/", "admin", "reviewer"),
    ("/staff/rounds/r1/originality/", "reviewer", "expert"),
    ("/staff/rounds/r1/audit/", "reviewer", "citizen"),
    ("/staff/rounds/r1/appeals/", "reviewer", "expert"),
    ("/staff/rounds/new/", "reviewer", "expert"),
    ("/staff/reviews/", "expert", "reviewer"),
    ("/staff/moderation/", "reviewer", "expert"),
    ("/staff/integrity/", "reviewer", "expert"),
]


@pytest.mark.parametrize(("url", "allowed", "other"), PAGES)
def test_three_personas_per_page(client, contest, people, url, allowed, other):
    client.force_login(people[allowed])
    assert client.get(url).status_code == 200
    client.force_login(people[other])
    assert client.get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"), [("reviewer", 200), ("admin", 200), ("expert", 403), ("citizen", 403), (None, 403)]
)
def test_scorecard_api_roles(client, contest, people, persona, status):
    if persona:
        client.force_login(people[persona])
    response = client.get("/api/v1/rounds/r1/scorecard/")
    assert response.status_code == status
    if status == 403:
        assert "error" in response.json() and "teams" not in response.json()


def test_staff_home_shows_experts_only_their_queue(client, people):
    client.force_login(people["expert"])
    html = client.get("/staff/").content.decode()
    assert "/staff/reviews/" in html and "/staff/rounds/" not in html and "/staff/integrity/" not in html


def bench_rows(entries):
    from evaluation import evidence

    rows = []
    for i, entry in enumerate(entries):
        for category in ("nia", "common", "individual"):
            rows.append(
                {
                    "team": entry.team.name,
                    "model": entry.endpoint.name,
                    "category": category,
                    "benchmark": f"B-{category}",
                    "version": "1",
                    "score": str(80 - 10 * i),
                    "target_score": "80" if category != "nia" else "",
                    "licence": "MIT",
                    "harness": "h",
                    "harness_version": "1",
                    "date": "2026-10-01",
                    "source_url": "https://example.org",
                }
            )
    return evidence, rows


def test_missing_evidence_is_shown_as_missing(client, contest, people):
    round_obj, entries = contest
    evidence, rows = bench_rows(entries)
    evidence.benchmarks_import(round_obj=round_obj, rows=rows[:-1])  # the third team lacks one sub-item
    client.force_login(people["reviewer"])
    html = client.get("/staff/rounds/r1/").content.decode()
    assert "자료 없음" in html and "벤치마크 결과가 없는 세부 항목" in html
    data = client.get("/api/v1/rounds/r1/scorecard/").json()
    # the API's serializers carry every field of the plain scorecard the command and the CSV write
    assert data == json.loads(json.dumps(scorecard_dict(selectors.scorecard_build(round_obj))))
    third = next(t for t in data["teams"] if t["team"] == entries[2].team.name)
    assert third["points"]["benchmark"] is None and third["total"] is None and third["status"] == "incomplete"
    assert third["missing_benchmark_sub_items"] == ["글로벌 개별 벤치마크"]
    first = next(t for t in data["teams"] if t["team"] == entries[0].team.name)
    assert first["points"]["benchmark"] == pytest.approx(40 * (10 * 0.8 + 20 * 1 + 10 * 1) / 40)
    assert first["points"]["expert"] is None  # no expert review yet: missing, not zero


def test_weight_changes_need_a_reason_and_are_audited(client, contest, people):
    round_obj, _ = contest
    client.force_login(people["reviewer"])
    no_reason = client.post("/staff/rounds/r1/weights/", WEIGHTS | {"weight-user": "30", "reason": " "})
    assert no_reason.status_code == 400 and "사유" in no_reason.content.decode()
    assert Block.objects.get(round=round_obj, key="user").weight == 25.0
    round_obj.is_published = True
    round_obj.save()
    bad = client.post("/staff/rounds/r1/weights/", WEIGHTS | {"weight-user": "-5", "reason": "x"})
    assert bad.status_code == 400 and Block.objects.get(round=round_obj, key="user").weight == 25.0
    client.post("/staff/rounds/r1/weights/", WEIGHTS | {"weight-user": "20", "reason": "2단계 기준 반영"})
    assert Block.objects.get(round=round_obj, key="user").weight == 20.0
    log = AuditLog.objects.filter(action="round_weights").first()
    assert (
        log.actor,
        log.reason,
        log.details["before"]["user"],
        log.details["after"]["user"],
        log.details["published"],
    ) == (people["reviewer"], "2단계 기준 반영", 25.0, 20.0, True)
    html = client.get("/staff/rounds/r1/audit/").content.decode()
    assert "2단계 기준 반영" in html and "round_weights" in html  # the reason is shown in the audit log


def test_before_publication_names_and_sub_item_points_are_adjusted_in_both_languages(client, contest, people):
    round_obj, _ = contest
    client.force_login(people["reviewer"])
    form = WEIGHTS | {
        "name-benchmark": "벤치마크",
        "name_en-benchmark": "Benchmark suite",
        "name-expert": "전문가 평가",
        "name_en-expert": "",
        "name-user": "사용자 평가",
        "name_en-user": "",
        "sub-benchmark-nia": "5",
        "sub_name-benchmark-nia": "NIA 벤치마크",
        "sub_name_en-benchmark-nia": "",
        "sub-benchmark-common": "25",
        "sub_name-benchmark-common": "공통",
        "sub_name_en-benchmark-common": "Common set",
        "sub-benchmark-individual": "10",
        "sub_name-benchmark-individual": "개별",
        "sub_name_en-benchmark-individual": "",
        "reason": "2차 틀 조정",
    }
    bad = client.post("/staff/rounds/r1/weights/", form | {"sub-benchmark-nia": "nan"})
    assert bad.status_code == 400 and SubItem.objects.get(block__round=round_obj, key="nia").points == 10.0
    assert client.post("/staff/rounds/r1/weights/", form).status_code == 302
    assert SubItem.objects.get(block__round=round_obj, key="nia").points == 5.0
    block = Block.objects.get(round=round_obj, key="benchmark")
    assert (block.name, block.name_en) == ("벤치마크", "Benchmark suite")
    client.cookies["django_language"] = "en"
    english = client.get("/staff/rounds/r1/").content.decode()
    assert "Benchmark suite (40)" in english and "Expert review (35)" in english  # typed, then catalogue
    log = AuditLog.objects.get(action="round_weights")
    assert log.reason == "2차 틀 조정" and log.details["sub_items"]["benchmark-nia"]["after"]["points"] == 5.0


def test_the_english_scorecard_shows_translated_block_names(client, contest, people):
    client.force_login(people["reviewer"])
    client.cookies["django_language"] = "en"
    html = client.get("/staff/rounds/r1/").content.decode()
    table = html.split('data-testid="scorecard-table"')[1].split("</table>")[0]
    assert "Benchmarks (40)" in table and "Expert review (35)" in table and "User evaluation (25)" in table
    assert "벤치마크 평가" not in table and "전문가 평가" not in table
    # the stage-1 round preloaded by the data migration has no stored English: the catalogue has it
    preloaded = client.get("/staff/rounds/stage-1/").content.decode()
    assert "Benchmarks (40)" in preloaded


def test_what_if_leaves_the_official_weights_alone(client, contest, people):
    round_obj, entries = contest
    client.force_login(people["reviewer"])
    html = client.get(
        "/staff/rounds/r1/what-if/?weight-benchmark=10&weight-expert=10&weight-user=80",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in html and 'data-testid="what-if-table"' in html and "(80)" in html
    assert {b.key: b.weight for b in round_obj.blocks.all()} == {
        "benchmark": 40.0,
        "expert": 35.0,
        "user": 25.0,
    }
    bad = client.get(
        "/staff/rounds/r1/what-if/?weight-benchmark=abc&weight-expert=10&weight-user=80",
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400 and "숫자여야" in bad.content.decode()
    full = client.get("/staff/rounds/r1/what-if/?weight-benchmark=10&weight-expert=10&weight-user=80")
    assert "<html" in full.content.decode()  # without htmx: a whole page
    # opened directly (a bookmark, a shared link): the official weights, the form filled with them
    direct = client.get("/staff/rounds/r1/what-if/")
    html = direct.content.decode()
    assert direct.status_code == 200 and "공식 배점으로 계산한 결과" in html and "(40)" in html
    assert 'name="weight-user" value="25"' in html and 'role="alert"' not in html


def test_publication_shows_only_what_was_published(client, contest, people):
    round_obj, entries = contest
    evidence, rows = bench_rows(entries)
    evidence.benchmarks_import(round_obj=round_obj, rows=rows)
    assert client.get("/results/r1/").status_code == 404  # not published yet
    client.force_login(people["reviewer"])
    a, b, c = entries
    form = {
        f"publish-{a.pk}": ["benchmark", "gate"],
        f"publish-{b.pk}": ["benchmark"],
        "publish_round": "1",
        "reason": "1차 공개",
        "withheld_reason": "팀 보호를 위해 총점과 순위는 공개하지 않습니다.",
    }
    for missing in ("reason", "withheld_reason"):  # both are required: nothing changes without them
        refused = client.post("/staff/rounds/r1/publish/", form | {missing: " "})
        assert refused.status_code == 400 and 'data-testid="publish-error"' in refused.content.decode()
        assert not Round.objects.get(pk=round_obj.pk).is_published
        assert not AuditLog.objects.filter(action="round_publication").exists()
    client.post("/staff/rounds/r1/publish/", form)
    client.logout()
    html = client.get("/results/r1/").content.decode()
    table = html.split('data-testid="public-results"')[1].split("</table>")[0]
    assert "38.0" in table  # team a's benchmark block (nia 0.8 x 10 + 20 + 10), published
    assert table.count("비공개") == 3 * 6 - 3  # 6 cells per team (3 blocks, total, rank, gate), 3 published
    withheld = html.split('data-testid="withheld-list"')[1]
    assert f"{c.team.name}: 벤치마크 평가, 전문가 평가, 사용자 평가, 총점, 순위, 독자성 판정" in withheld
    assert "팀 보호를 위해 총점과 순위는 공개하지 않습니다." in html  # what is withheld, and why
    api = client.get("/api/v1/rounds/r1/results/").json()
    row_a = next(t for t in api["teams"] if t["team"] == a.team.name)
    assert row_a["values"][0] == "38.0" and row_a["values"][1] is None and "총점" in row_a["withheld"]
    log = AuditLog.objects.get(action="round_publication")
    assert (
        log.actor == people["reviewer"]
        and log.reason == "1차 공개"
        and log.details["changes"]["round"] == {"published": True}
    )
    published = Round.objects.get(pk=round_obj.pk)
    assert published.method_version == scoring.METHOD_VERSION and published.method_version in html


def test_publication_rejects_teams_from_another_round(contest, people):
    from django.core.exceptions import ValidationError

    round_obj, _ = contest
    with pytest.raises(ValidationError):
        publication_set(
            round_obj=round_obj,
            choices={999999: ["total"]},
            publish_round=False,
            actor=people["reviewer"],
            reason="x",
        )


def test_csv_export_and_command_agree(client, contest, people):
    round_obj, entries = contest
    evidence, rows = bench_rows(entries)
    evidence.benchmarks_import(round_obj=round_obj, rows=rows)
    client.force_login(people["reviewer"])
    response = client.get("/staff/rounds/r1/scorecard.csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["team", "benchmark (40)", "expert (35)", "user (25)"]
    out = io.StringIO()
    call_command("scorecard", "--round", "r1", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["weights"] == {"benchmark": 40.0, "expert": 35.0, "user": 25.0}
    by_team = {t["team"]: t for t in data["teams"]}
    for line in table[1:]:
        assert float(line[1]) == pytest.approx(by_team[line[0]]["points"]["benchmark"], abs=0.005)
        assert line[4] == ""  # no total: expert and user evidence missing
    assert len(table) == 4


def battle_between(a, b, *, prompt="질문", error=""):
    battle = Battle.objects.create(
        id=uuid.uuid4(),
        voter="v",
        model_a=a.endpoint,
        model_b=b.endpoint,
        model_a_version="1",
        model_b_version="1",
        pair_probability=0.3,
        status=Battle.Status.VOTED,
        turn_count=1,
    )
    now = timezone.now()
    Turn.objects.create(
        battle=battle,
        index=0,
        prompt=prompt,
        response_a="첫째 답변입니다.",
        response_b="둘째 답변입니다.",
        error_a=error,
        started_at=now - dt.timedelta(seconds=5),
        finished_at=now,
    )
    return battle


def scores_post(a_value, b_value, comment=""):
    data = {f"a-{c}": str(a_value) for c in ("accuracy", "fluency", "safety", "helpfulness")}
    data |= {f"b-{c}": str(b_value) for c in ("accuracy", "fluency", "safety", "helpfulness")}
    return data | {"comment": comment}


def test_expert_blind_review_round_trip(client, contest, people):
    round_obj, (a, b, c) = contest
    good = battle_between(a, b, prompt="전입신고 방법")
    battle_between(b, c, error="upstream 500")  # failed side: never reviewed
    client.force_login(people["expert"])
    html = client.get("/staff/reviews/").content.decode()
    assert html.count('data-testid="assignment-open"') == 1
    assignment = ReviewAssignment.objects.get(expert=people["expert"])
    assert assignment.battle_id == good.pk
    page = client.get(f"/staff/reviews/{assignment.pk}/").content.decode()
    assert "전입신고 방법" in page and "첫째 답변입니다." in page
    for secret in (a.endpoint.name, b.endpoint.name, a.team.name, b.team.name):
        assert secret not in page  # model and team names never shown to the expert
    incomplete = client.post(f"/staff/reviews/{assignment.pk}/", {"a-accuracy": "5"})
    assert incomplete.status_code == 400 and ExpertScore.objects.count() == 0
    out_of_range = client.post(f"/staff/reviews/{assignment.pk}/", scores_post(6, 3))
    assert out_of_range.status_code == 400 and ExpertScore.objects.count() == 0
    client.post(f"/staff/reviews/{assignment.pk}/", scores_post(5, 2, "A가 더 정확"))
    assert {(s.side, s.endpoint_id, s.accuracy) for s in ExpertScore.objects.all()} == {
        ("a", a.endpoint_id, 5),
        ("b", b.endpoint_id, 2),
    }
    again = client.post(f"/staff/reviews/{assignment.pk}/", scores_post(1, 1))
    assert again.status_code == 400 and ExpertScore.objects.filter(accuracy=1).count() == 0

    # a second expert gets the same battle (overlap), cannot open the first expert's assignment, and
    # never sees the first expert's scores
    client.force_login(people["expert2"])
    assert client.get(f"/staff/reviews/{assignment.pk}/").status_code == 404
    client.get("/staff/reviews/")
    second = ReviewAssignment.objects.get(expert=people["expert2"])
    assert second.battle_id == good.pk
    page = client.get(f"/staff/reviews/{second.pk}/").content.decode()
    assert "A가 더 정확" not in page and "checked" not in page
    client.post(f"/staff/reviews/{second.pk}/", scores_post(4, 2))

    client.force_login(people["reviewer"])
    html = client.get("/staff/rounds/r1/").content.decode()
    assert 'data-testid="expert-agreement"' in html and "Krippendorff" in html
    data = client.get("/api/v1/rounds/r1/scorecard/").json()
    team_a = next(t for t in data["teams"] if t["team"] == a.team.name)
    assert team_a["expert_reviews"] == 2
    assert team_a["points"]["expert"] == pytest.approx(35 * ((5 - 1) / 4 + (4 - 1) / 4) / 2)


def test_expert_statistics_and_agreement(contest, people):
    from evaluation.selectors import expert_stats

    round_obj, (a, b, _) = contest
    battles = [battle_between(a, b) for _ in range(3)]
    for expert, shift in ((people["expert"], 0), (people["expert2"], 0)):
        for i, battle in enumerate(battles):
            assignment = ReviewAssignment.objects.create(
                expert=expert, battle=battle, submitted_at=timezone.now()
            )
            for side, endpoint, value in (("a", a.endpoint, 3 + i % 3), ("b", b.endpoint, 1 + i)):
                ExpertScore.objects.create(
                    assignment=assignment,
                    side=side,
                    endpoint=endpoint,
                    accuracy=value + shift,
                    fluency=value,
                    safety=value,
                    helpfulness=value,
                )
    stats, alpha, shared = expert_stats(round_obj)
    assert alpha == pytest.approx(1.0) and shared == 3 * 2 * 4  # identical scores: perfect agreement
    by_team = {s.entry.team.name: s for s in stats}
    assert by_team[a.team.name].reviews == 6 and by_team[a.team.name].overall == pytest.approx(4.0)
    assert by_team[b.team.name].means["accuracy"] == pytest.approx(2.0)


def test_published_rounds_are_linked_from_home_and_frozen_in_the_admin(client, contest):
    from django.contrib.auth import get_user_model

    round_obj, _ = contest
    assert "/results/r1/" not in client.get("/").content.decode()
    round_obj.is_published = True
    round_obj.save()
    assert "/results/r1/" in client.get("/").content.decode()
    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests")
    client.force_login(admin)
    html = client.get(f"/admin/evaluation/round/{round_obj.pk}/change/").content.decode()
    assert 'name="blocks-0-weight"' not in html  # read-only: the audited weights page is the way
    round_obj.is_published = False
    round_obj.save()
    assert (
        'name="blocks-0-weight"'
        in client.get(f"/admin/evaluation/round/{round_obj.pk}/change/").content.decode()
    )


def test_evidence_page_imports_sets_gates_and_counts(client, contest, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluation.models import BenchmarkResult, RoundTeam

    round_obj, entries = contest
    _, rows = bench_rows(entries)
    client.force_login(people["admin"])
    header = ",".join(rows[0])
    bad_csv = (
        header + "\n" + ",".join(rows[0].values()) + "\n" + ",".join((rows[1] | {"score": "120"}).values())
    )
    response = client.post(
        "/staff/rounds/r1/evidence/benchmarks/",
        {"file": SimpleUploadedFile("b.csv", bad_csv.encode())},
    )
    assert response.status_code == 400 and "2행 score 열" in response.content.decode()
    assert BenchmarkResult.objects.count() == 0
    good_csv = header + "\n" + "\n".join(",".join(r.values()) for r in rows)
    response = client.post(
        "/staff/rounds/r1/evidence/benchmarks/",
        {"file": SimpleUploadedFile("b.csv", good_csv.encode())},
    )
    assert response.status_code == 302 and BenchmarkResult.objects.count() == 9
    wrong = client.post("/staff/rounds/r1/evidence/benchmarks/", {"file": SimpleUploadedFile("b.xlsx", b"x")})
    assert wrong.status_code == 400 and "CSV" in wrong.content.decode()

    entry = entries[0]
    client.post(
        "/staff/rounds/r1/originality/gate/",
        {
            "entry": entry.pk,
            "gate": "fail",
            "reason": "외부 가중치 사용",
            "tech_report_url": "https://example.org/report",
            "training_logs_url": "",
        },
    )
    entry.refresh_from_db()
    assert (entry.gate, entry.tech_report_url) == ("fail", "https://example.org/report")
    assert AuditLog.objects.filter(action="originality_gate", reason="외부 가중치 사용").exists()
    for bad in ({"gate": "maybe", "reason": "x"}, {"gate": "pass", "reason": " "}):
        bad_gate = client.post("/staff/rounds/r1/originality/gate/", {"entry": entry.pk} | bad)
        assert bad_gate.status_code == 400 and RoundTeam.objects.get(pk=entry.pk).gate == "fail"
    bad_count = client.post("/staff/rounds/r1/evidence/derivatives/", {"entry": entry.pk, "count": "-3"})
    assert bad_count.status_code == 400 and RoundTeam.objects.get(pk=entry.pk).derivatives is None
    client.post("/staff/rounds/r1/evidence/derivatives/", {"entry": entry.pk, "count": "12"})
    assert RoundTeam.objects.get(pk=entry.pk).derivatives == 12

    settings.MODEL_HUB_URL = "http://127.0.0.1:9"  # nothing listens: every team is reported, none changed
    response = client.post("/staff/rounds/r1/evidence/hub-sync/", {}, follow=True)
    assert "허브를 읽지 못했습니다" in response.content.decode()
    assert RoundTeam.objects.get(pk=entry.pk).derivatives == 12

    # the scorecard now shows the gate failure: scored, not advancing
    data = client.get("/api/v1/rounds/r1/scorecard/").json()
    assert next(t for t in data["teams"] if t["team"] == entry.team.name)["status"] == "gate_failed"


def test_scorecard_command_text_and_unknown_round(contest):
    from django.core.management import CommandError

    out = io.StringIO()
    call_command("scorecard", "--round", "r1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "team | benchmark 40 | expert 35 | user 25 | total | rank | status | stability"
    assert all(line.endswith("| missing | - | incomplete | -") for line in lines[2:]) and len(lines) == 5
    with pytest.raises(CommandError, match="no round 'nope'"):
        call_command("scorecard", "--round", "nope")


def test_scorecard_page_reads_expert_scores_once(client, contest, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["reviewer"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/staff/rounds/r1/").status_code == 200
    assert sum('FROM "evaluation_expertscore"' in q["sql"] for q in ctx.captured_queries) == 1
