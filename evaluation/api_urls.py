from django.urls import path

from evaluation.api import ResultsApi, ScorecardApi

urlpatterns = [
    path("rounds/<slug:slug>/scorecard/", ScorecardApi.as_view(), name="api-round-scorecard"),
    path("rounds/<slug:slug>/results/", ResultsApi.as_view(), name="api-round-results"),
]
