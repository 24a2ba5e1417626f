"""Integrity in the open and for staff: the public methodology page, the flagged-voter review."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from arena.integrity import methodology as published
from arena.integrity import review
from arena.models import LedgerHead, LedgerRoot, ModelEndpoint, NetworkFlag, Vote, VoterFlag
from arena.ratings import method
from arena.ratings.register import version_register
from core import roles
from core.audit import AuditLog


@require_GET
def methodology(request):
    endpoints = list(
        ModelEndpoint.objects.active_variants().select_related("team").annotate(attested=Count("attestation"))
    )
    counts = dict(Vote.objects.values_list("inclusion").annotate(n=Count("id")).order_by())
    context = {
        "sampling": endpoints,
        "inclusion": [(label, counts.get(code, 0)) for code, label in Vote.Inclusion.choices],
        "total_votes": sum(counts.values()),
        "bias": review.position_bias(),
        "roots": LedgerRoot.objects.all()[:30],
        "head": LedgerHead.objects.filter(pk=1).first(),
        "settings": {
            "min_votes": settings.LEADERBOARD_MIN_VOTES,
            "rounds": settings.LEADERBOARD_BOOTSTRAP_ROUNDS,
            "seed": settings.LEADERBOARD_SEED,
            "min_seconds": settings.ARENA_MIN_SECONDS_TO_VOTE,
            "battles_per_hour": settings.ARENA_BATTLES_PER_HOUR,
            "votes_per_day": settings.ARENA_VOTES_PER_DAY,
            "alpha": review.ALPHA,
            "variant_cap": settings.ARENA_MAX_ACTIVE_VARIANTS,
            "provisional_votes": settings.LEADERBOARD_PROVISIONAL_VOTES,
            "fresh_votes": settings.LEADERBOARD_PROVISIONAL_FRESH_VOTES,
            "tolerance_pp": round(100 * settings.ARENA_EXPOSURE_TOLERANCE, 1),
            "canary_threshold": settings.ARENA_CANARY_MIN_SIMILARITY,
            "canary_hours": round(settings.CELERY_BEAT_SCHEDULE["drift-canaries"]["schedule"] / 3600, 1),
        },
        "method_version": method.method_version_latest(),
        "defences": published.defence_settings(),
        "ties": published.ties_figures(),
        "aa_tests": published.aa_figures(),
        "redteam": published.redteam_latest(),
    }
    return render(request, "arena/methodology.html", context)


@require_GET
def methodology_changes(request):
    """The public changelog: every method change, every retirement (the same rules for every team), and
    every version that ever took part in a battle."""
    register = version_register()
    endpoints = {
        e.pk: e
        for e in ModelEndpoint.objects.filter(pk__in=[r["id"] for r in register]).select_related("team")
    }
    versions = [{**entry, "endpoint": endpoints[entry["id"]]} for entry in register]
    context = {
        "changes": method.changelog(),
        "current_version": method.method_version_latest(),
        "retirements": ModelEndpoint.objects.filter(retired_on__isnull=False)
        .select_related("team")
        .order_by("-retired_on", "team__name", "name"),
        "reasons": ModelEndpoint.Retirement.choices,
        "versions": versions,
    }
    return render(request, "arena/methodology_changes.html", context)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("exclude", "exclude"), ("clear", "clear")])
    reason = forms.CharField(min_length=5, max_length=2000, strip=True)


@login_required
def staff_integrity(request):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    context = {
        "flags": VoterFlag.objects.select_related("favoured__team", "reviewed_by")[:200],
        "network_flags": NetworkFlag.objects.select_related("favoured__team", "reviewed_by")[:200],
        "bias": review.position_bias(),
        "excluded": Vote.objects.values("inclusion").annotate(n=Count("id")).order_by("inclusion"),
        "audit": AuditLog.objects.select_related("actor")[:30],
        "inclusion_labels": dict(Vote.Inclusion.choices),
    }
    return render(request, "arena/staff_integrity.html", context)


@login_required
@require_POST
def staff_voter_decide(request, flag_id: int):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    flag = get_object_or_404(VoterFlag, pk=flag_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("조치와 사유(5자 이상)를 입력해 주세요. 아무것도 바뀌지 않았습니다."))
        return redirect("staff:integrity")
    decide = review.voter_exclude if form.cleaned_data["action"] == "exclude" else review.voter_clear
    changed = decide(flag=flag, reviewer=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("투표 %(n)d건의 집계 상태를 바꾸고 감사 기록에 남겼습니다.") % {"n": changed})
    return redirect("staff:integrity")


@login_required
@require_POST
def staff_network_decide(request, flag_id: int):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    flag = get_object_or_404(NetworkFlag, pk=flag_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("조치와 사유(5자 이상)를 입력해 주세요. 아무것도 바뀌지 않았습니다."))
        return redirect("staff:integrity")
    decide = (
        review.network_flag_exclude if form.cleaned_data["action"] == "exclude" else review.network_flag_clear
    )
    changed = decide(flag=flag, reviewer=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("투표 %(n)d건의 집계 상태를 바꾸고 감사 기록에 남겼습니다.") % {"n": changed})
    return redirect("staff:integrity")
