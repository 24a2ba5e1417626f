"""The tamper-evident vote ledger.

Each vote, when recorded, gets the next entry: entry_hash = sha256(prev_hash + the vote's canonical
facts). The facts are what must never change after the vote: ids, voter pseudonym, choice, the two
models and their versions, the pair probability (and the active sampler's pair weight) and the time. Inclusion is left out on purpose: it
changes legitimately (exclusions are audit-logged instead). A daily root is the hash of the day's last
entry; `verify_vote_ledger` recomputes the chain from the stored votes and names the first that no
longer matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from arena.models import LedgerHead, LedgerRoot, Vote, VoteLedgerEntry

GENESIS = "0" * 64


def vote_facts(vote: Vote) -> str:
    battle = vote.battle
    # The active sampler's weight is as fixed as the pair probability; it joins the facts only when it
    # is not the reference design's 1.0, so entries written before it existed still verify.
    weight = {} if battle.pair_weight == 1.0 else {"pair_weight": repr(battle.pair_weight)}
    return json.dumps(
        {
            **weight,
            "vote": vote.pk,
            "battle": str(battle.pk),
            "voter": vote.voter,
            "choice": vote.choice,
            "model_a": battle.model_a_id,
            "model_b": battle.model_b_id,
            "model_a_version": battle.model_a_version,
            "model_b_version": battle.model_b_version,
            "pair_probability": repr(battle.pair_probability),
            "created_at": vote.created_at.astimezone(dt.UTC).isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def chain_hash(prev_hash: str, facts: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{facts}".encode()).hexdigest()


def ledger_append(*, vote: Vote) -> VoteLedgerEntry:
    """Add a vote to the chain. Must run inside the vote's transaction: the head row lock orders
    concurrent votes, so no two entries share a position."""
    # The row comes from a migration; get_or_create only matters after a test flush.
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    entry_hash = chain_hash(head.entry_hash, vote_facts(vote))
    entry = VoteLedgerEntry.objects.create(
        seq=head.seq + 1, vote=vote, prev_hash=head.entry_hash, entry_hash=entry_hash
    )
    head.seq, head.entry_hash = entry.seq, entry_hash
    head.save(update_fields=["seq", "entry_hash"])
    return entry


@transaction.atomic
def roots_publish(*, until: dt.date | None = None) -> list[LedgerRoot]:
    """Store the root of every finished day that has entries and no root yet (today is not finished)."""
    until = until or timezone.localdate() - dt.timedelta(days=1)
    published = []
    last_day = LedgerRoot.objects.order_by("-day").values_list("day", flat=True).first()
    entries = VoteLedgerEntry.objects.order_by("seq")
    if last_day:
        entries = entries.filter(created_at__date__gt=last_day)
    day_entries: dict[dt.date, list[VoteLedgerEntry]] = {}
    for entry in entries.only("seq", "entry_hash", "created_at"):
        day = timezone.localdate(entry.created_at)
        if day <= until:
            day_entries.setdefault(day, []).append(entry)
    for day, items in sorted(day_entries.items()):
        published.append(
            LedgerRoot.objects.create(
                day=day, last_seq=items[-1].seq, root_hash=items[-1].entry_hash, votes=len(items)
            )
        )
    return published


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_vote: int | None = None
    problem: str = ""


def ledger_verify() -> Verification:
    """Recompute every entry from the votes as stored now; stop at the first difference."""
    prev = GENESIS
    roots = {r.last_seq: r.root_hash for r in LedgerRoot.objects.all()}
    checked = 0
    entries = VoteLedgerEntry.objects.select_related("vote__battle").order_by("seq")
    expected_seq = 1
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected_seq or entry.prev_hash != prev:
            return Verification(
                False, checked, entry.vote_id, f"entry {entry.seq} does not follow entry {expected_seq - 1}"
            )
        recomputed = chain_hash(prev, vote_facts(entry.vote))
        if recomputed != entry.entry_hash:
            return Verification(
                False, checked, entry.vote_id, f"vote {entry.vote_id} differs from what was recorded"
            )
        if entry.seq in roots and roots[entry.seq] != recomputed:
            return Verification(
                False, checked, entry.vote_id, f"daily root at entry {entry.seq} does not match"
            )
        prev = recomputed
        expected_seq += 1
        checked += 1
    unchained = (
        Vote.objects.filter(ledger_entry__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    )
    if unchained is not None:
        return Verification(False, checked, unchained, f"vote {unchained} is not in the ledger")
    return Verification(True, checked)


def ledger_matches(*, head: dict, roots: list[dict]) -> str | None:
    """Does the stored chain reach this head (seq, entry_hash) through these daily roots (day,
    last_seq, root_hash), as a backup recorded them? Returns the first difference, or None. Run after
    ledger_verify, which proves the chain itself."""
    if head["seq"]:
        entry = VoteLedgerEntry.objects.filter(seq=head["seq"]).first()
        if entry is None or entry.entry_hash != head["entry_hash"]:
            return f"entry {head['seq']} is not the head recorded at the backup"
    stored = {r.day.isoformat(): r for r in LedgerRoot.objects.all()}
    for root in roots:
        mine = stored.get(root["day"])
        if mine is None or (mine.root_hash, mine.last_seq) != (root["root_hash"], root["last_seq"]):
            return f"the daily root of {root['day']} differs from the backup's"
        entry = VoteLedgerEntry.objects.filter(seq=root["last_seq"]).first()
        if entry is None or entry.entry_hash != root["root_hash"]:
            return f"the chain does not pass through the daily root of {root['day']}"
    return None
