"""The originality page of a round: per team and model version, the arena attestation, the evidence
records with who checked them, what the reinforced rule still needs, the decision history, and the
forms to add and check records and to decide (ministry reviewers and administrators)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import roles
from evaluation import originality, selectors
from evaluation.models import OriginalityRecord, Round, RoundTeam

REVIEWERS = (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)


def _round(request, slug: str) -> Round:
    roles.require(request.user, *REVIEWERS)
    return get_object_or_404(Round, slug=slug)


def _entry(round_obj: Round, raw) -> RoundTeam:
    return get_object_or_404(round_obj.entries.select_related("team", "round"), pk=raw)


def _render(request, round_obj: Round, errors: dict | None = None):
    cards = [
        {
            "entry": entry,
            "attestation": getattr(entry.endpoint, "attestation", None),
            "requirements": originality.requirements(entry, list(entry.originality_records.all())),
            "holds": originality.unresolved_holds(entry),
            "error": (errors or {}).get(entry.pk),
        }
        for entry in selectors.originality_entries(round_obj)
    ]
    return render(
        request,
        "evaluation/originality.html",
        {
            "round": round_obj,
            "cards": cards,
            "kinds": OriginalityRecord.Kind.choices,
            "component_types": OriginalityRecord.ComponentType.choices,
            "treatments": OriginalityRecord.Treatment.choices,
            "gates": RoundTeam.Gate.choices,
            "posted": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def page(request, slug: str):
    return _render(request, _round(request, slug))


@login_required
@require_POST
def record_add(request, slug: str):
    round_obj = _round(request, slug)
    entry = _entry(round_obj, request.POST.get("entry"))
    data = request.POST
    try:
        held_on = None
        if data.get("held_on", "").strip():
            try:
                held_on = dt.date.fromisoformat(data["held_on"].strip())
            except ValueError:
                raise ValidationError(_("검증일은 YYYY-MM-DD 형식이어야 합니다.")) from None
        originality.record_add(
            entry=entry,
            kind=data.get("kind", ""),
            title=data.get("title", ""),
            url=data.get("url", ""),
            declared_by=data.get("declared_by", ""),
            component_type=data.get("component_type", ""),
            treatment=data.get("treatment", ""),
            source=data.get("source", ""),
            licence=data.get("licence", ""),
            checkpoints=originality.links_parse(data.get("checkpoints", ""), _("체크포인트 목록")),
            loss_logs=originality.links_parse(data.get("loss_logs", ""), _("손실 기록")),
            held_on=held_on,
            actor=request.user,
        )
    except ValidationError as exc:
        return _render(request, round_obj, {entry.pk: exc.messages[0]})
    messages.success(request, _("독자성 근거를 등록했습니다."))
    return redirect("evaluation:originality", slug=slug)


@login_required
@require_POST
def record_check(request, slug: str):
    round_obj = _round(request, slug)
    record = get_object_or_404(
        OriginalityRecord.objects.select_related("entry__team", "entry__round"),
        pk=request.POST.get("record"),
        entry__round=round_obj,
    )
    originality.record_check(record=record, actor=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("근거를 확인했습니다: %(title)s") % {"title": record.title})
    return redirect("evaluation:originality", slug=slug)


@login_required
@require_POST
def gate_decide(request, slug: str):
    round_obj = _round(request, slug)
    entry = _entry(round_obj, request.POST.get("entry"))
    try:
        cited = [int(x) for x in request.POST.getlist("cites")]
    except ValueError:
        cited = [-1]  # refused below as not this team's record
    try:
        originality.gate_decide(
            entry=entry,
            gate=request.POST.get("gate", ""),
            reason=request.POST.get("reason", ""),
            cited=cited,
            actor=request.user,
            tech_report_url=request.POST.get("tech_report_url"),
            training_logs_url=request.POST.get("training_logs_url"),
        )
    except ValidationError as exc:
        return _render(request, round_obj, {entry.pk: exc.messages[0]})
    messages.success(request, _("독자성 판정을 저장했습니다."))
    return redirect("evaluation:originality", slug=slug)
