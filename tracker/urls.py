from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from negotiations.api.slashes import missing_slash
from negotiations.health import healthz

urlpatterns = [
    path(
        "",
        RedirectView.as_view(url="/api/v1/", permanent=False, http_method_names=["get", "head"]),
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("negotiations.api.urls")),
    # An API URL without its trailing slash: a read is redirected, a write refused (404).
    re_path(r"^api(?:/.*[^/])?$", missing_slash),
    path("dashboard/", include("negotiations.dashboard.urls")),
]
