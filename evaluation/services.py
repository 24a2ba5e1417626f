"""Writes of stage evaluation. Every change to what is scored or published is audit-logged."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from evaluation import hub, stage1
from evaluation.labels import PUBLISHABLE_EXTRA
from evaluation.models import Block, Round, RoundTeam, SubItem


def round_stage1_create(*, slug: str, name: str, advance_count: int, note: str = "") -> Round:
    """A new round with the stage-1 blocks and weights (editable afterwards)."""
    with transaction.atomic():
        round_obj = Round.objects.create(
            slug=slug, name=name, stage=1, advance_count=advance_count, note=note
        )
        stage1.build(round_obj, Block, SubItem)
    return round_obj


def parse_weights(round_obj: Round, data) -> dict[str, float]:
    """Block weights from a form (`weight-<key>`), each a finite number >= 0, not all zero."""
    weights = {}
    for block in round_obj.blocks.all():
        raw = (data.get(f"weight-{block.key}") or "").strip()
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(_("%(block)s 배점은 숫자여야 합니다.") % {"block": block.name}) from None
        if not math.isfinite(value) or value < 0 or value > 1000:
            raise ValidationError(_("%(block)s 배점은 0에서 1000 사이여야 합니다.") % {"block": block.name})
        weights[block.key] = value
    if not sum(weights.values()) > 0:
        raise ValidationError(_("배점이 모두 0일 수는 없습니다."))
    return weights


def round_weights_set(*, round_obj: Round, weights: dict[str, float], actor, reason: str) -> Round:
    """Change the official weights. On a published round a reason is required; every change is
    audit-logged with the old and new weights."""
    reason = reason.strip()
    if round_obj.is_published and not reason:
        raise ValidationError(_("공개된 평가의 배점을 바꾸려면 사유를 적어 주세요."))
    with transaction.atomic():
        blocks = {b.key: b for b in round_obj.blocks.select_for_update()}
        before = {k: b.weight for k, b in blocks.items()}
        for key, value in weights.items():
            blocks[key].weight = value
            blocks[key].save(update_fields=["weight"])
        audit_record(
            actor=actor,
            action="round_weights",
            target=f"round:{round_obj.slug}",
            reason=reason or _("공개 전 배점 조정"),
            before=before,
            after=weights,
            published=round_obj.is_published,
        )
    return round_obj


def publication_set(
    *, round_obj: Round, choices: dict[int, list[str]], publish_round: bool, actor, reason: str = ""
) -> None:
    """Per team, which blocks (and total, rank, gate) the public page shows; and whether it shows the
    round at all."""
    allowed = set(round_obj.blocks.values_list("key", flat=True)) | set(PUBLISHABLE_EXTRA)
    with transaction.atomic():
        entries = {e.pk: e for e in round_obj.entries.select_for_update()}
        changes = {}
        for entry_id, keys in choices.items():
            entry = entries.get(entry_id)
            if entry is None:
                raise ValidationError(_("이 평가에 없는 팀입니다."))
            chosen = sorted(set(keys) & allowed)
            if chosen != sorted(entry.published):
                changes[entry.team.name] = {"before": sorted(entry.published), "after": chosen}
                entry.published = chosen
                entry.save(update_fields=["published"])
        if publish_round != round_obj.is_published:
            round_obj.is_published = publish_round
            round_obj.published_at = timezone.now() if publish_round else None
            round_obj.save(update_fields=["is_published", "published_at"])
            changes["round"] = {"published": publish_round}
        if changes:
            audit_record(
                actor=actor,
                action="round_publication",
                target=f"round:{round_obj.slug}",
                reason=reason.strip() or _("공개 범위 변경"),
                changes=changes,
            )


def gate_set(
    *, entry: RoundTeam, gate: str, note: str, tech_report_url: str, training_logs_url: str, actor
) -> RoundTeam:
    if gate not in RoundTeam.Gate.values:
        raise ValidationError(_("독자성 판정은 통과, 미충족, 심사 중 가운데 하나여야 합니다."))
    entry.gate, entry.gate_note = gate, note.strip()
    entry.tech_report_url, entry.training_logs_url = tech_report_url.strip(), training_logs_url.strip()
    entry.full_clean(exclude=["round", "team", "endpoint"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        entry.save()
        audit_record(
            actor=actor,
            action="originality_gate",
            target=f"round:{entry.round.slug}:{entry.team.name}",
            reason=note.strip() or _("독자성 판정 입력"),
            gate=gate,
        )
    return entry


def derivatives_set(
    *, entry: RoundTeam, count: int, source: str, actor, detail: dict | None = None
) -> RoundTeam:
    if count < 0:
        raise ValidationError(_("파생 모델 수는 0 이상이어야 합니다."))
    with transaction.atomic():
        entry.derivatives, entry.derivatives_source = count, source
        entry.derivatives_detail, entry.derivatives_at = detail or {}, timezone.now()
        entry.save(
            update_fields=["derivatives", "derivatives_source", "derivatives_detail", "derivatives_at"]
        )
        audit_record(
            actor=actor,
            action="derivatives",
            target=f"round:{entry.round.slug}:{entry.team.name}",
            reason=source,
            count=count,
            detail=detail or {},
        )
    return entry


def derivatives_sync(*, round_obj: Round, hub_url: str, actor=None, client=None) -> dict[str, object]:
    """Count each team's derivatives on the hub. A team whose repo cannot be read keeps its old count
    and is reported; the others are updated."""
    report: dict[str, object] = {}
    for entry in round_obj.entries.select_related("team").exclude(hub_repo=""):
        try:
            counted = hub.derivatives_count(hub_url, entry.hub_repo, client=client)
        except hub.HubError as error:
            report[entry.team.name] = error
            continue
        derivatives_set(
            entry=entry,
            count=counted.total,
            source="hub",
            actor=actor,
            detail={"repo": counted.repo, "hub": hub_url, "by_relation": counted.by_relation},
        )
        report[entry.team.name] = counted.total
    return report
