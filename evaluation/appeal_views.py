"""Appeals from the reviewers' side: the round's appeals, one appeal with its exchange, an answer, and
the decision that closes it (ministry reviewers and administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import roles
from evaluation import appeals
from evaluation.models import Appeal, AppealMessage, Round

REVIEWERS = (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
DECISIONS = [(s.value, s.label) for s in (Appeal.Status.UPHELD, Appeal.Status.PARTLY, Appeal.Status.REJECTED)]


def _appeal(request, appeal_id: int) -> Appeal:
    """The one door to an appeal on the staff side: the role check, then the appeal or 404."""
    roles.require(request.user, *REVIEWERS)
    return get_object_or_404(
        Appeal.objects.select_related("entry__team", "entry__round", "block", "gate_decision", "filed_by"),
        pk=appeal_id,
    )


def _render(request, appeal: Appeal, error: str | None = None):
    return render(
        request,
        "evaluation/appeal_staff.html",
        {
            "appeal": appeal,
            "exchange": appeal.messages.select_related("author"),
            "decisions": DECISIONS,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def round_appeals(request, slug: str):
    roles.require(request.user, *REVIEWERS)
    round_obj = get_object_or_404(Round, slug=slug)
    listed = Appeal.objects.filter(entry__round=round_obj).select_related("entry__team", "block")
    return render(request, "evaluation/appeals_staff.html", {"round": round_obj, "appeals": listed})


@login_required
@require_GET
def detail(request, appeal_id: int):
    return _render(request, _appeal(request, appeal_id))


@login_required
@require_POST
def answer(request, appeal_id: int):
    appeal = _appeal(request, appeal_id)
    try:
        appeals.appeal_reply(
            appeal=appeal,
            side=AppealMessage.Side.REVIEWER,
            body=request.POST.get("body", ""),
            links=request.POST.get("links", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return _render(request, appeal, exc.messages[0])
    messages.success(request, _("답변을 남겼습니다. 팀 대표에게 보입니다."))
    return redirect("evaluation:appeal", appeal_id=appeal.pk)


@login_required
@require_POST
def decide(request, appeal_id: int):
    appeal = _appeal(request, appeal_id)
    try:
        appeals.appeal_decide(
            appeal=appeal,
            status=request.POST.get("status", ""),
            decision=request.POST.get("decision", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return _render(request, appeal, exc.messages[0])
    messages.success(request, _("결정을 저장했습니다. 결과 페이지에 공개됩니다."))
    return redirect("evaluation:appeal", appeal_id=appeal.pk)
