"""Demo versions for `make run` (fictional, and saying so): every demo version attested, an older
version of one demo team retired as superseded, and three weeks of demo battles drawn by the real
team sampler, so the demo shows a provisional version, a retired one, the exposure page and the
methodology changelog. Voters are 'demo-seed-*' pseudonyms; each vote joins the ledger."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import numpy as np
from django.db import transaction
from django.utils import timezone

from arena.battles import sampling
from arena.endpoints.demo_models import BY_ID, DEMO_SIZES, compose_answer
from arena.endpoints.services import endpoint_register
from arena.endpoints.versions import attestation_sign, version_retire
from arena.integrity.ledger import chain_hash, vote_facts
from arena.models import Battle, LedgerHead, ModelEndpoint, Turn, Vote, VoteLedgerEntry

RETIRED = ("데모팀 나래", "나래-데모 0.9", "demo-narae-0.9")  # team, version name, model id
NEW_VERSION = "demo-garam-2"
STRENGTH = {
    "demo-garam": 0.1,
    "demo-garam-2": 0.2,
    "demo-narae": 0.5,
    "demo-narae-0.9": 0.35,
    "demo-daon": 0.3,
    "demo-raon": -0.2,
    "demo-maru": 0.0,
}
PROMPTS = ["전입신고는 어떻게 하나요?", "여권 재발급에 필요한 서류는?", "분리배출 기준을 정리해 주세요."]


def demo_attest(endpoint: ModelEndpoint, signed_at: dt.datetime | None = None) -> None:
    """The made-up attestation of a demo version (sizes from DEMO_SIZES), signed through the same
    audited service a team's is; a version that already has one keeps it."""
    if hasattr(endpoint, "attestation"):
        return
    total, active = DEMO_SIZES.get(endpoint.model_id, (None, None))
    attestation_sign(
        endpoint=endpoint,
        signed_at=signed_at,
        checkpoint=f"sha256:{endpoint.model_id}-demo",
        params_total=total,
        params_active=active,
        licence="Apache-2.0 (데모)",
        open_weights=True,
        release_url=f"https://example.org/k-ai-demo/{endpoint.model_id}",
        release_date=dt.date(2026, 11, 1),
        statement="데모: 시연용 가상의 확인서입니다. 평가받는 데모 모델은 공개된 데모 모델과 같다고 가정합니다.",
        signed_by_name="데모 책임자",
    )


