from django.urls import path

from ax_catalog import manage_views, views

app_name = "ax_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<str:case_id>/", views.detail, name="detail"),
    path("agencies/", views.agencies, name="agencies"),
    path("models/<int:endpoint_id>/cases/", views.model_cases, name="model_cases"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/new/", manage_views.create, name="create"),
    path("manage/<str:case_id>/edit/", manage_views.edit, name="edit"),
    path("manage/<str:case_id>/review/", manage_views.review, name="review"),
]
