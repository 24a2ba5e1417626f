"""Writes of stage evaluation. Every change to what is scored or published is audit-logged."""

from __future__ import annotations

import math
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from evaluation import hub, round_templates, scoring, selectors
from evaluation.labels import PUBLISHABLE_EXTRA
from evaluation.models import Block, Round, RoundTeam, SubItem


def round_create(
    *,
    template: str,
    slug: str,
    name: str,
    advance_count: int | None = None,
    note: str | None = None,
    actor=None,
    teams_from: Round | None = None,
) -> Round:
    """A new round from a template (round_templates.TEMPLATES): its blocks, weights, sub-items and
    originality rule, adjustable until publication. `teams_from`: enter the teams that advanced in
    that round, with the same model versions (an administrator changes a version in the admin)."""
    spec = round_templates.TEMPLATES.get(template)
    if spec is None:
        raise ValidationError(_("알 수 없는 평가 틀입니다."))
    slug, name = slug.strip(), name.strip()
    if not name:
        raise ValidationError(_("평가 이름을 적어 주세요."))
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", slug):
        raise ValidationError(_("주소 이름은 영문, 숫자, -, _ 로 60자까지 씁니다."))
    if Round.objects.filter(slug=slug).exists():
        raise ValidationError(_("같은 주소 이름의 평가가 이미 있습니다: %(slug)s") % {"slug": slug})
    advance_count = spec.advance_count if advance_count is None else advance_count
    if not 1 <= advance_count <= 50:
        raise ValidationError(_("통과 팀 수는 1에서 50 사이여야 합니다."))
    carried = []
    if teams_from is not None:
        built = selectors.scorecard_build(teams_from, draws=0)
        advancing = {t.key for t in built.card.teams if t.status == scoring.ADVANCE}
        carried = [e for key, e in built.entries.items() if key in advancing]
    with transaction.atomic():
        round_obj = Round.objects.create(
            slug=slug,
            name=name,
            stage=spec.stage,
            advance_count=advance_count,
            template=spec.key,
            gate_policy=spec.gate_policy,
            note=str(spec.note) if note is None else note,
        )
        round_templates.blocks_build(round_obj, spec, Block, SubItem)
        for entry in carried:
            RoundTeam.objects.create(
                round=round_obj, team=entry.team, endpoint=entry.endpoint, hub_repo=entry.hub_repo
            )
        audit_record(
            actor=actor,
            action="round_create",
            target=f"round:{slug}",
            reason=_("평가 틀 %(t)s로 새 평가 생성") % {"t": spec.key},
            template=spec.key,
            teams_from=teams_from.slug if teams_from else None,
            teams=[e.team.name for e in carried],
        )
    return round_obj


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message)
    return reason


def _points(raw: str, label: str) -> float:
    try:
        value = float((raw or "").strip())
    except ValueError:
        raise ValidationError(_("%(block)s 배점은 숫자여야 합니다.") % {"block": label}) from None
    if not math.isfinite(value) or value < 0 or value > 1000:
        raise ValidationError(_("%(block)s 배점은 0에서 1000 사이여야 합니다.") % {"block": label})
    return value


def parse_weights(round_obj: Round, data) -> dict[str, float]:
    """Block weights from a form (`weight-<key>`), each a finite number >= 0, not all zero."""
    weights = {
        block.key: _points(data.get(f"weight-{block.key}"), block.label) for block in round_obj.blocks.all()
    }
    if not sum(weights.values()) > 0:
        raise ValidationError(_("배점이 모두 0일 수는 없습니다."))
    return weights


def parse_structure(round_obj: Round, data) -> dict:
    """The adjustable parts of a round from its form: block names (`name-<key>`, `name_en-<key>`) and
    sub-items (`sub-<block>-<key>`, `sub_name-...`, `sub_name_en-...`). Weights come from
    `parse_weights`. Names may not be blank; points follow the weights' rules."""
    blocks, subs = {}, {}
    for block in round_obj.blocks.prefetch_related("sub_items"):
        name = (data.get(f"name-{block.key}") or "").strip()
        if not name or len(name) > 100:
            raise ValidationError(
                _("항목 이름은 1자에서 100자 사이여야 합니다 (%(key)s).") % {"key": block.key}
            )
        blocks[block.key] = {"name": name, "name_en": (data.get(f"name_en-{block.key}") or "").strip()[:100]}
        for sub in block.sub_items.all():
            field = f"{block.key}-{sub.key}"
            sub_name = (data.get(f"sub_name-{field}") or "").strip()
            if not sub_name or len(sub_name) > 100:
                raise ValidationError(
                    _("세부 항목 이름은 1자에서 100자 사이여야 합니다 (%(key)s).") % {"key": field}
                )
            subs[(block.key, sub.key)] = {
                "name": sub_name,
                "name_en": (data.get(f"sub_name_en-{field}") or "").strip()[:100],
                "points": _points(data.get(f"sub-{field}"), sub_name),
            }
    return {"blocks": blocks, "sub_items": subs}


