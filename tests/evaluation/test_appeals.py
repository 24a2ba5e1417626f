"""Appeals with three personas on every page (the team's representative, another team's, a
reviewer): a round trip from filing to a public decision, every step audit-logged; refusals without a
reason or on a closed round; and a team never seeing another team's figures, nor its own unpublished
ones."""

import pytest
from django.core.exceptions import ValidationError

from core import roles
from core.audit import AuditLog
from evaluation import appeals, evidence, selectors
from evaluation.models import Appeal, AppealMessage, Round, TeamRepresentative
from evaluation.services import publication_set, round_close
from tests.evaluation.test_pages import bench_rows
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(contest, people):
    """Representatives of the first two teams, benchmark evidence for all three, and a round that
    publishes team a's benchmark block only."""
    round_obj, (a, b, c) = contest
    rep_a = make_user("rep-a", roles.TEAM_REPRESENTATIVE)
    rep_b = make_user("rep-b", roles.TEAM_REPRESENTATIVE)
    appeals.representative_assign(user=rep_a, team=a.team, actor=people["admin"], reason="지정")
    appeals.representative_assign(user=rep_b, team=b.team, actor=people["admin"], reason="지정")
    _, rows = bench_rows([a, b, c])
    assert evidence.benchmarks_import(round_obj=round_obj, rows=rows).errors == []
    publication_set(
        round_obj=round_obj,
        choices={a.pk: ["benchmark"], b.pk: [], c.pk: []},
        publish_round=True,
        actor=people["reviewer"],
        reason="공개",
        withheld_reason="진출하지 못한 팀 보호",
    )
    return {
        "round": round_obj,
        "a": a,
        "b": b,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "reviewer": people["reviewer"],
    }


def file(client, t, **changes):
    form = {"target": "block", "block": "benchmark", "reason": "NIA 점수 계산에 빠진 결과가 있습니다."}
    form |= {"links": "https://example.org/appeal/evidence.pdf"}
    return client.post("/team/rounds/r1/appeals/", form | changes)


