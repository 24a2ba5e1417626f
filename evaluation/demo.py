"""A stage-1 round built from demo evidence, for `make run`. Everything here is fictional and says so:
demo teams, demo benchmark figures, demo arena votes and demo expert reviews. No real team's number
appears anywhere in the demo."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from arena.endpoints.demo_models import BY_ID, compose_answer
from arena.integrity.ledger import ledger_append
from arena.models import Battle, ModelEndpoint, Turn, Vote
from arena.ratings.snapshots import snapshot_recompute
from core import roles
from evaluation.models import BenchmarkResult, ExpertScore, ReviewAssignment, Round, RoundTeam
from evaluation.services import round_stage1_create

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
    round_obj = round_stage1_create(
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
        Turn.objects.create(
            battle=battle,
            index=0,
            prompt=prompt,
            response_a=compose_answer(BY_ID[model_a.model_id], messages),
            response_b=compose_answer(BY_ID[model_b.model_id], messages),
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
