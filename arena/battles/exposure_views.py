"""The public equal-exposure page: each team's share of battles per week against its target."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.battles.exposure import exposure_windows_cached, pair_probabilities_now
from arena.ratings.method import method_version_latest


@require_GET
def exposure_page(request):
    windows = exposure_windows_cached()
    team_pairs, version_pairs = pair_probabilities_now()
    context = {
        "windows": windows,
        "current": windows[0],
        "team_pairs": team_pairs,
        "version_pairs": version_pairs,
        "tolerance": settings.ARENA_EXPOSURE_TOLERANCE,
        "method_version": method_version_latest(),
    }
    return render(request, "arena/exposure.html", context)
