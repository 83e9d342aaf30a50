"""The API's documentation pages (Swagger UI and ReDoc), entirely offline: scripts from
drf-spectacular-sidecar, ReDoc's fonts from negotiations/static/docs/, under the site's
Content-Security-Policy (django-csp: nothing from another origin; the pages' own set-up code
carries the nonce, see templates/api/).

ReDoc's bundle shows the Redocly logo from a CDN in its side menu; the bundle is served here
with that image replaced by an empty one (tests/browser/test_docs_offline.py checks that the
pages make no request to another origin)."""

import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.response import Response

from negotiations.middleware import rate_limited, serves

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
NO_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


class SchemaView(SpectacularAPIView):
    """The schema, generated once per process and server: it depends on the code and on the
    URL it is served at (its `servers` and examples), and takes seconds to generate (seven
    hundred operations), longer than a client such as Schemathesis waits."""

    generated: dict[tuple, dict] = {}  # (server URL, language) -> schema; ALLOWED_HOSTS bounds it

    def _get_schema_response(self, request):
        key = (request.build_absolute_uri("/"), request.GET.get("lang"))
        if key not in self.generated:
            generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
            self.generated[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, None)
        return Response(
            data=self.generated[key],
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )


class OfflinePageMixin:
    @extend_schema(exclude=True)  # pages about the API, not part of it
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SwaggerView(OfflinePageMixin, SpectacularSwaggerView):
    pass


class RedocView(OfflinePageMixin, SpectacularRedocView):
    @staticmethod
    def _redoc_standalone():
        return reverse("api:redoc-bundle")


@functools.cache
def offline_redoc_bundle() -> bytes:
    return Path(finders.find(REDOC_BUNDLE)).read_bytes().replace(REDOCLY_LOGO, NO_IMAGE)


@serves("GET", "HEAD")
@rate_limited
def redoc_bundle(request):
    """ReDoc's standalone bundle without its one reference to a CDN."""
    response = HttpResponse(offline_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
