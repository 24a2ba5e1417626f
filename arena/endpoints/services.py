"""Writes and settings of the model endpoints: registration, probe results, how the one inference
client is configured for an endpoint. Each service owns its transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from arena.endpoints import inference
from arena.models import ModelEndpoint, Team


def endpoint_register(
    *,
    team: str,
    model: str,
    base_url: str,
    model_id: str,
    api_key_env: str = "",
    team_code: str = "",
    internal: bool = False,
    weight: float = 1.0,
    is_demo: bool = False,
    organization: str = "",
    description: str = "",
) -> tuple[ModelEndpoint, bool]:
    """Create or update the endpoint of (team, model). Returns (endpoint, created).

    Checked as the admin form checks it (ValidationError, nothing stored): an http(s) base URL without
    query, fragment or credentials; a public host unless `internal`; a key variable named
    TEAM_<team code>_KEY for this team's code (given here, or already the team's).
    """
    if weight < 0:
        raise ValueError("weight must not be negative")
    with transaction.atomic():
        team_obj, _created = Team.objects.get_or_create(name=team)
        changed = False
        for attr, value in (
            ("is_demo", is_demo),
            ("organization", organization),
            ("description", description),
            ("code", team_code),
        ):
            if value and getattr(team_obj, attr) != value:
                setattr(team_obj, attr, value)
                changed = True
        if changed:
            team_obj.full_clean()
            team_obj.save()
        endpoint = ModelEndpoint.objects.filter(team=team_obj, name=model).first()
        created = endpoint is None
        endpoint = endpoint or ModelEndpoint(team=team_obj, name=model)
        endpoint.base_url = base_url
        endpoint.model_id = model_id
        endpoint.api_key_env = api_key_env
        endpoint.is_internal = internal
        endpoint.weight = weight
        endpoint.is_active = True
        endpoint.full_clean(validate_unique=False)
        endpoint.save()
    return endpoint, created


def timeouts() -> inference.Timeouts:
    return inference.Timeouts(
        connect=settings.ARENA_CONNECT_TIMEOUT,
        first_token=settings.ARENA_FIRST_TOKEN_TIMEOUT,
        idle=settings.ARENA_IDLE_TIMEOUT,
        total=settings.ARENA_TOTAL_TIMEOUT,
    )


def endpoint_config(endpoint: ModelEndpoint) -> inference.Endpoint:
    return inference.Endpoint(
        base_url=endpoint.base_url,
        model_id=endpoint.model_id,
        api_key=endpoint.api_key(),
        public_only=not endpoint.is_internal,
    )


def endpoint_probe_record(*, endpoint_id: int, error: str) -> None:
    ModelEndpoint.objects.filter(pk=endpoint_id).update(
        is_healthy=not error, last_probe_error=error[:300], last_probe_at=timezone.now()
    )
