from django.urls import path

from portal.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("staff/rounds/", views.rounds, name="rounds"),
    path("staff/rounds/<slug:slug>/", views.scorecard, name="scorecard"),
    path("staff/rounds/<slug:slug>/what-if/", views.what_if, name="what_if"),
    path("staff/rounds/<slug:slug>/publish/", views.publish, name="publish"),
    path("staff/rounds/<slug:slug>/weights/", views.weights, name="weights"),
    path("staff/rounds/<slug:slug>/evidence/", views.evidence_page, name="evidence"),
    path("staff/rounds/<slug:slug>/scorecard.csv", views.export_csv, name="export_csv"),
    path("staff/rounds/<slug:slug>/report/", views.report, name="report"),
    path("staff/reviews/", views.review_queue, name="review_queue"),
    path("staff/reviews/<int:assignment_id>/", views.review, name="review"),
    path("results/<slug:slug>/", views.results, name="results"),
]
