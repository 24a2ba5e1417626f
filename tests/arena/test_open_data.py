"""Open-data hygiene: a sensitive-data report round-trips from the public form through the staff queue
into every later export; dated ranking CSVs per board; the data-quality section of the README."""

import csv
import io
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command

from arena.models import DataReport, Turn, Vote
from arena.ratings.method import method_version_latest
from arena.ratings.ranking_csv import LICENCE
from arena.ratings.snapshots import snapshot_recompute
from core import roles
from core.audit import AuditLog
from tests.arena.factories import bt_votes, endpoints, open_battle
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaked_vote(settings):
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 20
    settings.LEADERBOARD_MIN_VOTES = 5
    models = endpoints(3)
    bt_votes(models, [0.5, 0.0, -0.5], 60, seed=3)
    battle = open_battle("v-leak", models[0], models[1], prompt="제 주소는 한빛마을 3단지 이민수입니다")
    return Vote.objects.create(battle=battle, choice="a", voter="v-leak", seconds_after_last_token=9)


def export(tmp_path, name):
    out = tmp_path / name
    call_command("export_votes", "--out", str(out), stdout=io.StringIO())
    records = {
        json.loads(line)["vote_id"]: json.loads(line) for line in (out / "votes.jsonl").open(encoding="utf-8")
    }
    return out, records


def test_a_takedown_request_round_trips(client, tmp_path, leaked_vote, django_capture_on_commit_callbacks):
    _, before = export(tmp_path, "v1")
    assert "한빛마을" in before[leaked_vote.pk]["turns"][0]["prompt"]

    page = client.get("/open-data/").content.decode()
    assert 'data-testid="report-form"' in page
    response = client.post(
        "/open-data/",
        {
            "file": "votes.jsonl",
            "row": str(leaked_vote.pk),
            "what": "첫 질문에 제 이름과 주소가 있습니다. 연락처 010-9876-5432",
            "contact_email": "reporter@example.kr",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    receipt = re.search(r'data-testid="report-receipt">([^<]+)<', html).group(1)
    status_url = re.search(r'data-testid="report-status-link">([^<]+)<', html).group(1).replace("&amp;", "&")
    report = DataReport.objects.get(receipt=receipt)
    assert report.vote == leaked_vote and "010-9876-5432" not in report.what  # the report itself is redacted
    assert client.get(status_url).content.decode().count("접수") >= 1

    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    staff = client.__class__()
    staff.force_login(reviewer)
    assert receipt in staff.get("/staff/open-data/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the reporter is told after the commit
        decided = staff.post(
            f"/staff/open-data/{report.pk}/", {"action": "redact", "note": "해당 행의 글을 지웠습니다."}
        )
    assert decided.status_code == 302

    report.refresh_from_db()
    assert report.status == DataReport.Status.REDACTED and report.contact_email == ""  # contact erased
    assert report.notified_at is not None and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reporter@example.kr"] and "해당 행의 글을 지웠습니다" in mail.outbox[0].body
    entry = AuditLog.objects.get(action="open_data_redact")
    assert entry.actor == reviewer and str(leaked_vote.pk) in entry.target
    assert "한빛마을" not in Turn.objects.get(battle=leaked_vote.battle).prompt
    status = client.get(status_url).content.decode()
    assert "가림 처리" in status and "해당 행의 글을 지웠습니다" in status

    out, after = export(tmp_path, "v2")
    record = after[leaked_vote.pk]
    assert record["redacted"] is True and "한빛마을" not in json.dumps(record, ensure_ascii=False)
    assert "한빛마을" not in (out / "votes.csv").read_text(encoding="utf-8")
    assert record["choice"] == "a" and len(after) == len(before)  # the vote stays; only its text goes
    result = io.StringIO()
    call_command("leaderboard_from_export", str(out), stdout=result)
    assert "DIFFERENT" not in result.getvalue()


def test_a_redaction_survives_text_coming_back_from_a_backup(tmp_path, leaked_vote):
    from arena.ratings.open_data import data_report_decide, data_report_submit

    report, _key = data_report_submit(
        file="votes.csv", row=str(leaked_vote.battle_id), what="주소가 보입니다"
    )
    assert report.vote == leaked_vote  # a battle id finds the vote too
    data_report_decide(
        report=report, reviewer=make_user("r", roles.MINISTRY_REVIEWER), redact_row=True, note="지웠습니다"
    )
    Turn.objects.filter(battle=leaked_vote.battle).update(prompt="제 주소는 한빛마을 3단지 이민수입니다")
    _, records = export(tmp_path, "restored")
    assert "한빛마을" not in json.dumps(records[leaked_vote.pk], ensure_ascii=False)


def test_a_declined_report_changes_no_data_but_tells_the_reporter(client, leaked_vote):
    from arena.ratings.open_data import data_report_decide, data_report_submit

    report, key = data_report_submit(file="votes.jsonl", row=str(leaked_vote.pk), what="이상한 내용이 있어요")
    data_report_decide(
        report=report, reviewer=None, redact_row=False, note="개인정보가 아닌 가상의 예시입니다."
    )
    assert "한빛마을" in Turn.objects.get(battle=leaked_vote.battle).prompt
    html = client.get(f"/open-data/reports/{report.receipt}/", {"key": key}).content.decode()
    assert "해당 없음" in html and "가상의 예시" in html
    assert AuditLog.objects.filter(action="open_data_report_decline").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"file": "secrets.txt", "row": "1", "what": "개인정보가 있어요"},
        {"file": "votes.jsonl", "row": "", "what": "개인정보가 있어요"},
        {"file": "votes.jsonl", "row": "1", "what": "짧음"},
        {"file": "votes.jsonl", "row": "1", "what": "개인정보가 있어요", "contact_email": "not-an-address"},
    ],
)
def test_a_bad_report_is_refused_and_stores_nothing(client, data):
    response = client.post("/open-data/", data)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert DataReport.objects.count() == 0


