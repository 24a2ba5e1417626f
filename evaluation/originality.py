"""Originality evidence and the gate decision that cites it.

Stage 1 showed the gate decides as much as the points: one team was cut for reusing external encoder
weights, another passed after a public verification of its checkpoints and training logs. The
reinforced rule as applied (anchors-2025-2026.md section 2; domain-facts.md 2.4): no derivative
fine-tune of a foreign model, no external encoder weights used frozen without re-initialisation,
full-cycle development from design through pre-training; plus licence compliance including reference
notices, and transparency through public verification. Here that becomes:

1. Records, per team and model version, entered with links and the team member who attests them, and
   checked by a reviewer whose name and time are kept.
2. A component declared with external weights not re-initialised (frozen or fine-tuned from them)
   puts the gate "under review" at once; only a reviewer's decision that cites it, with a reason,
   ends that.
3. Under the reinforced rule a decision cites at least one record, and "pass" needs every requirement
   met (`requirements`). Every decision needs a reason. Every step is audit-logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from evaluation.models import GateDecision, OriginalityRecord, Round, RoundTeam

Kind = OriginalityRecord.Kind
MAX_LINKS = 50
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool
    records: list[OriginalityRecord]


REQUIREMENT_LABELS = {
    "training": gettext_lazy(
        "가중치를 팀이 초기화하고 학습했다는 확인 (체크포인트 목록과 손실 기록, 검토자 확인)"
    ),
    "components": gettext_lazy("밝힌 외부 구성요소마다 검토자 확인, 재초기화하지 않은 것은 판정에서 인용"),
    "licence": gettext_lazy("라이선스와 출처 고지 확인 (검토자 확인)"),
    "verification": gettext_lazy("공개 검증 (날짜와 기록, 검토자 확인)"),
}


def _target(entry: RoundTeam) -> str:
    return f"round:{entry.round.slug}:{entry.team.name}"


def links_parse(raw: str, label: str) -> list[str]:
    """One http(s) address per line; blank lines ignored."""
    links = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise ValidationError(
            _("%(label)s은(는) %(n)s개까지 적을 수 있습니다.") % {"label": label, "n": MAX_LINKS}
        )
    for number, link in enumerate(links, start=1):
        try:
            _url(link)
        except ValidationError:
            raise ValidationError(
                _("%(label)s %(n)s번째 줄이 http 또는 https 주소가 아닙니다.") % {"label": label, "n": number}
            ) from None
    return links


def unresolved_holds(entry: RoundTeam) -> list[OriginalityRecord]:
    """Components that hold the gate and that no reviewer's decision has cited yet."""
    cited = set(
        GateDecision.cites.through.objects.filter(
            gatedecision__entry=entry, gatedecision__decided_by__isnull=False
        ).values_list("originalityrecord_id", flat=True)
    )
    return [r for r in current_records(entry) if r.holds_gate and r.pk not in cited]


def current_records(
    entry: RoundTeam, records: list[OriginalityRecord] | None = None
) -> list[OriginalityRecord]:
    """The records about the model version the entry is evaluated on now."""
    records = list(entry.originality_records.all()) if records is None else records
    return [r for r in records if r.endpoint_id == entry.endpoint_id]


def requirements(
    entry: RoundTeam, records: list[OriginalityRecord] | None = None, citing: frozenset[int] = frozenset()
) -> list[Requirement]:
    """What the reinforced rule needs before "pass", each with the records that bear on it. `citing`:
    records the decision being made cites (a hold it cites is resolved by it)."""
    records = current_records(entry, records)
    by_kind = {kind: [r for r in records if r.kind == kind] for kind in Kind.values}
    holds = {r.pk for r in unresolved_holds(entry)} - citing
    training = [r for r in by_kind[Kind.TRAINING] if r.checked_at and r.checkpoints and r.loss_logs]
    components = by_kind[Kind.COMPONENT]
    return [
        Requirement(REQUIREMENT_LABELS["training"], bool(training), by_kind[Kind.TRAINING]),
        Requirement(
            REQUIREMENT_LABELS["components"],
            all(r.checked_at for r in components) and not holds,
            components,
        ),
        Requirement(
            REQUIREMENT_LABELS["licence"],
            any(r.checked_at for r in by_kind[Kind.LICENCE]),
            by_kind[Kind.LICENCE],
        ),
        Requirement(
            REQUIREMENT_LABELS["verification"],
            any(r.checked_at and r.held_on for r in by_kind[Kind.VERIFICATION]),
            by_kind[Kind.VERIFICATION],
        ),
    ]


