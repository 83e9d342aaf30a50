"""HTTP behaviours every API view shares, each a small mixin: a 405 before anything else,
a Location header on a 201, and strict formats. (The rate-limit headers of every answer are
negotiations.middleware.RateLimitMiddleware's.)"""

from django.urls import NoReverseMatch, reverse
from rest_framework.exceptions import MethodNotAllowed, ValidationError

from negotiations.api.renderers import CSVRenderer, ICalendarRenderer, ORJSONRenderer
from negotiations.api.schema import TrackerAutoSchema


class MethodFirstMixin:
    """A method the URL does not take is a 405 whoever asks: DRF checks credentials first,
    so an anonymous POST to a record's URL was a 401, as if logging in would help."""

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or getattr(self, method, None) is None:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class CreatedLocationMixin:
    """A 201 names the new record's URL in ``Location`` (RFC 9110 10.2.2)."""

    def get_success_headers(self, data):
        headers = super().get_success_headers(data)
        slug = data.get(self.lookup_field) if isinstance(data, dict) else None
        if slug:
            try:
                path = reverse(f"api:{self.basename}-detail", kwargs={self.lookup_field: slug})
            except NoReverseMatch:
                return headers
            headers["Location"] = self.request.build_absolute_uri(path)
        return headers


class StrictFormatMixin:
    """`?format=` must name one of the view's documented formats (json, csv): anything
    else, empty included, is a 400 naming the parameter, like every bad query parameter.
    Errors are always JSON, whatever format the request asked for."""

    schema = TrackerAutoSchema()

    def perform_content_negotiation(self, request, force=False):
        if "format" in request.query_params:
            formats = sorted(
                {r.format for r in self.get_renderers()} - {"api"}  # the browsable API: Accept
            )
            if request.query_params.getlist("format") not in ([name] for name in formats):
                handled = getattr(self, request.method.lower(), None) is not None  # else 405
                if force or not handled:  # answering an error: in JSON
                    return ORJSONRenderer(), ORJSONRenderer.media_type
                raise ValidationError(
                    {"format": [f"Choose one of: {', '.join(formats)}."]}, code="unknown_format"
                )
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors, redirects (a renamed record's envelope) and OPTIONS metadata are JSON: only
        # records are CSV or a calendar.
        if (response.status_code >= 300 or request.method == "OPTIONS") and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer | ICalendarRenderer
        ):
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