@transaction.atomic
def demo_versions_load(*, base_url: str, battles: int = 4000, seed: int = 11) -> bool:
    """Once (False when already loaded): attest the demo versions, retire the old one, add battles."""
    now = timezone.now()
    demo = list(ModelEndpoint.objects.filter(team__is_demo=True).select_related("team"))
    for endpoint in demo:
        demo_attest(endpoint, now - dt.timedelta(days=30))
    if ModelEndpoint.objects.filter(model_id=RETIRED[2], team__name=RETIRED[0]).exists():
        return False
    old, _ = endpoint_register(
        team=RETIRED[0], model=RETIRED[1], base_url=base_url, model_id=RETIRED[2], internal=True, is_demo=True
    )
    # The old version was registered before its battles, three weeks ago and more.
    ModelEndpoint.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=30))
    old.refresh_from_db()
    demo_attest(old, now - dt.timedelta(days=30))
    by_id = {e.model_id: e for e in ModelEndpoint.objects.filter(team__is_demo=True).select_related("team")}
    rng = random.Random(seed)
    strengths = np.random.default_rng(seed)
    made: list[tuple[Battle, Vote, dt.datetime]] = []
    for i in range(battles):
        age = dt.timedelta(days=21) * (1 - (i + 0.5) / battles)
        # Three weeks ago the team ran 0.9; two weeks ago it was superseded; ten days ago 가람 added a variant.
        pool = [m for m in STRENGTH if m in by_id and m != NEW_VERSION and m != "demo-narae"]
        if age < dt.timedelta(days=14):
            pool = [m for m in pool if m != RETIRED[2]] + ["demo-narae"]
        if age < dt.timedelta(days=10) and NEW_VERSION in by_id:
            pool.append(NEW_VERSION)
        endpoints = [by_id[m] for m in pool if m in by_id]
        team_ids = sorted({e.team_id for e in endpoints})
        teams = [team_ids.index(e.team_id) for e in endpoints]
        draw = sampling.draw_team_pair(teams, [1.0] * len(endpoints), [1.0] * len(team_ids), rng)
        a, b = endpoints[draw.a], endpoints[draw.b]
        when = now - age
        battle = Battle(
            id=uuid.uuid4(),
            voter=f"demo-seed-{i % 300}",
            model_a=a,
            model_b=b,
            model_a_version=a.model_id,
            model_b_version=b.model_id,
            pair_probability=draw.probability,
            status=Battle.Status.VOTED,
            turn_count=1,
            language="ko",
        )
        p = 1 / (1 + np.exp(-(STRENGTH[a.model_id] - STRENGTH[b.model_id])))
        u = strengths.random()
        choice = "tie" if u < 0.08 else ("a" if strengths.random() < p else "b")
        made.append(
            (
                battle,
                Vote(battle=battle, choice=choice, voter=battle.voter, seconds_after_last_token=12.0),
                when,
            )
        )
    voted_battles_store(made)
    version_retire(
        endpoint=old,
        reason=ModelEndpoint.Retirement.SUPERSEDED,
        retired_on=timezone.localdate(now - dt.timedelta(days=14)),
        note="데모: 나래-데모로 대체됨",
    )
    return True


def voted_battles_store(made: list[tuple[Battle, Vote, dt.datetime]]) -> None:
    """Write made-up one-turn battles with their votes, dated `when`, and chain the votes into the
    ledger as the portal's own votes are."""
    Battle.objects.bulk_create([b for b, _, _ in made], batch_size=1000)
    Turn.objects.bulk_create(
        [
            Turn(
                battle=b,
                index=0,
                prompt=(prompt := PROMPTS[n % len(PROMPTS)]),
                response_a=_answer(b.model_a_version, prompt),
                response_b=_answer(b.model_b_version, prompt),
                finish_reason_a="stop",
                finish_reason_b="stop",
                started_at=when - dt.timedelta(seconds=40),
                finished_at=when - dt.timedelta(seconds=12),
            )
            for n, (b, _, when) in enumerate(made)
        ],
        batch_size=1000,
    )
    Vote.objects.bulk_create([v for _, v, _ in made], batch_size=1000)
    for battle, vote, when in made:
        battle.created_at = vote.created_at = when
    Battle.objects.bulk_update([b for b, _, _ in made], ["created_at"], batch_size=1000)
    Vote.objects.bulk_update([v for _, v, _ in made], ["created_at"], batch_size=1000)
    _ledger_extend([v for _, v, _ in made])


def _answer(model_id: str, prompt: str) -> str:
    model = BY_ID.get(model_id) or BY_ID["demo-narae"]  # the retired version answered as its successor does
    return compose_answer(model, [{"role": "user", "content": prompt}])


def _ledger_extend(votes: list[Vote]) -> None:
    """The votes' ledger entries in one pass: the same chain `ledger_append` builds vote by vote."""
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    entries, seq, prev = [], head.seq, head.entry_hash
    for vote in votes:
        seq += 1
        entry_hash = chain_hash(prev, vote_facts(vote))
        entries.append(VoteLedgerEntry(seq=seq, vote=vote, prev_hash=prev, entry_hash=entry_hash))
        prev = entry_hash
    VoteLedgerEntry.objects.bulk_create(entries, batch_size=1000)
    head.seq, head.entry_hash = seq, prev
    head.save(update_fields=["seq", "entry_hash"])
