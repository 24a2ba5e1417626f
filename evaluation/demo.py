"""Demo rounds built from demo evidence, for `make run`: a stage-1 round, and a final round from the
final template with originality records, benchmark reruns, an efficiency block, one open appeal and
a published results page. Everything here is fictional and says so: demo teams, demo benchmark
figures, demo sizes, demo arena votes and demo expert reviews. No real team's number appears anywhere
in the demo."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from arena.battles.demo import demo_attest
from arena.endpoints.demo_models import BY_ID, compose_answer
from arena.integrity.ledger import ledger_append
from arena.models import Battle, ModelEndpoint, Turn, Vote
from arena.ratings.snapshots import snapshot_recompute
from core import roles
from evaluation import appeals, originality, services
from evaluation.models import (
    Appeal,
    BenchmarkResult,
    ExpertScore,
    OriginalityRecord,
    ReviewAssignment,
    Round,
    RoundTeam,
)

SLUG = "stage-1-demo"
SOURCE = "https://example.org/k-ai-demo/benchmarks"  # a reserved example domain: nothing real there
PROMPTS = [
    "전입신고는 어떻게 하나요?",
    "청년 월세 지원 자격을 알려 주세요.",
    "여권 재발급에 필요한 서류는?",
    "건강보험료 산정 방식을 쉽게 설명해 주세요.",
    "폭염 때 노약자 안전 수칙을 알려 주세요.",
    "자동차 과태료 이의신청 절차는?",
    "소상공인 정책자금 신청 방법이 궁금해요.",
    "분리배출 기준을 정리해 주세요.",
]
# Demo strengths (logits) by demo model id: what the demo votes and reviews are drawn from.
STRENGTH = {"demo-garam": 0.1, "demo-narae": 0.5, "demo-daon": 0.3, "demo-raon": -0.2, "demo-maru": 0.0}
GATES = {"demo-daon": ("fail", "데모: 외부 모델 가중치를 초기화 없이 사용한 것으로 가정한 사례")}
BENCHMARKS = {
    "nia": [("NIA-수학", None), ("NIA-신뢰성", None)],
    "common": [("공통-지식", 80.0), ("공통-코딩", 70.0), ("공통-한국어", 85.0)],
    "individual": [("개별-문서이해", 75.0), ("개별-요약", 78.0)],
}
EXPERTS = ["demo-expert", "demo-expert-2", "demo-expert-3"]


@transaction.atomic
def demo_round_load(*, votes: int = 400, reviewed_battles: int = 12, seed: int = 7) -> Round | None:
    """Create the demo round once (None when it already exists or the demo models are not registered)."""
    if Round.objects.filter(slug=SLUG).exists():
        return None
    endpoints = list(
        # An A/A test's second name answers with the same model id: the round takes the team's own version.
        ModelEndpoint.objects.filter(
            team__is_demo=True, model_id__in=STRENGTH, aa_twin_of__isnull=True
        ).select_related("team")
    )
    if len(endpoints) < 3:
        return None
    rng = np.random.default_rng(seed)
    round_obj = services.round_create(
        template="stage1",
        slug=SLUG,
        name="1차 단계평가 (데모)",
        advance_count=3,
        note="데모: 가상의 팀, 가상의 벤치마크 수치, 데모 아레나 투표와 데모 전문가 평가로 만든 예시입니다.",
    )
    subs = {s.key: s for s in round_obj.blocks.get(key="benchmark").sub_items.all()}
    for endpoint in endpoints:
        gate, note = GATES.get(endpoint.model_id, ("pass", "데모: 가중치 초기화 후 학습 확인으로 가정"))
        entry = RoundTeam.objects.create(
            round=round_obj,
            team=endpoint.team,
            endpoint=endpoint,
            gate=gate,
            gate_note=note,
            tech_report_url=f"https://example.org/k-ai-demo/{endpoint.model_id}/report",
            training_logs_url=f"https://example.org/k-ai-demo/{endpoint.model_id}/logs",
            hub_repo=f"k-ai-demo/{endpoint.model_id}",
            derivatives=int(rng.integers(0, 40)),
            derivatives_source="manual",
            derivatives_at=timezone.now(),
            published=["benchmark", "gate"],
        )
        skill = STRENGTH[endpoint.model_id]
        for category, items in BENCHMARKS.items():
            for name, target in items:
                score = float(np.clip(62 + 18 * skill + rng.normal(0, 4), 0, 100))
                BenchmarkResult.objects.create(
                    entry=entry,
                    sub_item=subs[category],
                    model_name=endpoint.name,
                    benchmark=name,
                    version="demo-1",
                    score=round(score, 1),
                    target_score=target,
                    stderr=1.0,
                    licence="데모 (가상)",
                    harness="demo-harness",
                    harness_version="0.1",
                    evaluated_on=dt.date(2026, 11, 1),
                    source_url=SOURCE,
                )
    battles = _demo_votes(endpoints, votes, rng)
    _demo_reviews(battles[:reviewed_battles], rng)
    transaction.on_commit(snapshot_recompute)
    return round_obj


def _demo_votes(endpoints: list[ModelEndpoint], n: int, rng) -> list[Battle]:
    """Demo arena battles with stored turns (for expert review) and votes (for the user block), each
    vote in the ledger like any other. Voters are 'demo-seed-*' pseudonyms."""
    k = len(endpoints)
    strength = np.array([STRENGTH[e.model_id] for e in endpoints])
    now = timezone.now()
    battles = []
    for i in range(n):
        a = int(rng.integers(0, k))
        b = int((a + rng.integers(1, k)) % k)
        prompt = PROMPTS[i % len(PROMPTS)]
        model_a, model_b = endpoints[a], endpoints[b]
        battle = Battle.objects.create(
            id=uuid.uuid4(),
            voter=f"demo-seed-{i % 60}",
            model_a=model_a,
            model_b=model_b,
            model_a_version=model_a.model_id,
            model_b_version=model_b.model_id,
            pair_probability=2 / (k * (k - 1)),
            status=Battle.Status.VOTED,
            turn_count=1,
            language="ko",
        )
        messages = [{"role": "user", "content": prompt}]
        speed_a, speed_b = (
            BY_ID[m.model_id].tokens_per_second * rng.uniform(0.85, 1.15) for m in (model_a, model_b)
        )
        Turn.objects.create(
            battle=battle,
            index=0,
            prompt=prompt,
            response_a=compose_answer(BY_ID[model_a.model_id], messages),
            response_b=compose_answer(BY_ID[model_b.model_id], messages),
            tokens_per_s_a=round(float(speed_a), 1),
            tokens_per_s_b=round(float(speed_b), 1),
            finish_reason_a="stop",
            finish_reason_b="stop",
            started_at=now - dt.timedelta(minutes=n - i, seconds=30),
            finished_at=now - dt.timedelta(minutes=n - i),
        )
        p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
        u = rng.random()
        choice = "tie" if u < 0.08 else ("a" if rng.random() < p else "b")
        vote = Vote.objects.create(
            battle=battle, choice=choice, voter=battle.voter, seconds_after_last_token=12.0
        )
        ledger_append(vote=vote)
        battles.append(battle)
    return battles


def _demo_reviews(battles: list[Battle], rng) -> None:
    User = get_user_model()
    group = Group.objects.get(name=roles.EXPERT)
    experts = []
    for name in EXPERTS:
        user, created = User.objects.get_or_create(username=name)
        if created:  # the extra demo experts only exist to show agreement; nobody signs in as them
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        experts.append(user)
    for battle in battles:
        for expert in experts:
            assignment = ReviewAssignment.objects.create(
                expert=expert, battle=battle, submitted_at=timezone.now()
            )
            for side, endpoint_id, model_id in (
                ("a", battle.model_a_id, battle.model_a_version),
                ("b", battle.model_b_id, battle.model_b_version),
            ):
                base = 3.2 + 1.2 * STRENGTH[model_id]
                values = {
                    c: int(np.clip(round(base + rng.normal(0, 0.6)), 1, 5))
                    for c in ("accuracy", "fluency", "safety", "helpfulness")
                }
                ExpertScore.objects.create(
                    assignment=assignment, side=side, endpoint_id=endpoint_id, **values
                )


# --- the final round ------------------------------------------------------------------------------

FINAL_SLUG = "final-demo"
# Demo sizes (total, active) in parameters: fictional, chosen to make the efficiency block differ.
FINAL_BENCHMARKS = {
    "global": [("글로벌-추론", 82.0), ("글로벌-수학", 78.0), ("글로벌-코딩", 74.0)],
    "nia": [("NIA-지식", None), ("NIA-안전성", None)],
    "individual": [("개별-문서이해", 80.0)],
}
EXAMPLE = "https://example.org/k-ai-demo"
FINAL_TEAMS = 4
REPRESENTATIVE = "demo-team"


def _final_benchmarks(entry: RoundTeam, subs: dict, rng, *, spread_team: bool, bare_team: bool) -> None:
    skill = STRENGTH[entry.endpoint.model_id]
    for category, items in FINAL_BENCHMARKS.items():
        for name, target in items:
            base = float(np.clip(64 + 18 * skill + rng.normal(0, 3), 0, 100))
            # The global benchmarks are run three times with the same settings; one team's reasoning
            # benchmark moves by more than the tolerance between runs.
            runs = 3 if category == "global" else 1
            for run in range(1, runs + 1):
                jitter = (1.2 if spread_team and name == "글로벌-추론" else 0.15) * (run - 2)
                bare = bare_team and category == "individual"  # imported without reproducibility data
                BenchmarkResult.objects.create(
                    entry=entry,
                    sub_item=subs[category],
                    model_name=entry.endpoint.name,
                    benchmark=name,
                    version="demo-2",
                    run_number=run,
                    score=round(base + jitter, 2),
                    target_score=target,
                    stderr=0.8,
                    licence="데모 (가상)",
                    harness="" if bare else "lm-evaluation-harness",
                    harness_version="" if bare else "0.4.9",
                    prompt_template="" if bare else "k-ai-demo-ko-v2",
                    few_shot=None if bare else 5,
                    decoding="" if bare else "max_tokens=2048; temperature=0; top_p=1",
                    seed=None if bare else 1000 + run,
                    run_url="" if bare else f"{EXAMPLE}/{entry.endpoint.model_id}/runs/{name}/{run}",
                    evaluated_on=dt.date(2026, 11, 20),
                    source_url=SOURCE,
                )


def _final_originality(entry: RoundTeam, reviewer, *, frozen_encoder: bool) -> None:
    model = entry.endpoint.model_id
    team_person = f"{entry.team.name} 기술 책임자 (데모)"
    records = [
        originality.record_add(
            entry=entry,
            kind=OriginalityRecord.Kind.TRAINING,
            title="사전학습 전 과정: 가중치 무작위 초기화 후 학습 (데모)",
            url=f"{EXAMPLE}/{model}/tech-report",
            checkpoints=[f"{EXAMPLE}/{model}/ckpt/{step}" for step in ("10k", "100k", "final")],
            loss_logs=[f"{EXAMPLE}/{model}/loss-log"],
            declared_by=team_person,
            actor=reviewer,
        ),
        originality.record_add(
            entry=entry,
            kind=OriginalityRecord.Kind.LICENCE,
            title="추론 코드의 외부 라이선스와 출처 고지 (데모)",
            url=f"{EXAMPLE}/{model}/NOTICE",
            licence="Apache-2.0",
            source="NOTICE 파일",
            declared_by=team_person,
            actor=reviewer,
        ),
        originality.record_add(
            entry=entry,
            kind=OriginalityRecord.Kind.VERIFICATION,
            title="체크포인트와 학습 기록 공개 검증회 (데모)",
            url=f"{EXAMPLE}/{model}/verification",
            held_on=dt.date(2026, 11, 25),
            declared_by=team_person,
            actor=reviewer,
        ),
    ]
    if frozen_encoder:
        records.append(
            originality.record_add(
                entry=entry,
                kind=OriginalityRecord.Kind.COMPONENT,
                title="외부 비전 인코더 (데모)",
                url=f"{EXAMPLE}/{model}/model-card#vision",
                component_type=OriginalityRecord.ComponentType.ENCODER,
                treatment=OriginalityRecord.Treatment.FROZEN,
                source="가상의 해외 공개 모델의 비전 인코더",
                licence="Apache-2.0",
                declared_by=team_person,
                actor=reviewer,
            )
        )
    else:
        records.append(
            originality.record_add(
                entry=entry,
                kind=OriginalityRecord.Kind.COMPONENT,
                title="토크나이저 (어휘 일부 참고, 데모)",
                url=f"{EXAMPLE}/{model}/tokenizer",
                component_type=OriginalityRecord.ComponentType.TOKENIZER,
                treatment=OriginalityRecord.Treatment.NOT_WEIGHTS,
                source="공개 한국어 말뭉치로 직접 학습한 BPE, 어휘 목록 일부 참고",
                licence="CC-BY-4.0",
                declared_by=team_person,
                actor=reviewer,
            )
        )
    for record in records:
        originality.record_check(record=record, actor=reviewer, note="데모: 링크의 내용과 대조함")
    if frozen_encoder:
        originality.gate_decide(
            entry=entry,
            gate=RoundTeam.Gate.FAIL,
            reason=(
                "데모: 비전 인코더를 외부 가중치 그대로(동결) 썼다고 밝혔습니다. 강화 기준의 '외부 인코더 "
                "가중치를 재초기화 없이 쓰지 않는다'에 맞지 않아 미충족으로 판정합니다."
            ),
            cited=[records[-1].pk],
            actor=reviewer,
        )
    else:
        originality.gate_decide(
            entry=entry,
            gate=RoundTeam.Gate.PASS,
            reason="데모: 가중치 초기화 후 학습, 외부 구성요소, 라이선스 고지, 공개 검증을 모두 확인했습니다.",
            cited=[r.pk for r in records],
            actor=reviewer,
        )


@transaction.atomic
def demo_final_round_load(*, reviewer, representative=None, seed: int = 11) -> Round | None:
    """The final round from the final template, once (None when it exists or the stage-1 demo round
    is missing): the teams that advanced in the stage-1 demo plus one added team, four in all;
    attested sizes; benchmark results with reruns (one spread beyond the tolerance, one result
    without reproducibility data); originality records checked by `reviewer`, one team failing on a
    frozen external encoder; published with reasons; and, when `representative` is given, that user
    made the failing team's representative with one open appeal against the gate decision."""
    stage1 = Round.objects.filter(slug=SLUG).first()
    if stage1 is None or Round.objects.filter(slug=FINAL_SLUG).exists():
        return None
    rng = np.random.default_rng(seed)
    round_obj = services.round_create(
        template="final",
        slug=FINAL_SLUG,
        name="최종 단계평가 (데모)",
        note=(
            "데모: 최종 평가 틀로 만든 예시입니다. 가상의 팀, 가상의 수치, 가상의 크기와 데모 아레나 투표로 "
            "계산했습니다. 배점은 발표되지 않아 제안값입니다."
        ),
        actor=reviewer,
        teams_from=stage1,
    )
    entered = set(round_obj.entries.values_list("endpoint__model_id", flat=True))
    for endpoint in ModelEndpoint.objects.filter(team__is_demo=True, model_id__in=STRENGTH).exclude(
        model_id__in=[*entered, *GATES]
    ):
        if len(entered) >= FINAL_TEAMS:
            break
        RoundTeam.objects.create(round=round_obj, team=endpoint.team, endpoint=endpoint)
        entered.add(endpoint.model_id)
    entries = list(round_obj.entries.select_related("team", "endpoint"))
    # The weakest entered team declares the frozen encoder; the strongest shows a wide rerun spread.
    by_skill = sorted(entries, key=lambda e: STRENGTH[e.endpoint.model_id])
    frozen, spread = by_skill[0], by_skill[-1]
    subs = {s.key: s for s in round_obj.blocks.get(key="benchmark").sub_items.all()}
    for entry in entries:
        demo_attest(entry.endpoint)
        entry.hub_repo = f"k-ai-demo/{entry.endpoint.model_id}"
        entry.save(update_fields=["hub_repo"])
        _final_benchmarks(entry, subs, rng, spread_team=entry == spread, bare_team=entry == by_skill[1])
        _final_originality(entry, reviewer, frozen_encoder=entry == frozen)
    blocks = list(round_obj.blocks.values_list("key", flat=True))
    services.publication_set(
        round_obj=round_obj,
        choices={e.pk: [*blocks, "total", "rank", "gate"] if e != frozen else ["gate"] for e in entries},
        publish_round=True,
        actor=reviewer,
        reason="데모: 최종 결과 공개",
        withheld_reason=(
            "데모: 독자성 기준을 통과하지 못한 팀의 항목 점수와 총점은 팀이 받을 수 있는 피해를 고려해 "
            "공개하지 않습니다 (1차 평가 때 과기정통부가 쓴 방식). 독자성 판정과 그 이유는 공개합니다."
        ),
    )
    if representative is not None:
        appeals.representative_assign(
            user=representative, team=frozen.team, actor=reviewer, reason="데모: 팀 대표 지정"
        )
        appeals.appeal_file(
            entry=frozen,
            target=Appeal.Target.GATE,
            reason=(
                "데모: 비전 인코더는 교체 가능한 주변 모듈이고 언어 모델 본체는 직접 초기화해 학습했습니다. "
                "인코더를 재초기화해 다시 학습한 결과를 첨부하니 다시 판단해 주십시오."
            ),
            links=f"{EXAMPLE}/{frozen.endpoint.model_id}/encoder-retrained",
            actor=representative,
        )
    return round_obj
