"""HTTP behaviours every API view shares, each a small mixin: rate-limit headers on every
answer, and a Location header on a 201."""

from django.urls import NoReverseMatch, reverse


class RateLimitHeadersMixin:
    """RateLimit-Limit, -Remaining, -Reset and -Policy on every answer under a rate limit
    (negotiations.api.throttling), 429 included."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            for name, value in rate_limit.headers().items():
                response[name] = value
        return response


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
