"""Published stage results, mounted by the shell under /results/ (namespace "results")."""

from django.urls import path

from evaluation import views

app_name = "results"
urlpatterns = [
    path("<slug:slug>/", views.results, name="round"),
]
