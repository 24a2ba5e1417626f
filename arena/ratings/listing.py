"""The listing rule of every board, in one place: pure, no Django.

For one version on one board:

1. Ranked ("listed") once the version has `min_votes` counted votes on that board; below that it is
   shown under the ranking as "not enough votes yet", its score for reference only.
2. "잠정 (provisional)" on every board while its counted votes (over all boards: the overall board's
   count) are fewer than `provisional_votes`, or, when its team had more versions tested in the
   season than the variant cap, while its fresh votes (cast after it was frozen: its public release
   or its attestation, whichever is later) are fewer than `fresh_votes`. A team that tried many
   variants and kept the best has a selection effect in its old votes (LMArena measured about +11
   Elo after 50 tests); only votes after the choice are free of it.
3. "은퇴 (retired)" once retired: the row stays on every board with its votes, marked, ranked as before.

Both doors (the database and the open export) gather the same `VersionFacts` and call `listing`, so
the rebuilt board equals the published one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ListingRules:
    min_votes: int
    provisional_votes: int
    fresh_votes: int
    variant_cap: int


@dataclass(frozen=True)
class VersionEntry:
    """What the battle log says of one version (every version that took part in a battle)."""

    endpoint_id: int
    team: str
    last_battle_at: str  # ISO 8601
    fresh_since: str | None  # ISO 8601: release or attestation, whichever is later
    retired_on: str | None  # ISO date
    retirement_reason: str | None


@dataclass(frozen=True)
class VersionFacts:
    counted_votes: int
    fresh_votes: int
    team_variants_tested: int
    retired_on: str | None = None
    retirement_reason: str | None = None


@dataclass(frozen=True)
class Listing:
    listed: bool
    provisional: bool
    provisional_reason: str | None  # "votes" | "variants"
    retired: bool
    retired_on: str | None
    retirement_reason: str | None

    def row_fields(self) -> dict:
        return {
            "listed": self.listed,
            "provisional": self.provisional,
            "provisional_reason": self.provisional_reason,
            "retired": self.retired,
            "retired_on": self.retired_on,
            "retirement_reason": self.retirement_reason,
        }


def variants_tested(entries: Iterable[VersionEntry], season_start: str) -> dict[str, int]:
    """Per team: versions that took part in a battle on or after the season start (ISO date or "")."""
    counts: dict[str, int] = {}
    for entry in entries:
        if not season_start or entry.last_battle_at[:10] >= season_start:
            counts[entry.team] = counts.get(entry.team, 0) + 1
    return counts


def version_facts(
    entries: Iterable[VersionEntry],
    counted: Mapping[int, int],
    fresh: Mapping[int, int],
    *,
    season_start: str,
) -> dict[int, VersionFacts]:
    entries = list(entries)
    tested = variants_tested(entries, season_start)
    return {
        e.endpoint_id: VersionFacts(
            counted_votes=int(counted.get(e.endpoint_id, 0)),
            fresh_votes=int(fresh.get(e.endpoint_id, 0)),
            team_variants_tested=tested.get(e.team, 0),
            retired_on=e.retired_on,
            retirement_reason=e.retirement_reason or None,
        )
        for e in entries
    }


def over_cap(facts: VersionFacts, rules: ListingRules) -> bool:
    return facts.team_variants_tested > rules.variant_cap


def listing(board_votes: int, facts: VersionFacts | None, rules: ListingRules) -> Listing:
    """The listing of one version on one board with `board_votes` counted votes there."""
    facts = facts or VersionFacts(counted_votes=board_votes, fresh_votes=0, team_variants_tested=1)
    reason = None
    if over_cap(facts, rules) and facts.fresh_votes < rules.fresh_votes:
        reason = "variants"
    elif facts.counted_votes < rules.provisional_votes:
        reason = "votes"
    return Listing(
        listed=board_votes >= rules.min_votes,
        provisional=reason is not None,
        provisional_reason=reason,
        retired=facts.retired_on is not None,
        retired_on=facts.retired_on,
        retirement_reason=facts.retirement_reason,
    )
