"""The site shell's own pages: home, health, the login lockout answer and the staff home that links
each role's work."""

import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from arena.battles.exposure import exposure_windows_cached
from arena.models import CanaryRun
from arena.ratings.season import season_progress
from core import draining, roles
from evaluation.models import Round
from portal.health import health_report


@require_GET
def home(request):
    return render(
        request,
        "portal/home.html",
        {"published_rounds": Round.objects.filter(is_published=True), "season": season_progress()},
    )


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


@never_cache
@require_GET
def healthz_live(request):
    """Liveness: this process answers. Nothing behind it is asked: a database outage must not make
    an orchestrator restart every web process at once."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz_ready(request):
    """Readiness: send this process citizens? Not while it drains for shutdown, nor while the
    database, cache, channel layer or broker fails. The detail as for /healthz."""
    if draining.is_draining():
        return JsonResponse({"status": "draining"}, status=503)
    return healthz(request)


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


# Where each role's work is, in the order a person with several roles would look first.
LANDINGS = (
    (roles.ADMINISTRATOR, "staff:home"),
    (roles.MINISTRY_REVIEWER, "evaluation:rounds"),
    (roles.EXPERT, "evaluation:review_queue"),
    (roles.AGENCY_EDITOR, "ax_catalog:manage"),
    (roles.TEAM_REPRESENTATIVE, "team:home"),
    (roles.FACILITATOR, "arena:sessions"),
)


@login_required
def landing(request):
    """After login (with no page asked for), each role lands on its own work, not on a page that
    refuses it: an editor on the catalogue's workbench, an expert on the review queue."""
    mine = roles.user_roles(request.user)
    for role, url_name in LANDINGS:
        if role in mine:
            return redirect(url_name)
    return redirect("home")


@login_required
def staff_home(request):
    roles.require(request.user)
    mine = roles.user_roles(request.user)
    return render(
        request,
        "portal/staff_home.html",
        {
            "roles": sorted(mine),
            "is_reviewer": bool(mine & {roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR}),
            "is_expert": roles.EXPERT in mine,
            "is_editor": bool(mine & {roles.AGENCY_EDITOR, roles.ADMINISTRATOR}),
            # Staff see it here first: a team further than the tolerance from its target share.
            "exposure": exposure_windows_cached(weeks=1)[0]
            if mine & {roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR}
            else None,
            "drift_pending": CanaryRun.objects.filter(
                outcome=CanaryRun.Outcome.DRIFTED, review=CanaryRun.Review.PENDING
            ).count(),
        },
    )
