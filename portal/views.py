"""The site shell's own pages: home, health, the login lockout answer and the staff home that links
each role's work."""

import ipaddress

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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


def landing_url(user) -> str:
    """Where a person lands after login when no page was asked for: their own work, not a page that
    refuses them (an editor on the catalogue's workbench, an expert on the review queue)."""
    mine = roles.user_roles(user)
    for role, url_name in LANDINGS:
        if role in mine:
            return reverse(url_name)
    return reverse("home")


@login_required
def landing(request):
    """The same landing as a page, for sign-ins that end on LOGIN_REDIRECT_URL (the identity provider)."""
    return redirect(landing_url(request.user))


class LoginForm(AuthenticationForm):
    # Plain Korean on what went wrong and what to do; Django's own sentence names the field labels.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "아이디 또는 비밀번호가 맞지 않습니다. 대문자와 소문자를 구별하니 확인하고 다시 입력해 주세요."
        ),
        "inactive": _("사용이 멈춘 계정입니다. 포털 관리자에게 문의해 주세요."),
    }


class LoginView(auth_views.LoginView):
    """Django's login, keeping the username after a failed attempt (the form is bound) and sending
    each role to its work when no safe `next` was given."""

    template_name = "portal/login.html"
    form_class = LoginForm

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


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
