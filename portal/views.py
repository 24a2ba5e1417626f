import datetime as dt
import ipaddress

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from arena import integrity
from arena.models import ModerationCount, NetworkFlag, Vote, VoterFlag
from portal import roles
from portal.health import health_report
from portal.models import AuditLog


@require_GET
def home(request):
    from portal.evaluation.models import Round

    return render(request, "portal/home.html", {"published_rounds": Round.objects.filter(is_published=True)})


@never_cache
@require_GET
def healthz(request):
    """ok / unavailable for anyone (load balancers); which part failed, and why, only for staff and
    for the monitoring networks: the detail names the services behind the portal."""
    ok, report = health_report()
    body: dict[str, object] = {"status": "ok" if ok else "unavailable"}
    if roles.has_role(request.user, *roles.STAFF_ROLES) or _from_monitoring_network(request):
        body["failing"] = [name for name, item in report.items() if not item["ok"]]
        body["components"] = report
    return JsonResponse(body, status=200 if ok else 503)


def _from_monitoring_network(request) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.HEALTHZ_DETAIL_NETWORKS)


def login_locked_out(request, response=None, credentials=None):
    """django-axes' answer once an account or an address has too many wrong passwords (admin too)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "portal/login_locked.html",
        {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def _require_staff(request, *allowed: str) -> None:
    roles.require(request.user, *allowed)


@login_required
def staff_home(request):
    _require_staff(request)
    mine = roles.user_roles(request.user)
    return render(
        request,
        "portal/staff_home.html",
        {
            "roles": sorted(mine),
            "is_reviewer": bool(mine & {roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR}),
            "is_expert": roles.EXPERT in mine,
            "is_editor": bool(mine & {roles.AGENCY_EDITOR, roles.ADMINISTRATOR}),
        },
    )


@login_required
def staff_moderation(request):
    _require_staff(request, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    since = timezone.localdate() - dt.timedelta(days=30)
    rows = (
        ModerationCount.objects.filter(day__gte=since)
        .values("target", "category", "action")
        .annotate(total=Sum("count"))
        .order_by("-total")
    )
    return render(request, "portal/staff_moderation.html", {"rows": rows, "since": since})


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("exclude", "exclude"), ("clear", "clear")])
    reason = forms.CharField(min_length=5, max_length=2000, strip=True)


@login_required
def staff_integrity(request):
    _require_staff(request, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    context = {
        "flags": VoterFlag.objects.select_related("favoured__team", "reviewed_by")[:200],
        "network_flags": NetworkFlag.objects.select_related("favoured__team", "reviewed_by")[:200],
        "bias": integrity.position_bias(),
        "excluded": Vote.objects.values("inclusion").annotate(n=Count("id")).order_by("inclusion"),
        "audit": AuditLog.objects.select_related("actor")[:30],
        "inclusion_labels": dict(Vote.Inclusion.choices),
    }
    return render(request, "portal/staff_integrity.html", context)


@login_required
@require_POST
def staff_voter_decide(request, flag_id: int):
    _require_staff(request, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    flag = get_object_or_404(VoterFlag, pk=flag_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("조치와 사유(5자 이상)를 입력해 주세요. 아무것도 바뀌지 않았습니다."))
        return redirect("staff:integrity")
    decide = integrity.voter_exclude if form.cleaned_data["action"] == "exclude" else integrity.voter_clear
    changed = decide(flag=flag, reviewer=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("투표 %(n)d건의 집계 상태를 바꾸고 감사 기록에 남겼습니다.") % {"n": changed})
    return redirect("staff:integrity")


@login_required
@require_POST
def staff_network_decide(request, flag_id: int):
    _require_staff(request, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    flag = get_object_or_404(NetworkFlag, pk=flag_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("조치와 사유(5자 이상)를 입력해 주세요. 아무것도 바뀌지 않았습니다."))
        return redirect("staff:integrity")
    decide = (
        integrity.network_flag_exclude
        if form.cleaned_data["action"] == "exclude"
        else integrity.network_flag_clear
    )
    changed = decide(flag=flag, reviewer=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("투표 %(n)d건의 집계 상태를 바꾸고 감사 기록에 남겼습니다.") % {"n": changed})
    return redirect("staff:integrity")
