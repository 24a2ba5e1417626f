"""Stage-evaluation staff pages, mounted by the shell under /staff/ (namespace "evaluation")."""

from django.urls import path

from evaluation import appeal_views, originality_views, views

app_name = "evaluation"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<slug:slug>/", views.scorecard, name="scorecard"),
    path("rounds/<slug:slug>/what-if/", views.what_if, name="what_if"),
    path("rounds/<slug:slug>/publish/", views.publish, name="publish"),
    path("rounds/<slug:slug>/weights/", views.weights, name="weights"),
    path("rounds/<slug:slug>/close/", views.close, name="close"),
    path("rounds/<slug:slug>/audit/", views.audit, name="audit"),
    path("rounds/<slug:slug>/originality/", originality_views.page, name="originality"),
    path("rounds/<slug:slug>/originality/records/", originality_views.record_add, name="originality_record"),
    path("rounds/<slug:slug>/originality/check/", originality_views.record_check, name="originality_check"),
    path("rounds/<slug:slug>/originality/gate/", originality_views.gate_decide, name="originality_gate"),
    path("rounds/<slug:slug>/appeals/", appeal_views.round_appeals, name="appeals"),
    path("appeals/<int:appeal_id>/", appeal_views.detail, name="appeal"),
    path("appeals/<int:appeal_id>/answer/", appeal_views.answer, name="appeal_answer"),
    path("appeals/<int:appeal_id>/decide/", appeal_views.decide, name="appeal_decide"),
    path("rounds/<slug:slug>/evidence/", views.evidence_page, name="evidence"),
    path(
        "rounds/<slug:slug>/evidence/benchmarks/",
        views.evidence_benchmarks_import,
        name="evidence_benchmarks",
    ),
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
