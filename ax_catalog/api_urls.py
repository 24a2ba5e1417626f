"""The catalogue's API, mounted by the shell under /api/v1/."""

from django.urls import path

from ax_catalog.api.views import UseCaseListApi

urlpatterns = [
    path("ax/use-cases/", UseCaseListApi.as_view(), name="api-ax-use-cases"),
]
