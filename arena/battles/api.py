"""The arena's battle-side API: the sampler's exposure figures (the same data as /leaderboard/exposure/)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from arena.battles.exposure import WINDOW_DAYS, exposure_windows_cached, pair_probabilities_now
from arena.ratings.method import method_version_latest


class _Team(serializers.Serializer):
    team = serializers.CharField()
    battles = serializers.IntegerField()
    share = serializers.FloatField()
    target = serializers.FloatField()
    gap = serializers.FloatField()
    noise = serializers.FloatField(help_text="half-width of the 95% band chance alone gives")
    alert = serializers.BooleanField()


class _Window(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    battles = serializers.IntegerField()
    current = serializers.BooleanField()
    teams = _Team(many=True)


class _Pair(serializers.Serializer):
    first = serializers.CharField()
    second = serializers.CharField()
    probability = serializers.FloatField()


class ExposureApi(APIView):
    """Per team and 7-day window: the share of battles it appeared in against its target share, and
    the sampler's pair probabilities now."""

    @extend_schema(
        responses=inline_serializer(
            "Exposure",
            {
                "method_version": serializers.CharField(),
                "window_days": serializers.IntegerField(),
                "tolerance": serializers.FloatField(),
                "windows": _Window(many=True),
                "team_pairs": _Pair(many=True),
                "version_pairs": _Pair(many=True),
            },
        )
    )
    def get(self, request):
        team_pairs, version_pairs = pair_probabilities_now()
        return Response(
            {
                "method_version": method_version_latest(),
                "window_days": WINDOW_DAYS,
                "tolerance": settings.ARENA_EXPOSURE_TOLERANCE,
                "windows": _Window(exposure_windows_cached(), many=True).data,
                "team_pairs": _Pair(team_pairs, many=True).data,
                "version_pairs": _Pair(version_pairs, many=True).data,
            }
        )
