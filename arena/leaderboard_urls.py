from django.urls import path

from arena import leaderboard_views

urlpatterns = [
    path("leaderboard/", leaderboard_views.leaderboard, name="leaderboard"),
    path("methodology/", leaderboard_views.methodology, name="methodology"),
]