def test_the_status_page_needs_the_key(client, leaked_vote):
    from arena.ratings.open_data import data_report_submit

    report, _key = data_report_submit(file="votes.jsonl", row="1", what="개인정보가 있어요")
    assert client.get(f"/open-data/reports/{report.receipt}/", {"key": "guess"}).status_code == 404
    assert client.get("/open-data/reports/R-NOPE/").status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"), [(roles.MINISTRY_REVIEWER, 200), (roles.CITIZEN, 403), (None, 302)]
)
def test_the_report_queue_is_for_reviewers(client, role, expected, leaked_vote):
    from arena.ratings.open_data import data_report_submit

    report, _key = data_report_submit(file="votes.jsonl", row=str(leaked_vote.pk), what="개인정보가 있어요")
    if role:
        client.force_login(make_user("someone", role))
    assert client.get("/staff/open-data/").status_code == expected
    decided = client.post(f"/staff/open-data/{report.pk}/", {"action": "redact", "note": "지웠습니다 정말"})
    assert decided.status_code == (302 if role == roles.MINISTRY_REVIEWER else expected)
    report.refresh_from_db()
    assert report.status == (DataReport.Status.REDACTED if role == roles.MINISTRY_REVIEWER else "received")


def test_a_decision_needs_a_note_and_happens_once(client, leaked_vote):
    from arena.ratings.open_data import data_report_submit

    report, _key = data_report_submit(file="votes.jsonl", row=str(leaked_vote.pk), what="개인정보가 있어요")
    client.force_login(make_user("reviewer", roles.MINISTRY_REVIEWER))
    client.post(f"/staff/open-data/{report.pk}/", {"action": "redact", "note": "짧"})
    report.refresh_from_db()
    assert report.status == "received"
    client.post(f"/staff/open-data/{report.pk}/", {"action": "decline", "note": "해당 없음으로 판단"})
    second = client.post(
        f"/staff/open-data/{report.pk}/", {"action": "redact", "note": "다시 가리기 시도"}, follow=True
    )
    assert "이미 처리한 신고" in second.content.decode()
    report.refresh_from_db()
    assert report.status == "rejected"


def test_a_dated_ranking_csv_per_board(client, leaked_vote, tmp_path):
    snapshot_recompute()
    response = client.get("/leaderboard/ranking.csv", {"view": "overall"})
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Korean Excel reads it as UTF-8
    disposition = response["Content-Disposition"]
    assert re.search(r"k-ai-ranking_overall_\d{4}-\d{2}-\d{2}_KOGL-Type1\.csv", disposition)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 3
    first = rows[0]
    assert first["licence"] == LICENCE and first["method_version"] == method_version_latest() != ""
    assert float(first["ci95_low"]) <= float(first["rating"]) <= float(first["ci95_high"])
    assert client.get("/leaderboard/ranking.csv", {"view": "nosuch"}).status_code == 404
    out, _ = export(tmp_path, "with-rankings")
    assert len(list(out.glob("k-ai-ranking_*_KOGL-Type1.csv"))) == 8
    assert 'data-testid="ranking-downloads"' in client.get("/open-data/").content.decode()


def test_the_readme_reports_data_quality(tmp_path, leaked_vote):
    models = endpoints(2, prefix="품질")
    for _ in range(3):  # the same first prompt three times
        battle = open_battle("v-dup", models[0], models[1], prompt="  서울의  날씨는? ")
        Vote.objects.create(battle=battle, choice="b", voter="v-dup", seconds_after_last_token=9)
    no_answer = open_battle("v-na", models[0], models[1])
    Turn.objects.filter(battle=no_answer).update(response_b="")
    Vote.objects.create(battle=no_answer, choice="a", voter="v-na", seconds_after_last_token=9)
    Vote.objects.filter(voter="v-na").update(inclusion=Vote.Inclusion.STAFF_EXCLUDED)
    out, _ = export(tmp_path, "quality")
    readme = (out / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Data quality")[1].split("##")[0]
    assert "staff_excluded 1" in section
    assert "Conversations without a final answer on both sides: 1." in section
    assert "Duplicate prompts: 1 first prompts were asked in more than one battle (3 votes)" in section
    assert "votes whose conversation is no longer kept" in section.lower()
    assert f"Method version: {method_version_latest()} " in readme
