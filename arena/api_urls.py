"""The arena's API, mounted by the shell under /api/v1/."""

from django.urls import path

from arena.battles.api import ExposureApi
from arena.ratings.api import LeaderboardApi

urlpatterns = [
    path("leaderboard/", LeaderboardApi.as_view(), name="api-leaderboard"),
    path("leaderboard/exposure/", ExposureApi.as_view(), name="api-exposure"),
]
