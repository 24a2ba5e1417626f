from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from arena import charts
from arena.leaderboard import VIEWS, snapshot_latest
from arena.models import LeaderboardSnapshot, Vote


def board_context(view: str) -> dict:
    snapshot = snapshot_latest(view)
    rows = snapshot.rows if snapshot else []
    excluded = snapshot.votes_excluded if snapshot else {}
    reasons = dict(Vote.Inclusion.choices)
    return {
        "view": view,
        "view_label": LeaderboardSnapshot.View(view).label,
        "views": [(v, LeaderboardSnapshot.View(v).label) for v in VIEWS],
        "snapshot": snapshot,
        "ranked": [r for r in rows if r["listed"]],
        "unranked": [r for r in rows if not r["listed"]],
        "chart": charts.interval_chart(rows),
        "heat": charts.heat_cells(snapshot.matrices) if snapshot and rows else [],
        "excluded": [(reasons.get(k, k), n) for k, n in sorted(excluded.items())],
        "excluded_total": sum(excluded.values()),
    }


@require_GET
def leaderboard(request):
    view = request.GET.get("view", LeaderboardSnapshot.View.OVERALL)
    if view not in VIEWS:
        context = board_context(LeaderboardSnapshot.View.OVERALL) | {"error": _("알 수 없는 보기입니다.")}
        return render(request, "arena/leaderboard.html", context, status=400)
    context = board_context(view)
    template = "arena/partials/leaderboard_board.html" if request.htmx else "arena/leaderboard.html"
    return render(request, template, context)