def record_add(
    *,
    entry: RoundTeam,
    kind: str,
    title: str,
    url: str,
    declared_by: str,
    actor,
    component_type: str = "",
    treatment: str = "",
    source: str = "",
    licence: str = "",
    checkpoints: list[str] | None = None,
    loss_logs: list[str] | None = None,
    held_on: dt.date | None = None,
) -> OriginalityRecord:
    """Store one record. A component whose external weights were not re-initialised puts the gate
    under review in the same transaction (an automatic decision citing it)."""
    if kind not in Kind.values:
        raise ValidationError(_("근거 종류를 골라 주세요."))
    title, url, declared_by = title.strip(), url.strip(), declared_by.strip()
    if not title:
        raise ValidationError(_("무엇에 대한 근거인지 적어 주세요."))
    if not declared_by:
        raise ValidationError(_("이 내용을 확인한 팀 측 사람을 적어 주세요."))
    try:
        _url(url)
    except ValidationError:
        raise ValidationError(_("근거 주소는 http 또는 https 주소여야 합니다.")) from None
    checkpoints, loss_logs = checkpoints or [], loss_logs or []
    if kind == Kind.TRAINING and not (checkpoints and loss_logs):
        raise ValidationError(
            _("가중치 학습 근거에는 체크포인트 목록과 손실 기록 주소가 하나 이상씩 있어야 합니다.")
        )
    if kind != Kind.TRAINING and (checkpoints or loss_logs):
        raise ValidationError(_("체크포인트와 손실 기록은 가중치 학습 근거에만 적습니다."))
    if kind == Kind.COMPONENT:
        if component_type not in OriginalityRecord.ComponentType.values:
            raise ValidationError(_("구성요소 종류를 골라 주세요."))
        if treatment not in OriginalityRecord.Treatment.values:
            raise ValidationError(_("외부 구성요소의 가중치를 어떻게 다뤘는지 골라 주세요."))
        if not source.strip() or not licence.strip():
            raise ValidationError(_("외부 구성요소는 출처와 라이선스를 모두 적어야 합니다."))
    else:
        component_type = treatment = ""
    if kind == Kind.LICENCE and not licence.strip():
        raise ValidationError(_("확인한 라이선스를 적어 주세요."))
    if kind == Kind.VERIFICATION and held_on is None:
        raise ValidationError(_("공개 검증을 한 날짜를 적어 주세요."))
    record = OriginalityRecord(
        entry=entry,
        endpoint_id=entry.endpoint_id,
        kind=kind,
        title=title[:200],
        url=url,
        component_type=component_type,
        treatment=treatment,
        source=source.strip()[:300],
        licence=licence.strip()[:100],
        checkpoints=checkpoints,
        loss_logs=loss_logs,
        held_on=held_on if kind == Kind.VERIFICATION else None,
        declared_by=declared_by[:100],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        record.save()
        audit_record(
            actor=actor,
            action="originality_record",
            target=_target(entry),
            reason=_("독자성 근거 등록: %(title)s") % {"title": record.title},
            record=record.pk,
            kind=kind,
            treatment=treatment,
        )
        if record.holds_gate:
            _hold(entry, record)
    return record


def _hold(entry: RoundTeam, record: OriginalityRecord) -> None:
    reason = _(
        "외부 구성요소 '%(title)s'의 가중치를 재초기화하지 않았다고 밝혀(%(treatment)s) 판정을 심사 중으로 "
        "돌립니다. 검토자가 이 근거를 인용해 판정해야 합니다."
    ) % {"title": record.title, "treatment": record.get_treatment_display()}
    decision = GateDecision.objects.create(entry=entry, gate=RoundTeam.Gate.UNDER_REVIEW, reason=reason)
    decision.cites.add(record)
    entry.gate, entry.gate_note = RoundTeam.Gate.UNDER_REVIEW, reason
    entry.save(update_fields=["gate", "gate_note"])
    audit_record(
        actor=None,
        action="originality_gate_hold",
        target=_target(entry),
        reason=reason,
        gate=entry.gate,
        cites=[record.pk],
    )


def record_check(*, record: OriginalityRecord, actor, note: str) -> OriginalityRecord:
    """A reviewer confirms a record against its links."""
    note = note.strip()
    with transaction.atomic():
        record.checked_by, record.checked_at, record.check_note = actor, timezone.now(), note
        record.save(update_fields=["checked_by", "checked_at", "check_note"])
        audit_record(
            actor=actor,
            action="originality_check",
            target=_target(record.entry),
            reason=note or _("독자성 근거 확인: %(title)s") % {"title": record.title},
            record=record.pk,
        )
    return record


def gate_decide(
    *,
    entry: RoundTeam,
    gate: str,
    reason: str,
    cited: list[int],
    actor,
    tech_report_url: str | None = None,
    training_logs_url: str | None = None,
) -> GateDecision:
    """A reviewer's originality decision, with a reason, citing records of this entry."""
    if gate not in RoundTeam.Gate.values:
        raise ValidationError(_("독자성 판정은 통과, 미충족, 심사 중 가운데 하나여야 합니다."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("판정 사유를 적어 주세요. 감사 기록과 팀이 보는 판정에 남습니다."))
    records = {r.pk: r for r in entry.originality_records.all()}
    if any(pk not in records for pk in cited):
        raise ValidationError(_("이 팀의 근거가 아닌 기록을 인용할 수 없습니다."))
    if gate != RoundTeam.Gate.UNDER_REVIEW:
        missed = [r for r in unresolved_holds(entry) if r.pk not in cited]
        if missed:
            raise ValidationError(
                _("재초기화하지 않은 외부 구성요소에 대한 판단을 인용해야 합니다: %(names)s")
                % {"names": ", ".join(r.title for r in missed)}
            )
        if entry.round.gate_policy == Round.GatePolicy.REINFORCED:
            if not cited:
                raise ValidationError(_("강화 기준에서는 판정이 근거 기록을 하나 이상 인용해야 합니다."))
            met = requirements(entry, list(records.values()), frozenset(cited))
            unmet = [str(r.label) for r in met if not r.met]
            if gate == RoundTeam.Gate.PASS and unmet:
                raise ValidationError(
                    _("강화 기준의 통과 요건이 채워지지 않았습니다: %(unmet)s") % {"unmet": "; ".join(unmet)}
                )
    for value in (tech_report_url, training_logs_url):
        if value:
            try:
                _url(value.strip())
            except ValidationError:
                raise ValidationError(
                    _("기술 보고서와 학습 기록 주소는 http 또는 https 주소여야 합니다.")
                ) from None
    with transaction.atomic():
        decision = GateDecision.objects.create(entry=entry, gate=gate, reason=reason, decided_by=actor)
        decision.cites.set([records[pk] for pk in cited])
        entry.gate, entry.gate_note = gate, reason
        fields = ["gate", "gate_note"]
        if tech_report_url is not None:
            entry.tech_report_url = tech_report_url.strip()
            fields.append("tech_report_url")
        if training_logs_url is not None:
            entry.training_logs_url = training_logs_url.strip()
            fields.append("training_logs_url")
        entry.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="originality_gate",
            target=_target(entry),
            reason=reason,
            gate=gate,
            cites=sorted(cited),
        )
    return decision
