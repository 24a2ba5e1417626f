"""A team's own pages, for its representative (role team_representative, one team each): the rounds
it is in, its own evidence, its published scores, and its appeals. Nothing here shows another team's
figures, and no figure of its own that a reviewer has not published: the evidence is what the team
itself submitted or declared, the scores are the public page's row."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import roles
from evaluation import appeals, selectors
from evaluation.models import Appeal, AppealMessage, RoundTeam, TeamRepresentative
from evaluation.publication import public_view


def _representative(request) -> TeamRepresentative:
    """The one door of these pages: the role, then the team it speaks for (403 without one)."""
    roles.require(request.user, roles.TEAM_REPRESENTATIVE)
    representative = appeals.representative_of(request.user)
    if representative is None:
        raise PermissionDenied
    return representative


def _entry(representative: TeamRepresentative, slug: str) -> RoundTeam:
    return get_object_or_404(
        RoundTeam.objects.select_related("round", "team", "endpoint"),
        round__slug=slug,
        team=representative.team,
    )


def _appeal(representative: TeamRepresentative, appeal_id: int) -> Appeal:
    # Another team's appeal is "not found", not "forbidden": its existence is not this team's business.
    return get_object_or_404(
        Appeal.objects.select_related("entry__round", "entry__team", "block", "gate_decision"),
        pk=appeal_id,
        entry__team=representative.team,
    )


@login_required
@require_GET
def home(request):
    representative = _representative(request)
    entries = RoundTeam.objects.filter(team=representative.team).select_related("round", "endpoint")
    mine = Appeal.objects.filter(entry__team=representative.team).select_related("entry__round", "block")
    return render(
        request,
        "evaluation/team_home.html",
        {"team": representative.team, "entries": entries, "appeals": mine},
    )


def _round_render(request, representative: TeamRepresentative, entry: RoundTeam, error: str | None = None):
    round_obj = entry.round
    published_row = None
    if round_obj.is_published:
        view = public_view(round_obj)
        published_row = next((r for r in view["rows"] if r.team == entry.team.name), None)
        headers = view["headers"]
    else:
        headers = []
    with_records = next(e for e in selectors.originality_entries(round_obj) if e.pk == entry.pk)
    return render(
        request,
        "evaluation/team_round.html",
        {
            "team": representative.team,
            "entry": with_records,
            "round": round_obj,
            "attestation": getattr(entry.endpoint, "attestation", None),
            "benchmarks": selectors.benchmark_runs(with_records, settings.BENCHMARK_RERUN_TOLERANCE),
            "tolerance": settings.BENCHMARK_RERUN_TOLERANCE,
            "published_row": published_row,
            "headers": headers,
            "blocks": round_obj.blocks.all(),
            "targets": Appeal.Target.choices,
            "appeals": entry.appeals.select_related("block"),
            "error": error,
            "posted": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def round_page(request, slug: str):
    representative = _representative(request)
    return _round_render(request, representative, _entry(representative, slug))


@login_required
@require_POST
def appeal_file(request, slug: str):
    representative = _representative(request)
    entry = _entry(representative, slug)
    try:
        appeal = appeals.appeal_file(
            entry=entry,
            target=request.POST.get("target", ""),
            block_key=request.POST.get("block", ""),
            reason=request.POST.get("reason", ""),
            links=request.POST.get("links", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return _round_render(request, representative, entry, exc.messages[0])
    messages.success(request, _("이의 신청을 접수했습니다. 검토자의 답변은 이 페이지에 나타납니다."))
    return redirect("team:appeal", appeal_id=appeal.pk)


def _appeal_render(request, appeal: Appeal, error: str | None = None):
    return render(
        request,
        "evaluation/appeal_team.html",
        {
            "appeal": appeal,
            "exchange": appeal.messages.all(),
            "error": error,
            "posted": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def appeal_detail(request, appeal_id: int):
    return _appeal_render(request, _appeal(_representative(request), appeal_id))


@login_required
@require_POST
def appeal_reply(request, appeal_id: int):
    appeal = _appeal(_representative(request), appeal_id)
    try:
        appeals.appeal_reply(
            appeal=appeal,
            side=AppealMessage.Side.TEAM,
            body=request.POST.get("body", ""),
            links=request.POST.get("links", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return _appeal_render(request, appeal, exc.messages[0])
    messages.success(request, _("덧붙인 내용을 남겼습니다."))
    return redirect("team:appeal", appeal_id=appeal.pk)
