"""Published stage results, mounted by the shell under /results/ (namespace "results")."""

from django.urls import path

from evaluation import views

app_name = "results"
urlpatterns = [
    path("<slug:slug>/", views.results, name="round"),
    path("<slug:slug>/print/", views.results_print, name="print"),
    path("<slug:slug>/appeals/<int:appeal_id>/", views.results_appeal, name="appeal"),
]
