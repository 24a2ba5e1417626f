"""The version register: every model version that ever took part in a battle, retired or not.

Nothing that was tested is retracted: the register is read from the battle log itself, so the open
export's model set (models.json) equals the battle log's, and the boards' listing facts (counted and
fresh votes, a team's variants tested, retirement) come from it through arena/ratings/listing.py by
either door (the database here, the export in `facts_from_export`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
from django.conf import settings
from django.db.models import Max, Min, Q
from django.utils import timezone

from arena.models import Battle, ModelEndpoint, Vote
from arena.ratings import listing
from arena.ratings.tables import BattleTable


def rules() -> listing.ListingRules:
    return listing.ListingRules(
        min_votes=settings.LEADERBOARD_MIN_VOTES,
        provisional_votes=settings.LEADERBOARD_PROVISIONAL_VOTES,
        fresh_votes=settings.LEADERBOARD_PROVISIONAL_FRESH_VOTES,
        variant_cap=settings.ARENA_MAX_ACTIVE_VARIANTS,
    )


def _fresh_since(endpoint: ModelEndpoint) -> dt.datetime | None:
    attestation = getattr(endpoint, "attestation", None)
    if attestation is None:
        return None
    since = attestation.signed_at
    if attestation.release_date is not None:
        released = timezone.make_aware(dt.datetime.combine(attestation.release_date, dt.time()))
        since = max(since, released)
    return since


def _attestation_public(endpoint: ModelEndpoint) -> dict | None:
    """What the export and the model page show of an attestation (not who signed: a person's name)."""
    a = getattr(endpoint, "attestation", None)
    if a is None:
        return None
    return {
        "checkpoint": a.checkpoint,
        "params_total": a.params_total,
        "params_active": a.params_active,
        "licence": a.licence,
        "open_weights": a.open_weights,
        "release_url": a.release_url,
        "release_date": a.release_date.isoformat() if a.release_date else None,
        "statement": a.statement,
        "signed_at": a.signed_at.isoformat(),
    }


def version_register() -> list[dict]:
    """One entry per version in the battle log, ordered by id: JSON-ready (models.json)."""
    seen: dict[int, dict] = {}
    for side in ("a", "b"):
        rows = (
            Battle.objects.values(f"model_{side}_id")
            .annotate(first=Min("created_at"), last=Max("created_at"))
            .order_by()
        )
        for row in rows:
            entry = seen.setdefault(row[f"model_{side}_id"], {"first": row["first"], "last": row["last"]})
            entry["first"], entry["last"] = min(entry["first"], row["first"]), max(entry["last"], row["last"])
    versions: dict[int, set[str]] = {pk: set() for pk in seen}
    for side in ("a", "b"):
        for pk, version in Battle.objects.values_list(f"model_{side}_id", f"model_{side}_version").distinct():
            versions[pk].add(version)
    endpoints = ModelEndpoint.objects.filter(pk__in=list(seen)).select_related("team", "attestation")
    entries = []
    for endpoint in sorted(endpoints, key=lambda e: e.pk):
        fresh = _fresh_since(endpoint)
        entries.append(
            {
                "id": endpoint.pk,
                "name": endpoint.name,
                "team": endpoint.team.name,
                "is_demo": endpoint.team.is_demo,
                "versions": sorted(versions[endpoint.pk]),
                "first_battle_at": seen[endpoint.pk]["first"].isoformat(),
                "last_battle_at": seen[endpoint.pk]["last"].isoformat(),
                "fresh_since": fresh.isoformat() if fresh else None,
                "retired_on": endpoint.retired_on.isoformat() if endpoint.retired_on else None,
                "retirement_reason": endpoint.retirement_reason or None,
                "attestation": _attestation_public(endpoint),
            }
        )
    return entries


def entries_of(register: Iterable[Mapping]) -> list[listing.VersionEntry]:
    return [
        listing.VersionEntry(
            endpoint_id=e["id"],
            team=e["team"],
            last_battle_at=_local_date(e["last_battle_at"]),
            fresh_since=e["fresh_since"],
            retired_on=e["retired_on"],
            retirement_reason=e["retirement_reason"],
        )
        for e in register
    ]


def _local_date(iso: str) -> str:
    """The day (in the portal's time zone) of an ISO time, for comparing with the season start."""
    return timezone.localtime(dt.datetime.fromisoformat(iso)).date().isoformat()


def counted_from_table(table: BattleTable) -> dict[int, int]:
    """Counted (valid) votes per version from the overall board's table."""
    n = len(table.model_ids)
    if n == 0:
        return {}
    games = np.bincount(table.a, weights=table.counts, minlength=n) + np.bincount(
        table.b, weights=table.counts, minlength=n
    )
    return {model_id: int(games[i]) for i, model_id in enumerate(table.model_ids)}


def _teams_over_cap(register: list[dict], season_start: str, cap: int) -> set[str]:
    tested = listing.variants_tested(entries_of(register), season_start)
    return {team for team, n in tested.items() if n > cap}


def facts_from_database(register: list[dict], overall: BattleTable) -> dict[int, listing.VersionFacts]:
    """Listing facts of every registered version from the database. Fresh votes are counted only for
    versions of teams over the variant cap (the only ones whose listing reads them)."""
    season = settings.LEADERBOARD_SEASON_START
    over = _teams_over_cap(register, season, settings.ARENA_MAX_ACTIVE_VARIANTS)
    fresh = {}
    for entry in register:
        if entry["team"] in over and entry["fresh_since"]:
            fresh[entry["id"]] = Vote.objects.filter(
                Q(battle__model_a_id=entry["id"]) | Q(battle__model_b_id=entry["id"]),
                inclusion=Vote.Inclusion.VALID,
                pk__lte=overall.last_vote_id,
                created_at__gte=dt.datetime.fromisoformat(entry["fresh_since"]),
            ).count()
    return listing.version_facts(
        entries_of(register), counted_from_table(overall), fresh, season_start=season
    )


def facts_from_export(
    register: list[dict], records: Iterable[Mapping], *, season_start: str, variant_cap: int
) -> dict[int, listing.VersionFacts]:
    """The same facts from an export's models.json and votes.jsonl."""
    over = _teams_over_cap(register, season_start, variant_cap)
    since = {
        e["id"]: dt.datetime.fromisoformat(e["fresh_since"])
        for e in register
        if e["team"] in over and e["fresh_since"]
    }
    counted: dict[int, int] = {}
    fresh: dict[int, int] = {}
    for record in records:
        if record["inclusion"] != Vote.Inclusion.VALID:
            continue
        cast = None
        for side in ("model_a", "model_b"):
            model_id = record[side]["id"]
            counted[model_id] = counted.get(model_id, 0) + 1
            if model_id in since:
                cast = cast or dt.datetime.fromisoformat(record["created_at"])
                if cast >= since[model_id]:
                    fresh[model_id] = fresh.get(model_id, 0) + 1
    return listing.version_facts(entries_of(register), counted, fresh, season_start=season_start)
