from django.urls import path

from ax_catalog import manage_views, views

app_name = "ax_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<str:case_id>/", views.detail, name="detail"),
    path("cases/<str:case_id>/feedback/", views.feedback, name="feedback"),
    path("agencies/", views.agencies, name="agencies"),
    path("models/<int:endpoint_id>/cases/", views.model_cases, name="model_cases"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("open-data/ax-usecases.csv", views.download, {"extension": "csv"}, name="download_csv"),
    path("open-data/ax-usecases.json", views.download, {"extension": "json"}, name="download_json"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/new/", manage_views.create, name="create"),
    path("manage/<str:case_id>/edit/", manage_views.edit, name="edit"),
    path("manage/<str:case_id>/review/", manage_views.review, name="review"),
    path("manage/feedback/<int:feedback_id>/", manage_views.feedback_moderate, name="feedback_moderate"),
]
