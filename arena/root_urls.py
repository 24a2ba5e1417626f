"""Arena pages mounted at the site root: the leaderboard (ratings) and the methodology (integrity)."""

from django.urls import path

from arena.integrity import views as integrity_views
from arena.ratings import open_data_views
from arena.ratings import views as leaderboard_views

urlpatterns = [
    path("leaderboard/", leaderboard_views.leaderboard, name="leaderboard"),
    path("leaderboard/compare/", leaderboard_views.compare, name="leaderboard_compare"),
    path("methodology/", integrity_views.methodology, name="methodology"),
    path("leaderboard/ranking.csv", open_data_views.ranking_csv, name="ranking_csv"),
    path("open-data/", open_data_views.open_data_page, name="open_data"),
    path(
        "open-data/reports/<str:receipt>/", open_data_views.open_data_report_status, name="open_data_status"
    ),
]
