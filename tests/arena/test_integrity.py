import datetime as dt

import pytest
from django.utils import timezone

from arena.integrity import review as integrity
from arena.models import Battle, NetworkFlag, Vote, VoterFlag
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


def _votes(models, choices: dict[str, int], inclusion=Vote.Inclusion.VALID):
    for choice, n in choices.items():
        for _ in range(n):
            battle = Battle.objects.create(
                voter="v",
                model_a=models[0],
                model_b=models[1],
                model_a_version="1",
                model_b_version="1",
                pair_probability=1.0,
                status=Battle.Status.VOTED,
            )
            Vote.objects.create(
                battle=battle, choice=choice, voter="v", seconds_after_last_token=9, inclusion=inclusion
            )


def test_position_bias_is_the_left_share_of_counted_decisive_votes_with_a_wald_interval():
    models = endpoints(2)
    _votes(models, {"a": 30, "b": 10, "tie": 7, "both_bad": 3})
    _votes(models, {"a": 20}, inclusion=Vote.Inclusion.TOO_FAST)  # not counted: must not move it
    bias = integrity.position_bias()
    # 30 of 40 decisive counted votes went left; 1.96 * sqrt(0.75 * 0.25 / 40) = 0.134192
    assert bias.decisive == 40
    assert bias.a_share == 0.75
    assert (round(bias.low, 6), round(bias.high, 6)) == (0.615808, 0.884192)


def test_position_bias_is_unknown_without_decisive_votes():
    assert integrity.position_bias() == integrity.PositionBias(0, None, None, None)


def test_methodology_page(client, brigade):
    html = client.get("/methodology/").content.decode()
    assert 'data-testid="sampling-table"' in html and 'data-testid="exclusion-table"' in html
    assert "SHA-256" in html


def _burst(models, *, voters=8, network="n" * 32, prefix="burst"):
    """First-time voters from one network, all within minutes, each backing models[0] once."""
    target = models[0]
    now = timezone.now()
    for k in range(voters):
        other = models[1 + k % (len(models) - 1)]
        a, b = (target, other) if k % 2 else (other, target)
        battle = Battle.objects.create(
            voter=f"{prefix}-{k}",
            model_a=a,
            model_b=b,
            model_a_version="v",
            model_b_version="v",
            pair_probability=0.1,
            status=Battle.Status.VOTED,
        )
        for _ in range(2):  # two votes each: one battle row per vote
            battle = Battle.objects.create(
                voter=f"{prefix}-{k}",
                model_a=a,
                model_b=b,
                model_a_version="v",
                model_b_version="v",
                pair_probability=0.1,
                status=Battle.Status.VOTED,
            )
            vote = Vote.objects.create(
                battle=battle,
                choice="a" if a == target else "b",
                voter=f"{prefix}-{k}",
                seconds_after_last_token=5,
                network=network,
            )
            Vote.objects.filter(pk=vote.pk).update(created_at=now - dt.timedelta(minutes=k))
    return target


@pytest.fixture
def honest_board():
    models = endpoints(4)
    for seed in range(30):
        bt_votes(models, [0.0, 0.0, 0.0, 0.0], 6, seed=seed, voter=f"honest-{seed}")
    return models


def test_a_burst_of_first_time_voters_from_one_network_is_set_aside_with_its_reason(honest_board, client):
    target = _burst(honest_board)
    result = integrity.network_burst_scan()
    assert result["flagged"] == 1
    flag = NetworkFlag.objects.get()
    assert flag.favoured_id == target.pk and flag.voters == 8
    assert "같은 네트워크에서 처음 투표한 8명" in flag.reason
    burst = Vote.objects.filter(network="n" * 32)
    assert set(burst.values_list("inclusion", flat=True)) == {Vote.Inclusion.NETWORK_BURST}
    assert set(burst.values_list("flag", flat=True)) == {flag.pk}
    assert (
        not Vote.objects.filter(voter__startswith="honest").exclude(inclusion=Vote.Inclusion.VALID).exists()
    )

    # A reviewer may overrule it, with a reason, audit-logged; the scan does not flag it again.
    reviewer = make_user("reviewer", roles.MINISTRY_REVIEWER)
    client.force_login(reviewer)
    html = client.get("/staff/integrity/").content.decode()
    assert 'data-testid="network-flag-table"' in html and "처음 투표한 8명" in html
    client.post(
        f"/staff/integrity/networks/{flag.pk}/", {"action": "clear", "reason": "같은 학교 수업으로 확인"}
    )
    assert set(burst.values_list("inclusion", flat=True)) == {Vote.Inclusion.VALID}
    assert AuditLog.objects.get().action == "network_flag_clear"
    assert integrity.network_burst_scan()["flagged"] == 0


def test_the_network_rules_never_touch_the_verified_panel(honest_board):
    from arena.models import Campaign, PanelMember

    _burst(honest_board, prefix="panel")
    campaign = Campaign.objects.get()
    for k in range(8):
        PanelMember.objects.create(
            campaign=campaign,
            person_hash=f"p{k}",
            voter=f"panel-{k}",
            gender="female",
            region="capital",
            age_band="30s",
            proficiency="novice",
        )
    assert integrity.network_burst_scan()["flagged"] == 0
    assert not Vote.objects.exclude(inclusion=Vote.Inclusion.VALID).exists()


def test_too_few_or_established_voters_are_not_a_burst(honest_board):
    _burst(honest_board, voters=4)  # fewer than ARENA_BURST_MIN_VOTERS
    assert integrity.network_burst_scan()["flagged"] == 0
    # Honest voters who happen to share a network, voting as the ratings say: not flagged.
    Vote.objects.filter(voter__startswith="honest").update(network="h" * 32)
    assert integrity.network_burst_scan()["flagged"] == 0
