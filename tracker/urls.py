from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from negotiations.health import healthz

urlpatterns = [
    path(
        "",
        RedirectView.as_view(url="/api/v1/", permanent=False, http_method_names=["get", "head"]),
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("negotiations.api.urls")),
    path("dashboard/", include("negotiations.dashboard.urls")),
]
