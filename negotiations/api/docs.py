"""The API's documentation pages (Swagger UI and ReDoc), entirely offline: scripts from
drf-spectacular-sidecar, ReDoc's fonts from negotiations/static/docs/, and a Content Security
Policy that keeps the browser from fetching anything from another origin.

ReDoc's bundle shows the Redocly logo from a CDN in its side menu; the bundle is served here
with that image replaced by an empty one (tests/browser/test_docs_offline.py checks that the
pages make no request to another origin)."""

import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
NO_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

# Inline scripts and styles: the pages' own setup code, and styles the bundles inject. Blob
# workers: ReDoc's search index.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
    ]
)


class OfflinePageMixin:
    @extend_schema(exclude=True)  # pages about the API, not part of it
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class SwaggerView(OfflinePageMixin, SpectacularSwaggerView):
    pass


class RedocView(OfflinePageMixin, SpectacularRedocView):
    template_name = "api_docs/redoc.html"

    @staticmethod
    def _redoc_standalone():
        return reverse("api:redoc-bundle")


@functools.cache
def offline_redoc_bundle() -> bytes:
    return Path(finders.find(REDOC_BUNDLE)).read_bytes().replace(REDOCLY_LOGO, NO_IMAGE)


@require_safe
def redoc_bundle(request):
    """ReDoc's standalone bundle without its one reference to a CDN."""
    response = HttpResponse(offline_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
