"""Stage-evaluation staff pages, mounted by the shell under /staff/ (namespace "evaluation")."""

from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<slug:slug>/", views.scorecard, name="scorecard"),
    path("rounds/<slug:slug>/what-if/", views.what_if, name="what_if"),
    path("rounds/<slug:slug>/publish/", views.publish, name="publish"),
    path("rounds/<slug:slug>/weights/", views.weights, name="weights"),
    path("rounds/<slug:slug>/evidence/", views.evidence_page, name="evidence"),
    path(
        "rounds/<slug:slug>/evidence/benchmarks/",
        views.evidence_benchmarks_import,
        name="evidence_benchmarks",
    ),
    path("rounds/<slug:slug>/evidence/gate/", views.evidence_gate_set, name="evidence_gate"),
    path(
        "rounds/<slug:slug>/evidence/derivatives/",
        views.evidence_derivatives_set,
        name="evidence_derivatives",
    ),
    path("rounds/<slug:slug>/evidence/hub-sync/", views.evidence_hub_sync, name="evidence_hub_sync"),
    path("rounds/<slug:slug>/scorecard.csv", views.export_csv, name="export_csv"),
    path("rounds/<slug:slug>/report/", views.report, name="report"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/panel-agreement/", views.panel_agreement, name="panel_agreement"),
    path("reviews/<int:assignment_id>/", views.review, name="review"),
]
