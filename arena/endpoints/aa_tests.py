"""A/A tests: one version enrolled under a second anonymous name for a season.

The second name is a second endpoint row pointing at the same server, model id and key variable, with
the same attestation: the sampler cannot tell them apart, and neither can a voter. The two names' ratings
must agree within their intervals; the methodology page publishes whether they do (arena/integrity/
methodology.py). The twin does not count against the team's cap of active variants, and it shares its
team's equal share of battles like any other version of that team.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.models import AATest, Attestation, ModelEndpoint
from core.audit import audit_record


@transaction.atomic
def aa_test_enrol(
    *, endpoint: ModelEndpoint, twin_name: str, season_start: dt.date, season_end: dt.date, actor
) -> AATest:
    """Create the second name and the test; refused (ValidationError naming the field, nothing
    changed) when the name is taken in the team, the season is empty, or the version has no
    attestation or is itself a twin."""
    twin_name = twin_name.strip()
    errors: dict[str, list[str]] = {}
    if not twin_name:
        errors["twin_name"] = [_("두 번째 이름: 비어 있습니다.")]
    elif ModelEndpoint.objects.filter(team_id=endpoint.team_id, name=twin_name).exists():
        errors["twin_name"] = [_("두 번째 이름: 이 팀에 같은 이름의 버전이 이미 있습니다.")]
    if season_end <= season_start:
        errors["season_end"] = [_("종료일: 시작일보다 뒤여야 합니다.")]
    attestation = Attestation.objects.filter(endpoint=endpoint).first()
    if attestation is None:
        errors["endpoint"] = [_("원래 버전: 확인서가 없어 대결에 나오지 않는 버전입니다.")]
    if AATest.objects.filter(twin=endpoint).exists():
        errors["endpoint"] = [_("원래 버전: 이미 다른 A/A 시험의 두 번째 이름입니다.")]
    if errors:
        raise ValidationError(errors)
    twin = ModelEndpoint.objects.create(
        team_id=endpoint.team_id,
        name=twin_name,
        base_url=endpoint.base_url,
        model_id=endpoint.model_id,
        api_key_env=endpoint.api_key_env,
        is_internal=endpoint.is_internal,
        aliases=endpoint.aliases,
        weight=endpoint.weight,
        is_active=endpoint.is_active,
        is_healthy=endpoint.is_healthy,
    )
    attestation.pk = None
    attestation.id = None
    attestation.endpoint = twin
    attestation.signed_at = timezone.now()
    attestation.save()
    test = AATest.objects.create(
        endpoint=endpoint, twin=twin, season_start=season_start, season_end=season_end, created_by=actor
    )
    audit_record(
        actor=actor,
        action="aa_test_enrol",
        target=f"endpoint {endpoint.pk} as {twin.pk}",
        reason=f"A/A {season_start:%Y-%m-%d}..{season_end:%Y-%m-%d}",
    )
    return test