def test_an_appeal_round_trip_with_three_personas_on_every_page(client, teams):
    t = teams
    client.force_login(t["rep_a"])
    response = file(client, t)
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/team/appeals/{appeal.pk}/"
    assert (appeal.entry, appeal.block.key, appeal.links) == (
        t["a"],
        "benchmark",
        ["https://example.org/appeal/evidence.pdf"],
    )
    team_page, staff_page = f"/team/appeals/{appeal.pk}/", f"/staff/appeals/{appeal.pk}/"
    public_page = f"/results/r1/appeals/{appeal.pk}/"
    # (page, the team's representative, another team's, a reviewer) while the appeal is open
    expected = [
        ("/team/", 200, 200, 403),
        ("/team/rounds/r1/", 200, 200, 403),
        (team_page, 200, 404, 403),
        ("/staff/rounds/r1/appeals/", 403, 403, 200),
        (staff_page, 403, 403, 200),
        (public_page, 404, 404, 404),
    ]
    for page, *statuses in expected:
        for persona, status in zip(("rep_a", "rep_b", "reviewer"), statuses, strict=True):
            client.force_login(t[persona])
            assert client.get(page).status_code == status, (page, persona)
    # the other team can neither reply to nor learn of the appeal; representatives cannot answer
    client.force_login(t["rep_b"])
    assert client.post(team_page + "reply/", {"body": "끼어들기"}).status_code == 404
    assert client.post(staff_page + "answer/", {"body": "x"}).status_code == 403
    assert client.post(staff_page + "decide/", {"status": "upheld", "decision": "x"}).status_code == 403
    assert "NIA 점수 계산" not in client.get("/team/").content.decode()

    client.force_login(t["reviewer"])
    assert "NIA 점수 계산에 빠진 결과" in client.get(staff_page).content.decode()
    assert client.post("/team/rounds/r1/appeals/", {"target": "gate", "reason": "x"}).status_code == 403
    client.post(staff_page + "answer/", {"body": "NIA 결과 파일을 다시 확인하겠습니다."})
    client.force_login(t["rep_a"])
    assert "NIA 결과 파일을 다시 확인하겠습니다." in client.get(team_page).content.decode()
    client.post(team_page + "reply/", {"body": "원본 로그를 덧붙입니다.", "links": "https://example.org/log"})
    client.force_login(t["reviewer"])
    refused = client.post(staff_page + "decide/", {"status": "rejected", "decision": " "})
    assert refused.status_code == 400 and Appeal.objects.get().is_open
    client.post(
        staff_page + "decide/", {"status": "rejected", "decision": "빠진 결과는 기한 뒤에 제출되었습니다."}
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == ("rejected", t["reviewer"])
    assert [m.side for m in AppealMessage.objects.order_by("id")] == ["reviewer", "team"]

    # closed: public, and no more replies
    for persona in ("rep_a", "rep_b", "reviewer"):
        client.force_login(t[persona])
        html = client.get(public_page).content.decode()
        assert "빠진 결과는 기한 뒤에 제출되었습니다." in html and "기각" in html
    client.logout()
    assert client.get(public_page).status_code == 200
    results = client.get("/results/r1/").content.decode()
    assert f"/results/r1/appeals/{appeal.pk}/" in results and "기각" in results
    client.force_login(t["rep_a"])
    late = client.post(team_page + "reply/", {"body": "다시 봐 주세요"})
    assert late.status_code == 400 and AppealMessage.objects.count() == 2

    actions = list(
        AuditLog.objects.filter(target=f"round:r1:appeal:{appeal.pk}")
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("appeal_file", t["rep_a"].pk),
        ("appeal_reviewer_message", t["reviewer"].pk),
        ("appeal_team_message", t["rep_a"].pk),
        ("appeal_decide", t["reviewer"].pk),
    ]
    audit_page = client.get("/staff/rounds/r1/audit/")
    assert audit_page.status_code == 403  # the audit log is the reviewers'
    client.force_login(t["reviewer"])
    assert "빠진 결과는 기한 뒤에 제출되었습니다." in client.get("/staff/rounds/r1/audit/").content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "   "}, "이의 사유를 적어 주세요"),
        ({"target": "vibes"}, "무엇에 대한 이의인지"),
        ({"block": "nope"}, "이의를 낼 항목"),
        ({"links": "not a link"}, "http 또는 https"),
        ({"links": "\n".join(f"https://example.org/{i}" for i in range(11))}, "10개까지"),
    ],
)
def test_a_bad_appeal_is_refused_with_the_reason_and_nothing_is_stored(client, teams, changes, message):
    client.force_login(teams["rep_a"])
    response = file(client, teams, **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Appeal.objects.exists() and not AuditLog.objects.filter(action="appeal_file").exists()


def test_a_closed_round_refuses_appeals_with_its_reason(client, teams):
    round_obj = teams["round"]
    client.force_login(teams["rep_a"])
    file(client, teams)
    with pytest.raises(ValidationError, match="심사 중인 이의 신청"):
        round_close(round_obj=round_obj, actor=teams["reviewer"], reason="결과 확정")
    appeal = Appeal.objects.get()
    appeals.appeal_decide(appeal=appeal, status="partly", decision="일부 반영", actor=teams["reviewer"])
    with pytest.raises(ValidationError, match="사유"):
        round_close(round_obj=round_obj, actor=teams["reviewer"], reason=" ")
    round_close(round_obj=round_obj, actor=teams["reviewer"], reason="최종 결과 확정 (2026-12-20 발표)")
    response = file(client, teams, target="exclusion", block="")
    html = response.content.decode()
    assert response.status_code == 400 and "종료되어 이의를 받지 않습니다" in html
    assert "최종 결과 확정 (2026-12-20 발표)" in html and Appeal.objects.count() == 1
    assert Round.objects.get(pk=round_obj.pk).is_closed
    assert AuditLog.objects.filter(action="round_close", reason="최종 결과 확정 (2026-12-20 발표)").exists()


def test_a_team_sees_its_own_evidence_and_published_scores_only(client, teams):
    a, b = teams["a"], teams["b"]
    client.force_login(teams["rep_a"])
    html = client.get("/team/rounds/r1/").content.decode()
    published = html.split('data-testid="team-published"')[1].split("</table>")[0]
    assert "38.0" in published  # team a's benchmark block, published
    assert published.count("비공개") == 5  # expert, user, total, rank, gate: withheld
    assert b.team.name not in html and b.endpoint.name not in html  # nothing of another team
    client.force_login(teams["rep_b"])
    html = client.get("/team/rounds/r1/").content.decode()
    assert a.team.name not in html and "38.0" not in html
    built = selectors.scorecard_build(teams["round"], draws=0)
    own_points = built.card.teams[1].points["benchmark"]  # team b's benchmark block, unpublished
    assert built.card.teams[1].name == b.team.name and f"{own_points:.1f}" == "33.2"
    assert "33.2" not in html and "33.25" not in html
    assert 'data-testid="benchmark-runs"' in html and "B-common" in html  # its own submitted evidence
    # before publication: evidence, but no scores at all
    Round.objects.filter(pk=teams["round"].pk).update(is_published=False)
    html = client.get("/team/rounds/r1/").content.decode()
    assert 'data-testid="team-unpublished"' in html and 'data-testid="team-published"' not in html


def test_a_representative_speaks_for_one_team_and_the_role_alone_opens_nothing(client, teams, people):
    with pytest.raises(ValidationError, match="한 팀만"):
        appeals.representative_assign(
            user=teams["rep_a"], team=teams["b"].team, actor=people["admin"], reason="x"
        )
    assert TeamRepresentative.objects.get(user=teams["rep_a"]).team == teams["a"].team
    lone = make_user("rep-none", roles.TEAM_REPRESENTATIVE)  # the role without a team
    client.force_login(lone)
    assert client.get("/team/").status_code == 403
    client.force_login(teams["rep_a"])
    assert client.get("/accounts/landing/")["Location"] == "/team/"
    assert client.get("/staff/").status_code == 403
