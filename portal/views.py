from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@login_required
def staff_home(request):
    if not (roles.has_role(request.user, *roles.STAFF_ROLES) or request.user.is_staff):
        raise PermissionDenied
    return render(request, "portal/staff_home.html", {"roles": sorted(roles.user_roles(request.user))})
