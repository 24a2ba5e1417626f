from django.urls import path

from arena import leaderboard_views, open_data_views

urlpatterns = [
    path("leaderboard/", leaderboard_views.leaderboard, name="leaderboard"),
    path("leaderboard/compare/", leaderboard_views.compare, name="leaderboard_compare"),
    path("methodology/", leaderboard_views.methodology, name="methodology"),
    path("leaderboard/ranking.csv", open_data_views.ranking_csv, name="ranking_csv"),
    path("open-data/", open_data_views.open_data_page, name="open_data"),
    path(
        "open-data/reports/<str:receipt>/", open_data_views.open_data_report_status, name="open_data_status"
    ),
]
