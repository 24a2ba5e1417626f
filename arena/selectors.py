"""Reads of the arena."""

from __future__ import annotations

from django.http import Http404

from arena.models import Battle


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