def round_weights_set(
    *, round_obj: Round, weights: dict[str, float], actor, reason: str, structure: dict | None = None
) -> Round:
    """Change the official weights (and, before publication, block and sub-item names and sub-item
    points). Every change needs a reason and is audit-logged with what was there before."""
    reason = _reason(reason, _("배점을 바꾸는 사유를 적어 주세요. 감사 기록에 남습니다."))
    if structure and round_obj.is_published:
        raise ValidationError(
            _("공개된 평가는 항목 이름과 세부 배점을 바꿀 수 없습니다. 배점만 바꿀 수 있습니다.")
        )
    with transaction.atomic():
        blocks = {b.key: b for b in round_obj.blocks.select_for_update()}
        before = {k: b.weight for k, b in blocks.items()}
        renamed, sub_changes = {}, {}
        for key, value in weights.items():
            blocks[key].weight = value
        for key, names in (structure or {}).get("blocks", {}).items():
            if (blocks[key].name, blocks[key].name_en) != (names["name"], names["name_en"]):
                renamed[key] = {
                    "before": [blocks[key].name, blocks[key].name_en],
                    "after": [names["name"], names["name_en"]],
                }
                blocks[key].name, blocks[key].name_en = names["name"], names["name_en"]
        for block in blocks.values():
            block.save(update_fields=["weight", "name", "name_en"])
        subs = {
            (s.block.key, s.key): s
            for s in SubItem.objects.filter(block__round=round_obj).select_related("block")
        }
        for key, change in (structure or {}).get("sub_items", {}).items():
            sub = subs[key]
            old = {"name": sub.name, "name_en": sub.name_en, "points": sub.points}
            if old != change:
                sub_changes["-".join(key)] = {"before": old, "after": change}
                sub.name, sub.name_en, sub.points = change["name"], change["name_en"], change["points"]
                sub.save(update_fields=["name", "name_en", "points"])
        audit_record(
            actor=actor,
            action="round_weights",
            target=f"round:{round_obj.slug}",
            reason=reason,
            before=before,
            after=weights,
            renamed=renamed,
            sub_items=sub_changes,
            published=round_obj.is_published,
        )
    return round_obj


def publication_set(
    *,
    round_obj: Round,
    choices: dict[int, list[str]],
    publish_round: bool,
    actor,
    reason: str,
    withheld_reason: str | None = None,
) -> None:
    """Per team, which blocks (and total, rank, gate) the public page shows; whether it shows the round
    at all; and, when anything is withheld on a published round, the public explanation why. A reason
    is required for every change (the audit log keeps it); the method version is recorded when the
    round is published."""
    reason = _reason(reason, _("공개하거나 비공개로 돌리는 사유를 적어 주세요. 감사 기록에 남습니다."))
    allowed = set(round_obj.blocks.values_list("key", flat=True)) | set(PUBLISHABLE_EXTRA)
    withheld_reason = round_obj.withheld_reason if withheld_reason is None else withheld_reason.strip()
    with transaction.atomic():
        entries = {e.pk: e for e in round_obj.entries.select_related("team").select_for_update()}
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
        withholds = any(set(e.published) != allowed for e in entries.values())
        if publish_round and withholds and not withheld_reason:
            raise ValidationError(
                _("공개하지 않는 항목이 있으면 그 이유를 적어 주세요. 공개 결과 페이지에 그대로 보입니다.")
            )
        if withheld_reason != round_obj.withheld_reason:
            changes["withheld_reason"] = {"before": round_obj.withheld_reason, "after": withheld_reason}
            round_obj.withheld_reason = withheld_reason
        if publish_round != round_obj.is_published:
            round_obj.is_published = publish_round
            round_obj.published_at = timezone.now() if publish_round else None
            changes["round"] = {"published": publish_round}
        if publish_round and round_obj.method_version != scoring.METHOD_VERSION:
            changes["method_version"] = {"before": round_obj.method_version, "after": scoring.METHOD_VERSION}
            round_obj.method_version = scoring.METHOD_VERSION
        round_obj.save(update_fields=["is_published", "published_at", "withheld_reason", "method_version"])
        if changes:
            audit_record(
                actor=actor,
                action="round_publication",
                target=f"round:{round_obj.slug}",
                reason=reason,
                changes=changes,
            )


def round_close(*, round_obj: Round, actor, reason: str) -> Round:
    """Close a round: its results stand and it takes no more appeals. The reason is shown to a team
    whose appeal is refused."""
    reason = _reason(reason, _("평가를 종료하는 사유를 적어 주세요."))
    if round_obj.closed_at is not None:
        raise ValidationError(_("이미 종료된 평가입니다."))
    if round_obj.appeals_open_count():
        raise ValidationError(_("심사 중인 이의 신청이 있어 종료할 수 없습니다. 먼저 답해 주세요."))
    with transaction.atomic():
        round_obj.closed_at, round_obj.closed_reason = timezone.now(), reason
        round_obj.save(update_fields=["closed_at", "closed_reason"])
        audit_record(actor=actor, action="round_close", target=f"round:{round_obj.slug}", reason=reason)
    return round_obj


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
