"""The catalogue's API, mounted by the shell under /api/v1/ax/."""

from django.urls import path

from ax_catalog.api import views

urlpatterns = [
    path("use-cases/", views.UseCaseListApi.as_view(), name="api-ax-use-cases"),
    path("use-cases/<str:case_id>/", views.UseCaseDetailApi.as_view(), name="api-ax-use-case"),
    path(
        "use-cases/<str:case_id>/history/", views.UseCaseHistoryApi.as_view(), name="api-ax-use-case-history"
    ),
    path("schema/usecase-<str:version>.json", views.RecordSchemaApi.as_view(), name="api-ax-schema"),
]
