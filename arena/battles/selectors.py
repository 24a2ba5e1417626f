"""Reads of the arena."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arena.battles.identity import ALIAS_FAMILIES
from arena.models import ALIASES_CACHE_KEY, Battle, ModelEndpoint, Team, Vote

ALIASES_CACHE_SECONDS = 300  # a backstop: saving a team or a model drops the entry (arena/models.py)


def alias_families_known() -> tuple[tuple[str, ...], ...]:
    """Every name that would unblind a battle, by maker: the seeded families plus one per registered
    team (its names, its models' names). Kept in the cache, not queried on every turn."""
    families = cache.get(ALIASES_CACHE_KEY)
    if families is None:
        teams: dict[int, set[str]] = {}
        for team_id, team_name, team_aliases in Team.objects.values_list("id", "name", "aliases"):
            teams[team_id] = {team_name, *team_aliases.splitlines()}
        for team_id, name, aliases in ModelEndpoint.objects.values_list("team_id", "name", "aliases"):
            teams.setdefault(team_id, set()).update({name, *aliases.splitlines()})
        registered = (tuple(sorted(n.strip() for n in names if n.strip())) for names in teams.values())
        families = (*ALIAS_FAMILIES, *(family for family in registered if family))
        cache.set(ALIASES_CACHE_KEY, families, ALIASES_CACHE_SECONDS)
    return families


def battle_get_for_voter(*, battle_id, voter: str | None) -> Battle:
    """The voter's own battle with its models and turns, or 404: nobody sees another's battle."""
    if voter is None:
        raise Http404
    battle = (
        Battle.objects.select_related(
            "model_a__team", "model_b__team", "model_a__attestation", "model_b__attestation", "vote"
        )
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


def vote_not_counted_reason(vote: Vote | None) -> str | None:
    """Why a stored vote is left out of the ranking, in plain words for the reveal; None when it counts.
    A vote is never dropped in silence: the citizen reads this where they read "thank you"."""
    if vote is None or vote.inclusion == Vote.Inclusion.VALID:
        return None
    seconds = settings.ARENA_MIN_SECONDS_TO_VOTE
    reasons = {
        Vote.Inclusion.IDENTITY_LEAK: _(
            "답변에 모델 이름이 드러났거나 질문이 모델이 누구인지 물어, 이름을 가린 비교가 되지 않았습니다."
        ),
        Vote.Inclusion.TOO_FAST: ngettext(
            "마지막 답변이 끝나고 %(n)s초가 지나기 전에 투표했습니다.",
            "마지막 답변이 끝나고 %(n)s초가 지나기 전에 투표했습니다.",
            int(seconds),
        )
        % {"n": f"{seconds:g}"},
        Vote.Inclusion.RATE_LIMITED: _(
            "이 기기나 같은 네트워크에서 오늘 순위에 반영할 수 있는 투표 수를 넘었습니다."
        ),
        Vote.Inclusion.DELETED_BY_CITIZEN: _("본인 요청으로 삭제했습니다."),
    }
    return reasons.get(vote.inclusion, vote.get_inclusion_display())
