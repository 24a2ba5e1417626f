"""The arena's staff pages, mounted by the shell under /staff/ (namespace "staff")."""

from django.urls import path

from arena.endpoints import aa_views
from arena.endpoints import staff_views as endpoint_staff_views
from arena.integrity import views as integrity_views
from arena.panel import staff_views as panel_staff_views
from arena.ratings import open_data_views
from arena.safety import views as safety_views

urlpatterns = [
    path("moderation/", safety_views.staff_moderation, name="moderation"),
    path("versions/", endpoint_staff_views.staff_versions, name="versions"),
    path("versions/drift/<int:run_id>/", endpoint_staff_views.staff_drift_decide, name="drift_decide"),
    path(
        "versions/<int:endpoint_id>/retire/", endpoint_staff_views.staff_version_retire, name="version_retire"
    ),
    path("aa-tests/", aa_views.staff_aa_tests, name="aa_tests"),
    path("integrity/", integrity_views.staff_integrity, name="integrity"),
    path("integrity/voters/<int:flag_id>/", integrity_views.staff_voter_decide, name="voter_decide"),
    path("integrity/networks/<int:flag_id>/", integrity_views.staff_network_decide, name="network_decide"),
    path("panel/", panel_staff_views.staff_panel, name="panel"),
    path("panel/invitations/", panel_staff_views.staff_panel_invitations, name="panel_invitations"),
    path("open-data/", open_data_views.staff_open_data, name="open_data"),
    path("open-data/<int:report_id>/", open_data_views.staff_open_data_decide, name="open_data_decide"),
]
