"""The site's URLs: the shell mounts every app. /staff/ and /api/v1/ are assembled from each app's
own staff and API URLconfs; nothing else in the project knows where an app's pages live."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from arena import staff_urls as arena_staff_urls
from portal import metrics_view, views

staff_patterns = ([path("", views.staff_home, name="home"), *arena_staff_urls.urlpatterns], "staff")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("healthz/ready", views.healthz_ready, name="healthz_ready"),
    path("metrics", metrics_view.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/landing/", views.landing, name="landing"),
    path("staff/", include(staff_patterns)),
    path("staff/", include("evaluation.staff_urls")),
    path("results/", include("evaluation.urls")),
    path("team/", include("evaluation.team_urls")),
    path("admin/", admin.site.urls),
    path("arena/", include("arena.urls")),
    path("", include("arena.root_urls")),
    path("ax/", include("ax_catalog.urls")),
    path("api/v1/", include("arena.api_urls")),
    path("api/v1/", include("evaluation.api_urls")),
    path("api/v1/ax/", include("ax_catalog.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

admin.site.site_header = "K-AI 공공평가 포털 관리"
admin.site.site_title = "K-AI 포털 관리"
