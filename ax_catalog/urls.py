from django.urls import path

from ax_catalog import views

app_name = "ax_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<str:case_id>/", views.detail, name="detail"),
]
