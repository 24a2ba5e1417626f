"""A model's card: who made it, which version, how big, under what licence, and what its answers cost
in energy. Shown for each side at the reveal and on the model's page, from the team's attestation
(`Attestation`): nothing is guessed where the team attested nothing.

Size classes are by total parameters (what must be served): XS < 4B, S < 15B, M < 70B, L < 200B,
XL at or above. Energy comes from arena/energy.py (EcoLogits with compar:IA's classes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from arena import energy
from arena.models import Attestation, Battle, ModelEndpoint

SIZE_CLASSES = (
    ("XS", 4e9, _("초소형")),
    ("S", 15e9, _("소형")),
    ("M", 70e9, _("중형")),
    ("L", 200e9, _("대형")),
)
SIZE_XL = ("XL", _("초대형"))


@dataclass(frozen=True)
class ModelCard:
    endpoint_id: int
    team: str
    organization: str
    model: str
    version: str
    is_demo: bool
    attested: bool
    size_class: str | None  # XS .. XL
    size_label: str | None
    params_total: int | None
    params_active: int | None
    licence: str
    open_weights: bool
    release_date: dt.date | None
    release_url: str
    per_million: energy.EnergyEstimate | None  # the model's class: one million output tokens
    answer: energy.EnergyEstimate | None  # this battle's answers, when the card is for a reveal
    output_tokens: int | None

    @property
    def mixture_of_experts(self) -> bool:
        return bool(self.params_active and self.params_total and self.params_active < self.params_total)


def size_class(params_total: int | None) -> tuple[str, str] | None:
    if not params_total:
        return None
    for code, ceiling, label in SIZE_CLASSES:
        if params_total < ceiling:
            return code, str(label)
    return SIZE_XL[0], str(SIZE_XL[1])


def card_for(endpoint: ModelEndpoint, *, version: str = "", output_tokens: int | None = None) -> ModelCard:
    """The card of one model; with `output_tokens`, the energy of those tokens too."""
    try:
        attestation = endpoint.attestation
    except Attestation.DoesNotExist:
        attestation = None
    total = attestation.params_total if attestation else None
    active = attestation.params_active if attestation else None
    size = size_class(total or active)
    per_million = energy.estimate(params_active=active, params_total=total, output_tokens=1_000_000)
    answer = (
        energy.estimate(params_active=active, params_total=total, output_tokens=output_tokens)
        if output_tokens is not None
        else None
    )
    return ModelCard(
        endpoint_id=endpoint.pk,
        team=endpoint.team.name,
        organization=endpoint.team.organization,
        model=endpoint.name,
        version=version or endpoint.model_id,
        is_demo=endpoint.team.is_demo,
        attested=attestation is not None,
        size_class=size[0] if size else None,
        size_label=size[1] if size else None,
        params_total=total,
        params_active=active,
        licence=attestation.licence if attestation else "",
        open_weights=bool(attestation and attestation.open_weights),
        release_date=attestation.release_date if attestation else None,
        release_url=attestation.release_url if attestation else "",
        per_million=per_million,
        answer=answer,
        output_tokens=output_tokens,
    )


def _tokens(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def battle_cards(battle: Battle) -> tuple[ModelCard, ModelCard]:
    """Both sides' cards at the reveal, with the energy of every answer each gave in this battle."""
    turns = [t for t in battle.turns.all() if not t.cancelled]
    return (
        card_for(
            battle.model_a,
            version=battle.model_a_version,
            output_tokens=_tokens(t.output_tokens_a for t in turns),
        ),
        card_for(
            battle.model_b,
            version=battle.model_b_version,
            output_tokens=_tokens(t.output_tokens_b for t in turns),
        ),
    )


def energy_columns(endpoint_ids: Iterable[int]) -> dict[int, ModelCard]:
    """Cards for the leaderboard's optional energy and size columns, in one query."""
    endpoints = ModelEndpoint.objects.select_related("team", "attestation").filter(pk__in=list(endpoint_ids))
    return {endpoint.pk: card_for(endpoint) for endpoint in endpoints}
