from django.urls import path

from arena import leaderboard_views

urlpatterns = [
    path("leaderboard/", leaderboard_views.leaderboard, name="leaderboard"),
    path("leaderboard/compare/", leaderboard_views.compare, name="leaderboard_compare"),
    path("methodology/", leaderboard_views.methodology, name="methodology"),
]
