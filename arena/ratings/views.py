from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from arena import model_cards
from arena.consent import session_voter
from arena.models import Attestation, LeaderboardSnapshot, ModelEndpoint, Vote
from arena.ratings import charts, personal
from arena.ratings.snapshots import snapshot_latest
from arena.ratings.tables import VIEWS


def board_context(view: str, *, energy: bool = False) -> dict:
    snapshot = snapshot_latest(view)
    rows = snapshot.rows if snapshot else []
    if energy:
        # The optional view: each model's size and energy class beside its score, from its attestation.
        cards = model_cards.energy_columns(r["endpoint_id"] for r in rows)
        rows = [{**r, "card": cards.get(r["endpoint_id"])} for r in rows]
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
        "is_panel": view == LeaderboardSnapshot.View.PANEL,
        "show_energy": energy,
    }


@require_GET
def leaderboard(request):
    view = request.GET.get("view", LeaderboardSnapshot.View.OVERALL)
    energy = request.GET.get("columns") == "energy"
    if view not in VIEWS:
        context = board_context(LeaderboardSnapshot.View.OVERALL, energy=energy) | {
            "error": _("알 수 없는 보기입니다.")
        }
        return render(request, "arena/leaderboard.html", context, status=400)
    context = board_context(view, energy=energy)
    template = "arena/partials/leaderboard_board.html" if request.htmx else "arena/leaderboard.html"
    return render(request, template, context)


@require_GET
def model_page(request, endpoint_id: int):
    """One model in public: its team and its standing in each leaderboard view. The published
    public-sector use cases that run on it come as a fragment from the AX catalogue."""
    endpoint = get_object_or_404(ModelEndpoint.objects.select_related("team", "attestation"), pk=endpoint_id)
    standings = []
    for view in VIEWS:
        snapshot = snapshot_latest(view)
        row = next((r for r in (snapshot.rows if snapshot else []) if r["endpoint_id"] == endpoint.pk), None)
        if row:
            standings.append({"label": LeaderboardSnapshot.View(view).label, "view": view, "row": row})
    context = {
        "endpoint": endpoint,
        "standings": standings,
        "attestation": Attestation.objects.filter(endpoint=endpoint).first(),
        "card": model_cards.card_for(endpoint),
    }
    return render(request, "arena/model.html", context)


COMPARED = (
    LeaderboardSnapshot.View.PANEL,
    LeaderboardSnapshot.View.PUBLIC,
    LeaderboardSnapshot.View.PUBLIC_RAKED,
)


@require_GET
def compare(request):
    """The verified panel, the open public and the reweighted public side by side, model by model."""
    snapshots = {view: snapshot_latest(view) for view in COMPARED}
    models: dict[int, dict] = {}
    for view, snapshot in snapshots.items():
        for row in snapshot.rows if snapshot else []:
            entry = models.setdefault(
                row["endpoint_id"], {"model": row["model"], "team": row["team"], "cells": {}}
            )
            entry["cells"][view] = row
    rows = [
        {**entry, "cells": [entry["cells"].get(view) for view in COMPARED]}
        for entry in sorted(models.values(), key=lambda e: -max(r["rating"] for r in e["cells"].values()))
    ]
    columns = [(LeaderboardSnapshot.View(v).label, snapshots[v]) for v in COMPARED]
    return render(request, "arena/leaderboard_compare.html", {"rows": rows, "columns": columns})


@require_GET
def personal_board(request):
    """The citizen's own board, from their own votes, beside the public one."""
    voter = session_voter(request.session)
    return render(
        request,
        "arena/personal_board.html",
        personal.personal_board(voter) | {"consented": voter is not None},
    )
