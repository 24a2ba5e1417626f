from django.urls import path

from arena import views

app_name = "arena"
urlpatterns = [
    path("", views.battle, name="battle"),
    path("consent/", views.consent, name="consent"),
    path("vote/", views.vote, name="vote"),
    path("battles/<uuid:battle_id>/", views.battle_detail, name="battle_detail"),
    path("privacy/", views.privacy, name="privacy"),
]
