import pytest

from arena.integrity import review as integrity
from arena.models import Vote, VoterFlag
from core import roles
from core.audit import AuditLog
from tests.arena.factories import bt_votes, endpoints
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def brigade():
    """Honest voters following a ranking, and one voter who always backs the weakest model."""
    models = endpoints(5)
    strengths = [1.0, 0.5, 0.0, -0.5, -1.0]
    for seed in range(40):
        bt_votes(models, strengths, 15, seed=seed, voter=f"honest-{seed}")
    weakest = models[4]
    bt_votes(models, strengths, 200, seed=99, voter="brigader")
    # Rewrite the brigader's votes so the weakest model always wins when it plays.
    for vote in Vote.objects.filter(voter="brigader").select_related("battle"):
        battle = vote.battle
        if weakest.pk in (battle.model_a_id, battle.model_b_id):
            vote.choice = "a" if battle.model_a_id == weakest.pk else "b"
            vote.save(update_fields=["choice"])
    return weakest


def test_scan_flags_the_brigader_only_and_sets_their_votes_aside(brigade):
    result = integrity.voter_anomaly_scan()
    flags = list(VoterFlag.objects.all())
    assert [f.voter for f in flags] == ["brigader"]
    assert flags[0].favoured_id == brigade.pk
    assert result["votes"] == Vote.objects.filter(voter="brigader").count()
    assert set(Vote.objects.filter(voter="brigader").values_list("inclusion", flat=True)) == {
        "anomalous_voter"
    }
    assert not Vote.objects.filter(voter__startswith="honest", inclusion="anomalous_voter").exists()


def test_reviewer_decisions_are_audited_and_stick(brigade, client):
    integrity.voter_anomaly_scan()
    flag = VoterFlag.objects.get()
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    client.force_login(reviewer)
    bad = client.post(f"/staff/integrity/voters/{flag.pk}/", {"action": "exclude", "reason": ""}, follow=True)
    assert "아무것도 바뀌지 않았습니다" in bad.content.decode()
    assert Vote.objects.filter(voter="brigader", inclusion="staff_excluded").count() == 0
    client.post(
        f"/staff/integrity/voters/{flag.pk}/", {"action": "exclude", "reason": "한 모델만 200번 지지"}
    )
    assert set(Vote.objects.filter(voter="brigader").values_list("inclusion", flat=True)) == {
        "staff_excluded"
    }
    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.reason) == (reviewer, "voter_exclude", "한 모델만 200번 지지")
    integrity.voter_anomaly_scan()  # a decided voter is not flagged again
    assert VoterFlag.objects.get().status == VoterFlag.Status.EXCLUDED


def test_clearing_restores_the_votes(brigade):
    integrity.voter_anomaly_scan()
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    changed = integrity.voter_clear(
        flag=VoterFlag.objects.get(), reviewer=reviewer, reason="실제 선호로 확인"
    )
    assert changed > 0 and not Vote.objects.filter(inclusion="anomalous_voter").exists()


@pytest.mark.parametrize(("role", "expected"), [(roles.MINISTRY_REVIEWER, 200), (roles.EXPERT, 403)])
def test_integrity_queue_by_role(client, role, expected):
    client.force_login(make_user("person", role))
    assert client.get("/staff/integrity/").status_code == expected


def test_integrity_queue_sends_anonymous_visitors_to_login(client):
    assert client.get("/staff/integrity/").status_code == 302


def test_position_bias_and_methodology_page(client, brigade):
    bias = integrity.position_bias()
    assert bias.decisive > 0 and bias.low <= bias.a_share <= bias.high
    html = client.get("/methodology/").content.decode()
    assert 'data-testid="sampling-table"' in html and 'data-testid="exclusion-table"' in html
    assert "SHA-256" in html
