import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from arena.models import ModerationCount
from portal import roles
from portal.health import health_report


@require_GET
def home(request):
    return render(request, "portal/home.html")


@never_cache
@require_GET
def healthz(request):
    ok, report = health_report()
    failing = [name for name, item in report.items() if not item["ok"]]
    body = {"status": "ok" if ok else "unavailable", "failing": failing, "components": report}
    return JsonResponse(body, status=200 if ok else 503)


def _require_staff(request, *allowed: str) -> None:
    """The one access check of the staff area: a role from `allowed` (any staff role by default)."""
    if not (roles.has_role(request.user, *(allowed or roles.STAFF_ROLES)) or request.user.is_superuser):
        raise PermissionDenied


@login_required
def staff_home(request):
    _require_staff(request)
    return render(request, "portal/staff_home.html", {"roles": sorted(roles.user_roles(request.user))})


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
