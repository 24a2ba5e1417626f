import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from arena.battles.services import vote_record
from arena.integrity.ledger import GENESIS, ledger_verify, roots_publish
from arena.models import Battle, LedgerRoot, Vote, VoteLedgerEntry
from tests.arena.factories import finished_battle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_votes(two_demo_endpoints, voter):
    votes = []
    for choice in ("a", "b", "tie"):
        battle = finished_battle(voter)
        votes.append(vote_record(battle_id=battle.pk, voter=voter, choice=choice))
    return votes


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_vote_ledger", stdout=out)
    except CommandError as error:
        return 1, str(error)
    return 0, out.getvalue()


def test_votes_are_chained_in_order(three_votes):
    entries = list(VoteLedgerEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    assert verify() == (0, "ledger intact: 3 votes chained\n")


def test_an_altered_choice_is_named(three_votes):
    Vote.objects.filter(pk=three_votes[1].pk).update(choice="a")
    code, message = verify()
    assert code == 1 and f"vote {three_votes[1].pk}" in message


def test_an_altered_battle_is_named(three_votes):
    battle = three_votes[2].battle
    Battle.objects.filter(pk=battle.pk).update(model_a=battle.model_b, model_b=battle.model_a)
    code, message = verify()
    assert code == 1 and f"vote {three_votes[2].pk}" in message


def test_a_deleted_entry_breaks_the_chain(three_votes):
    VoteLedgerEntry.objects.filter(seq=2).delete()
    assert verify()[0] == 1


def test_exclusions_and_trust_weights_do_not_break_the_chain(three_votes):
    Vote.objects.update(inclusion=Vote.Inclusion.STAFF_EXCLUDED, weight=0.4, trust=Vote.Trust.NEW)
    assert verify()[0] == 0


def test_an_altered_pair_weight_is_named(two_demo_endpoints, voter, settings):
    # A battle drawn by the active sampler: its weight back to the reference design is a fact.
    settings.ARENA_SAMPLER = "active"
    battle = finished_battle(voter)
    Battle.objects.filter(pk=battle.pk).update(pair_weight=0.5)
    vote = vote_record(battle_id=battle.pk, voter=voter, choice="a")
    assert verify()[0] == 0
    Battle.objects.filter(pk=battle.pk).update(pair_weight=2.0)  # counted four times as much
    code, message = verify()
    assert code == 1 and f"vote {vote.pk}" in message


def test_daily_roots_are_published_once_and_checked(three_votes):
    yesterday = timezone.now() - dt.timedelta(days=1)
    VoteLedgerEntry.objects.filter(seq__lte=2).update(created_at=yesterday)
    roots = roots_publish()
    assert len(roots) == 1 and roots[0].last_seq == 2 and roots[0].votes == 2
    assert roots_publish() == []
    assert ledger_verify().ok
    LedgerRoot.objects.update(root_hash="f" * 64)
    assert "daily root" in ledger_verify().problem
