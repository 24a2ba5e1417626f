"""Staff pages of the safety context: what moderation stopped (counts only, never text)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from arena.models import ModerationCount
from core import roles


@login_required
def staff_moderation(request):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    since = timezone.localdate() - dt.timedelta(days=30)
    rows = (
        ModerationCount.objects.filter(day__gte=since)
        .values("target", "category", "action")
        .annotate(total=Sum("count"))
        .order_by("-total")
    )
    return render(request, "arena/staff_moderation.html", {"rows": rows, "since": since})
