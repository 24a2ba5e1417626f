from django.urls import path

from arena.api import views
from ax_catalog.api.views import UseCaseListApi

urlpatterns = [
    path("leaderboard/", views.LeaderboardApi.as_view(), name="api-leaderboard"),
    path("ax/use-cases/", UseCaseListApi.as_view(), name="api-ax-use-cases"),
]
