"""The arena's staff pages, mounted by the shell under /staff/ (namespace "staff")."""

from django.urls import path

from arena.integrity import views as integrity_views
from arena.panel import views as panel_views
from arena.safety import views as safety_views

urlpatterns = [
    path("moderation/", safety_views.staff_moderation, name="moderation"),
    path("integrity/", integrity_views.staff_integrity, name="integrity"),
    path("integrity/voters/<int:flag_id>/", integrity_views.staff_voter_decide, name="voter_decide"),
    path("panel/", panel_views.staff_panel, name="panel"),
]
