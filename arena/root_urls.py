"""Arena pages mounted at the site root: the leaderboard (ratings), its exposure figures (battles) and the
methodology with its changelog (integrity)."""

from django.urls import path

from arena.battles import exposure_views
from arena.integrity import views as integrity_views
from arena.ratings import open_data_views
from arena.ratings import views as leaderboard_views

urlpatterns = [
    path("leaderboard/", leaderboard_views.leaderboard, name="leaderboard"),
    path("leaderboard/compare/", leaderboard_views.compare, name="leaderboard_compare"),
    path("leaderboard/exposure/", exposure_views.exposure_page, name="leaderboard_exposure"),
    path("methodology/", integrity_views.methodology, name="methodology"),
    path("methodology/changes/", integrity_views.methodology_changes, name="methodology_changes"),
    path("leaderboard/ranking.csv", open_data_views.ranking_csv, name="ranking_csv"),
    path("open-data/", open_data_views.open_data_page, name="open_data"),
    path(
        "open-data/reports/<str:receipt>/", open_data_views.open_data_report_status, name="open_data_status"
    ),
]
