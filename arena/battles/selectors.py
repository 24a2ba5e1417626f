"""Reads of the arena."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404

from arena.battles.identity import KNOWN_ALIASES
from arena.models import ALIASES_CACHE_KEY, Battle, ModelEndpoint, Team

ALIASES_CACHE_SECONDS = 300  # a backstop: saving a team or a model drops the entry (arena/models.py)


def aliases_known() -> tuple[str, ...]:
    """Every name that would unblind a battle: the seeded list plus each registered team and model.
    Kept in the cache, not queried twice per turn."""
    names = cache.get(ALIASES_CACHE_KEY)
    if names is None:
        found = set(KNOWN_ALIASES)
        for name, aliases in [
            *Team.objects.values_list("name", "aliases"),
            *ModelEndpoint.objects.values_list("name", "aliases"),
        ]:
            found.add(name)
            found.update(aliases.splitlines())
        names = tuple(sorted(n.strip() for n in found if n.strip()))
        cache.set(ALIASES_CACHE_KEY, names, ALIASES_CACHE_SECONDS)
    return names


def battle_get_for_voter(*, battle_id, voter: str | None) -> Battle:
    """The voter's own battle with its models and turns, or 404: nobody sees another's battle."""
    if voter is None:
        raise Http404
    battle = (
        Battle.objects.select_related("model_a__team", "model_b__team")
        .prefetch_related("turns")
        .filter(pk=battle_id, voter=voter)
        .first()
    )
    if battle is None:
        raise Http404
    return battle


def citizen_data(*, voter: str | None) -> dict:
    """Everything the portal keeps that is tied to this citizen's pseudonymous voter id."""
    if voter is None:
        return {"battles": [], "votes": 0, "turns": 0}
    battles = list(
        Battle.objects.filter(voter=voter)
        .prefetch_related("turns")
        .select_related("vote")
        .order_by("-created_at")
    )
    return {
        "voter": voter,
        "battles": battles,
        "votes": sum(1 for b in battles if hasattr(b, "vote")),
        "turns": sum(len(b.turns.all()) for b in battles),
    }
