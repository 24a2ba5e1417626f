"""Originality evidence and the gate: records per team and version with who checked them, a frozen
external component holding the gate under review until a reviewer decides citing it, the reinforced
rule's requirements before a pass, every step audit-logged, and the page for three personas."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.audit import AuditLog
from evaluation import originality
from evaluation.models import GateDecision, OriginalityRecord, RoundTeam

pytestmark = pytest.mark.django_db
Kind, Treatment = OriginalityRecord.Kind, OriginalityRecord.Treatment
URL = "https://example.org/evidence"


def add(entry, kind, actor, **fields):
    base = {"title": f"{kind} 근거", "url": URL, "declared_by": "팀 기술 책임자"}
    extra = {
        Kind.TRAINING: {"checkpoints": [URL + "/ckpt/1"], "loss_logs": [URL + "/loss"]},
        Kind.COMPONENT: {
            "component_type": "encoder",
            "treatment": Treatment.FROZEN,
            "source": "해외 공개 모델의 비전 인코더",
            "licence": "Apache-2.0",
        },
        Kind.LICENCE: {"licence": "Apache-2.0"},
        Kind.VERIFICATION: {"held_on": dt.date(2026, 11, 25)},
    }[kind]
    return originality.record_add(entry=entry, kind=kind, actor=actor, **(base | extra | fields))


def full_evidence(entry, reviewer, **component):
    records = [add(entry, kind, reviewer) for kind in (Kind.TRAINING, Kind.LICENCE, Kind.VERIFICATION)]
    if component:
        records.append(add(entry, Kind.COMPONENT, reviewer, **component))
    for record in records:
        originality.record_check(record=record, actor=reviewer, note="대조함")
    return records


def test_a_frozen_external_encoder_holds_the_gate_under_review(final_contest, people):
    round_obj, (a, _, _) = final_contest
    assert a.gate == "pass"
    encoder = add(a, Kind.COMPONENT, people["admin"])
    a.refresh_from_db()
    assert a.gate == "under_review" and "재초기화하지 않았다고" in a.gate_note
    hold = GateDecision.objects.get(entry=a)
    assert hold.decided_by is None and list(hold.cites.all()) == [encoder]
    assert AuditLog.objects.filter(action="originality_gate_hold", target=f"round:f1:{a.team.name}").exists()
    assert originality.unresolved_holds(a) == [encoder]


@pytest.mark.parametrize(
    ("treatment", "holds"),
    [
        (Treatment.FROZEN, True),
        (Treatment.FINE_TUNED, True),
        (Treatment.REINITIALISED, False),
        (Treatment.NOT_WEIGHTS, False),
    ],
)
def test_only_external_weights_without_re_initialisation_hold_the_gate(contest, people, treatment, holds):
    _, (a, _, _) = contest
    add(a, Kind.COMPONENT, people["admin"], treatment=treatment)
    a.refresh_from_db()
    assert (a.gate == "under_review") is holds


def test_the_hold_ends_only_with_a_reasoned_decision_that_cites_the_component(final_contest, people):
    round_obj, (a, _, _) = final_contest
    reviewer = people["reviewer"]
    records = full_evidence(a, reviewer, treatment=Treatment.FROZEN)
    encoder = records[-1]
    others = [r.pk for r in records[:-1]]
    with pytest.raises(ValidationError, match="판정 사유"):
        originality.gate_decide(entry=a, gate="fail", reason="  ", cited=[encoder.pk], actor=reviewer)
    with pytest.raises(ValidationError, match="외부 구성요소에 대한 판단을 인용"):
        originality.gate_decide(entry=a, gate="pass", reason="본체는 직접 학습", cited=others, actor=reviewer)
    with pytest.raises(ValidationError, match="외부 구성요소에 대한 판단을 인용"):
        originality.gate_decide(entry=a, gate="fail", reason="인코더 동결", cited=others, actor=reviewer)
    a.refresh_from_db()
    assert a.gate == "under_review" and GateDecision.objects.filter(entry=a).count() == 1  # the hold only
    originality.gate_decide(
        entry=a, gate="fail", reason="외부 인코더를 동결해 씀", cited=[encoder.pk], actor=reviewer
    )
    a.refresh_from_db()
    assert (a.gate, a.gate_note) == ("fail", "외부 인코더를 동결해 씀")
    decision = a.gate_decisions.first()
    assert decision.decided_by == reviewer and list(decision.cites.all()) == [encoder]
    log = AuditLog.objects.filter(action="originality_gate").first()
    assert log.reason == "외부 인코더를 동결해 씀" and log.details["cites"] == [encoder.pk]
    assert originality.unresolved_holds(a) == []


def test_the_reinforced_rule_needs_every_requirement_before_a_pass(final_contest, people):
    _, (a, b, _) = final_contest
    reviewer = people["reviewer"]
    training = add(a, Kind.TRAINING, reviewer)
    with pytest.raises(ValidationError, match="하나 이상 인용"):
        originality.gate_decide(entry=a, gate="pass", reason="확인", cited=[], actor=reviewer)
    with pytest.raises(ValidationError, match="통과 요건이 채워지지 않았습니다") as refused:
        originality.gate_decide(entry=a, gate="pass", reason="확인", cited=[training.pk], actor=reviewer)
    message = refused.value.messages[0]
    assert "체크포인트 목록과 손실 기록" in message and "라이선스" in message and "공개 검증" in message
    # training: not yet checked by a reviewer; components: none declared, nothing to check
    assert [r.met for r in originality.requirements(a)] == [False, True, False, False]
    records = full_evidence(b, reviewer, treatment=Treatment.REINITIALISED)
    assert all(r.met for r in originality.requirements(b))
    originality.gate_decide(
        entry=b, gate="pass", reason="모두 확인", cited=[r.pk for r in records], actor=reviewer
    )
    assert RoundTeam.objects.get(pk=b.pk).gate == "pass"
    with pytest.raises(ValidationError, match="이 팀의 근거가 아닌"):
        originality.gate_decide(entry=a, gate="fail", reason="x", cited=[records[0].pk], actor=reviewer)


def test_a_decision_under_the_stage_1_rule_needs_a_reason_but_no_citation(contest, people):
    _, (a, _, _) = contest
    originality.gate_decide(
        entry=a, gate="fail", reason="기술 보고서에 외부 가중치 사용", cited=[], actor=people["admin"]
    )
    assert RoundTeam.objects.get(pk=a.pk).gate == "fail"


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (Kind.TRAINING, {"checkpoints": []}, "체크포인트 목록과 손실 기록"),
        (Kind.TRAINING, {"loss_logs": []}, "체크포인트 목록과 손실 기록"),
        (Kind.COMPONENT, {"treatment": ""}, "어떻게 다뤘는지"),
        (Kind.COMPONENT, {"licence": ""}, "출처와 라이선스"),
        (Kind.LICENCE, {"licence": " "}, "라이선스를 적어"),
        (Kind.VERIFICATION, {"held_on": None}, "날짜"),
        (Kind.LICENCE, {"url": "javascript:alert(1)"}, "http 또는 https"),
        (Kind.LICENCE, {"declared_by": ""}, "팀 측 사람"),
        (Kind.LICENCE, {"checkpoints": [URL]}, "가중치 학습 근거에만"),
    ],
)
def test_bad_records_are_refused_and_nothing_changes(contest, people, kind, fields, message):
    _, (a, _, _) = contest
    with pytest.raises(ValidationError, match=message):
        add(a, kind, people["admin"], **fields)
    assert OriginalityRecord.objects.count() == 0 and RoundTeam.objects.get(pk=a.pk).gate == "pass"


def test_a_check_records_who_and_when(contest, people):
    _, (a, _, _) = contest
    record = add(a, Kind.LICENCE, people["admin"])
    originality.record_check(record=record, actor=people["reviewer"], note="NOTICE 파일 확인")
    record.refresh_from_db()
    assert (
        record.checked_by == people["reviewer"]
        and record.checked_at
        and record.check_note == "NOTICE 파일 확인"
    )
    assert AuditLog.objects.filter(action="originality_check", reason="NOTICE 파일 확인").exists()


def test_the_originality_page_for_three_personas_and_its_forms(client, final_contest, people):
    from arena.models import Attestation

    round_obj, (a, _, _) = final_contest
    Attestation.objects.create(
        endpoint=a.endpoint,
        checkpoint="sha256:abc123",
        params_total=72_000_000_000,
        params_active=12_000_000_000,
        licence="Apache-2.0",
        statement="같은 모델",
        signed_by_name="책임자",
        signed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    url = "/staff/rounds/f1/originality/"
    client.force_login(people["expert"])
    assert client.get(url).status_code == 403
    assert client.post(url + "gate/", {"entry": a.pk, "gate": "fail", "reason": "x"}).status_code == 403
    client.force_login(people["reviewer"])
    form = {
        "entry": a.pk,
        "kind": "component",
        "title": "비전 인코더",
        "url": URL,
        "declared_by": "팀 책임자",
        "component_type": "encoder",
        "treatment": "frozen",
        "source": "해외 모델",
        "licence": "Apache-2.0",
    }
    bad = client.post(url + "records/", form | {"checkpoints": "not a link"})
    assert bad.status_code == 400 and "체크포인트 목록 1번째 줄" in bad.content.decode()
    assert OriginalityRecord.objects.count() == 0
    assert client.post(url + "records/", form).status_code == 302
    html = client.get(url).content.decode()
    assert "sha256:abc123" in html and "12000000000" in html  # the arena attestation, linked not copied
    assert 'data-testid="gate-hold"' in html and "비전 인코더" in html
    record = OriginalityRecord.objects.get()
    refused = client.post(url + "gate/", {"entry": a.pk, "gate": "pass", "reason": "문제없음"})
    assert refused.status_code == 400 and "인용해야 합니다" in refused.content.decode()
    client.post(url + "check/", {"record": record.pk, "note": "모델 카드와 대조"})
    client.post(url + "gate/", {"entry": a.pk, "gate": "fail", "reason": "동결 인코더", "cites": [record.pk]})
    assert RoundTeam.objects.get(pk=a.pk).gate == "fail"
    client.logout()
    assert client.get(url).status_code == 302


def test_records_belong_to_the_model_version_they_were_entered_for(client, final_contest, people):
    from arena.models import ModelEndpoint

    _, (a, _, _) = final_contest
    records = full_evidence(a, people["reviewer"], treatment=Treatment.FROZEN)
    assert all(r.endpoint_id == a.endpoint_id for r in records) and originality.unresolved_holds(a) == [
        records[-1]
    ]
    newer = ModelEndpoint.objects.create(
        team=a.team, name="최종-0-v2", base_url="http://127.0.0.1:9/v1", model_id="m0-v2"
    )
    a.endpoint = newer
    a.save()
    a = type(a).objects.get(pk=a.pk)
    # evidence about the earlier version neither holds nor passes the new one
    assert originality.unresolved_holds(a) == []
    assert [r.met for r in originality.requirements(a)] == [False, True, False, False]
    client.force_login(people["reviewer"])
    assert "이전 모델 버전의 근거" in client.get("/staff/rounds/f1/originality/").content.decode()
