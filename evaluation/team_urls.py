"""A team representative's pages, mounted by the shell under /team/ (namespace "team")."""

from django.urls import path

from evaluation import team_views

app_name = "team"
urlpatterns = [
    path("", team_views.home, name="home"),
    path("rounds/<slug:slug>/", team_views.round_page, name="round"),
    path("rounds/<slug:slug>/appeals/", team_views.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/", team_views.appeal_detail, name="appeal"),
    path("appeals/<int:appeal_id>/reply/", team_views.appeal_reply, name="appeal_reply"),
]
