from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from portal import views

staff_patterns = (
    [
        path("", views.staff_home, name="home"),
        path("moderation/", views.staff_moderation, name="moderation"),
        path("integrity/", views.staff_integrity, name="integrity"),
        path("panel/", views.staff_panel, name="panel"),
        path("integrity/voters/<int:flag_id>/", views.staff_voter_decide, name="voter_decide"),
    ],
    "staff",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", include(staff_patterns)),
    path("", include("portal.evaluation.urls")),
    path("admin/", admin.site.urls),
    path("arena/", include("arena.urls")),
    path("", include("arena.leaderboard_urls")),
    path("ax/", include("ax_catalog.urls")),
    path("api/v1/", include("arena.api.urls")),
    path("api/v1/ax/", include("ax_catalog.api.urls")),
    path("api/v1/", include("portal.evaluation.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

admin.site.site_header = "K-AI 공공평가 포털 관리"
admin.site.site_title = "K-AI 포털 관리"
