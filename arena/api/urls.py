from django.urls import path

from arena.api import views

urlpatterns = [
    path("leaderboard/", views.LeaderboardApi.as_view(), name="api-leaderboard"),
]
