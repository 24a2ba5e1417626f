"""Writes of a model version's life: attestation, retirement, and the staff decision on a drifted
version. Each service owns its transaction and writes the audit log in it. The same rules for every
team: nothing here looks at who the team is."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.models import Attestation, Battle, CanaryRun, ModelEndpoint
from core.audit import audit_record

ATTESTATION_FIELDS = (
    "checkpoint",
    "params_total",
    "params_active",
    "licence",
    "open_weights",
    "release_url",
    "release_date",
    "statement",
    "signed_by_name",
)


def attestation_sign(
    *, endpoint: ModelEndpoint, actor=None, signed_at: dt.datetime | None = None, **fields
) -> Attestation:
    """Record (or update) what the team declares this version to be, signed off now. Checked as the
    admin form checks it (ValidationError naming the field, nothing stored): a checkpoint or weights
    hash, a licence, a statement and who signed it are required; a version that already took part in
    a battle keeps its checkpoint. Audit-logged."""
    unknown = set(fields) - set(ATTESTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown attestation fields: {sorted(unknown)}")
    with transaction.atomic():
        attestation = Attestation.objects.filter(endpoint=endpoint).first() or Attestation(endpoint=endpoint)
        before = {name: getattr(attestation, name) for name in ATTESTATION_FIELDS} if attestation.pk else {}
        for name, value in fields.items():
            setattr(attestation, name, value.strip() if isinstance(value, str) else value)
        attestation.signed_at = signed_at or timezone.now()
        if getattr(actor, "is_authenticated", False):
            attestation.signed_by = actor
        attestation.full_clean()
        attestation.save()
        attestation_audit(attestation=attestation, actor=actor, before=before)
    return attestation


def attestation_audit(*, attestation: Attestation, actor, before: dict) -> None:
    """The audit entry of a sign-off (also written by the admin, which saves through its own form)."""
    after = {name: _jsonable(getattr(attestation, name)) for name in ATTESTATION_FIELDS}
    changed = {k: v for k, v in after.items() if _jsonable(before.get(k)) != v} if before else after
    audit_record(
        actor=actor,
        action="attestation_signed",
        target=f"endpoint:{attestation.endpoint_id}",
        reason=attestation.statement,
        signed_by_name=attestation.signed_by_name,
        signed_at=attestation.signed_at.isoformat(),
        changed=changed,
    )


def _jsonable(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def version_retire(
    *, endpoint: ModelEndpoint, reason: str, retired_on: dt.date | None, note: str = "", actor=None
) -> ModelEndpoint:
    """Retire a version: out of the sampler for good, its votes and board rows kept, marked retired,
    and listed on /methodology/changes/. Needs a reason from the fixed list and a date (not in the
    future, not before the version was registered). Audit-logged."""
    errors: dict[str, list[str]] = {}
    if reason not in ModelEndpoint.Retirement.values:
        errors["reason"] = [_("은퇴 사유: 정해진 목록에서 골라 주세요.")]
    today = timezone.localdate()
    if retired_on is None:
        errors["retired_on"] = [_("은퇴일: 날짜를 적어 주세요.")]
    elif retired_on > today:
        errors["retired_on"] = [_("은퇴일: 앞으로의 날짜는 쓸 수 없습니다.")]
    elif retired_on < timezone.localdate(endpoint.created_at):
        errors["retired_on"] = [_("은퇴일: 이 버전을 등록한 날보다 앞설 수 없습니다.")]
    if endpoint.is_retired:
        errors["endpoint"] = [_("이 버전은 이미 은퇴했습니다.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = ModelEndpoint.objects.filter(pk=endpoint.pk, retired_on__isnull=True).update(
            retired_on=retired_on, retirement_reason=reason, retirement_note=note.strip()
        )
        if not updated:
            raise ValidationError({"endpoint": [_("이 버전은 이미 은퇴했습니다.")]})
        audit_record(
            actor=actor,
            action="version_retired",
            target=f"endpoint:{endpoint.pk}",
            reason=note.strip() or ModelEndpoint.Retirement(reason).label,
            retirement_reason=reason,
            retired_on=retired_on.isoformat(),
            battles=Battle.objects.filter(Q(model_a=endpoint) | Q(model_b=endpoint)).count(),
        )
    endpoint.refresh_from_db()
    return endpoint


def drift_clear(*, run: CanaryRun, reviewer, reason: str) -> CanaryRun:
    """Staff compared the diff and found the same model (a benign difference): the version returns to
    the sampler and this run's answers become its baseline. Audit-logged."""
    return _drift_decide(run=run, reviewer=reviewer, reason=reason, review=CanaryRun.Review.CLEARED)


def drift_confirm(*, run: CanaryRun, reviewer, reason: str) -> CanaryRun:
    """Staff found a different model behind the endpoint: the version is retired for a version
    mismatch (its votes and rows stay, marked), as the policy says. Audit-logged."""
    return _drift_decide(run=run, reviewer=reviewer, reason=reason, review=CanaryRun.Review.CONFIRMED)


def _drift_decide(*, run: CanaryRun, reviewer, reason: str, review: str) -> CanaryRun:
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationError({"reason": [_("사유: 5자 이상 적어 주세요.")]})
    with transaction.atomic():
        run = CanaryRun.objects.select_for_update().select_related("endpoint").get(pk=run.pk)
        if run.outcome != CanaryRun.Outcome.DRIFTED or run.review != CanaryRun.Review.PENDING:
            raise ValidationError({"run": [_("이 점검은 이미 검토했습니다.")]})
        now = timezone.now()
        run.review, run.review_reason, run.reviewed_by, run.reviewed_at = review, reason, reviewer, now
        endpoint = run.endpoint
        if review == CanaryRun.Review.CLEARED:
            CanaryRun.objects.filter(endpoint=endpoint, is_baseline=True).update(is_baseline=False)
            run.is_baseline = True
            ModelEndpoint.objects.filter(pk=endpoint.pk).update(suspended_at=None)
        else:
            ModelEndpoint.objects.filter(pk=endpoint.pk, retired_on__isnull=True).update(
                retired_on=timezone.localdate(now),
                retirement_reason=ModelEndpoint.Retirement.VERSION_MISMATCH,
                retirement_note=reason,
            )
        run.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at", "is_baseline"])
        audit_record(
            actor=reviewer,
            action=f"drift_{review}",
            target=f"endpoint:{endpoint.pk}",
            reason=reason,
            run=run.pk,
            similarity=run.similarity,
            threshold=run.threshold,
        )
    return run
