"""The demo (`seed_demo`) loads a final round a reviewer would sign: from the final template, with
originality records, reruns, an efficiency block, one open appeal and a published results page."""

import pytest

from arena.ratings.snapshots import snapshot_recompute
from core import roles
from evaluation import selectors
from evaluation.demo import STRENGTH, demo_final_round_load, demo_round_load
from evaluation.models import Appeal, OriginalityRecord
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_final_round(client, demo_endpoints):
    demo_endpoints(*STRENGTH)
    assert demo_round_load(votes=150, reviewed_battles=6) is not None
    snapshot_recompute()
    reviewer = make_user("demo-reviewer", roles.MINISTRY_REVIEWER)
    representative = make_user("demo-team", roles.TEAM_REPRESENTATIVE)
    final = demo_final_round_load(reviewer=reviewer, representative=representative)
    assert demo_final_round_load(reviewer=reviewer) is None  # once
    assert (final.template, final.gate_policy, final.is_published) == ("final", "reinforced", True)
    assert final.method_version and final.withheld_reason
    built = selectors.scorecard_build(final, draws=0)
    assert len(built.card.teams) == 4 and "demo-daon" not in {
        e.endpoint.model_id for e in built.entries.values()
    }
    statuses = sorted(t.status for t in built.card.teams)
    assert statuses == ["advance", "advance", "below", "gate_failed"]
    failed = next(t for t in built.card.teams if t.status == "gate_failed")
    decision = built.entries[failed.key].gate_decisions.first()
    assert decision.decided_by == reviewer and [r.treatment for r in decision.cites.all()] == ["frozen"]
    assert OriginalityRecord.objects.filter(entry__round=final, checked_by=reviewer).count() == 16
    assert all(t.points["efficiency"] is not None for t in built.card.teams)
    flagged = [b for ev in built.evidence.values() for b in ev.flagged]
    bare = [b for ev in built.evidence.values() for b in ev.without_reproducibility]
    assert len(flagged) == 1 and flagged[0].combined.count == 3 and len(bare) == 1
    appeal = Appeal.objects.get()
    assert (
        appeal.is_open
        and appeal.entry.pk == built.entries[failed.key].pk
        and appeal.filed_by == representative
    )

    html = client.get(f"/results/{final.slug}/").content.decode()
    assert "순위 없음: 독자성 기준 미충족" in html and 'data-testid="pass-line"' in html
    assert final.withheld_reason in html and final.method_version in html
    client.force_login(representative)
    assert client.get(f"/team/appeals/{appeal.pk}/").status_code == 200
