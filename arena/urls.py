from django.urls import path

from arena.battles import views
from arena.panel import session_views
from arena.panel import views as panel_views
from arena.ratings import views as leaderboard_views

app_name = "arena"
urlpatterns = [
    path("", views.battle, name="battle"),
    path("consent/", views.consent, name="consent"),
    path("preview/", views.prompt_preview, name="prompt_preview"),
    path("vote/", views.vote, name="vote"),
    path("vote/reasons/", views.vote_tag, name="vote_tag"),
    path("battles/<uuid:battle_id>/", views.battle_detail, name="battle_detail"),
    path("models/<int:endpoint_id>/", leaderboard_views.model_page, name="model"),
    path("models/<int:endpoint_id>/reasons/", panel_views.model_reasons, name="model_reasons"),
    path("privacy/", views.privacy, name="privacy"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/delete/", views.my_data_delete, name="my_data_delete"),
    path("me/", leaderboard_views.personal_board, name="personal_board"),
    path("session/", session_views.session_join, name="session_join"),
    path("session/leave/", session_views.session_leave, name="session_leave"),
    path("sessions/", session_views.sessions_home, name="sessions"),
    path("sessions/<str:code>/", session_views.session_detail, name="session_detail"),
    path("sessions/<str:code>/close/", session_views.session_close, name="session_close"),
    path("panel/", panel_views.panel_verify, name="panel_verify"),
    path("panel/enrol/", panel_views.panel_enrol, name="panel_enrol"),
    path("panel/me/", panel_views.panel_home, name="panel_home"),
    path("panel/cells/", panel_views.panel_cells, name="panel_cells"),
    path("panel/verify/<slug:name>/", panel_views.panel_oidc_start, name="panel_oidc_start"),
    path("panel/verify/<slug:name>/callback/", panel_views.panel_oidc_callback, name="panel_oidc_callback"),
]
