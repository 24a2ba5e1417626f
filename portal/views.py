"""The site shell's own pages: home, health and the staff home that links each role's work."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import roles
from evaluation.models import Round
from portal.health import health_report


@require_GET
def home(request):
    return render(request, "portal/home.html", {"published_rounds": Round.objects.filter(is_published=True)})


@never_cache
@require_GET
def healthz(request):
    ok, report = health_report()
    failing = [name for name, item in report.items() if not item["ok"]]
    body = {"status": "ok" if ok else "unavailable", "failing": failing, "components": report}
    return JsonResponse(body, status=200 if ok else 503)


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
        },
    )
