"""The demo's A/A test (fictional, and saying so): 다온-데모 enrolled under a second anonymous name for
a season, and ten days of demo battles drawn by the real team sampler with both names in the pool, so
/methodology/ shows the two names' ratings, intervals and whether they overlap. Both names answer as
the same model does; votes join the ledger like every demo vote."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import numpy as np
from django.db import transaction
from django.utils import timezone

from arena.battles import sampling
from arena.battles.demo import STRENGTH, voted_battles_store
from arena.endpoints.aa_tests import aa_test_enrol
from arena.models import AATest, Battle, ModelEndpoint, Vote

ORIGINAL = "demo-daon"
TWIN_NAME = "다온-데모 (A/A)"


@transaction.atomic
def demo_aa_test_load(*, battles: int = 2400, seed: int = 16) -> bool:
    """Once (False when already loaded or the demo version is missing)."""
    original = ModelEndpoint.objects.filter(model_id=ORIGINAL, team__is_demo=True).first()
    if original is None or AATest.objects.filter(endpoint=original).exists():
        return False
    today = timezone.localdate()
    test = aa_test_enrol(
        endpoint=original,
        twin_name=TWIN_NAME,
        season_start=today - dt.timedelta(days=10),
        season_end=today + dt.timedelta(days=80),
        actor=None,
    )
    strength = {e.pk: STRENGTH.get(e.model_id, 0.0) for e in ModelEndpoint.objects.filter(team__is_demo=True)}
    strength[test.twin_id] = strength[original.pk]
    pool = list(ModelEndpoint.objects.available().filter(team__is_demo=True).select_related("team"))
    team_ids = sorted({e.team_id for e in pool})
    teams = [team_ids.index(e.team_id) for e in pool]
    rng = random.Random(seed)
    outcomes = np.random.default_rng(seed)
    now = timezone.now()
    made = []
    for i in range(battles):
        draw = sampling.draw_team_pair(teams, [1.0] * len(pool), [1.0] * len(team_ids), rng)
        a, b = pool[draw.a], pool[draw.b]
        p = 1 / (1 + np.exp(-(strength[a.pk] - strength[b.pk])))
        choice = "tie" if outcomes.random() < 0.08 else ("a" if outcomes.random() < p else "b")
        battle = Battle(
            id=uuid.uuid4(),
            voter=f"demo-aa-{i % 200}",
            model_a=a,
            model_b=b,
            model_a_version=a.model_id,
            model_b_version=b.model_id,
            pair_probability=draw.probability,
            status=Battle.Status.VOTED,
            turn_count=1,
            language="ko",
        )
        vote = Vote(battle=battle, choice=choice, voter=battle.voter, seconds_after_last_token=12.0)
        made.append((battle, vote, now - dt.timedelta(days=10) * (1 - (i + 0.5) / battles)))
    voted_battles_store(made)
    return True
