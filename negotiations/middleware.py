"""A database outage is a 503 with a JSON body and Retry-After, never a stack trace; and
every error under /api/ is JSON, even those Django answers before reaching the API."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from rest_framework.response import Response

from negotiations.api.exceptions import is_outage

logger = logging.getLogger(__name__)

# Django's own error pages (no such URL, server error, bad request): what they mean in JSON.
DJANGO_ERRORS = {
    400: "Bad request.",
    403: "Forbidden.",
    404: "Not found.",
    500: "Server error.",
}


class DatabaseUnavailableMiddleware:
    """Catches database connection errors that escape the views (sessions, admin, auth).

    Only an outage (see ``is_outage``) is a 503: a query the database refuses is a 500.

    The API's own exception handler already answers them inside DRF views; this covers
    everything else, so that during an outage every request fails fast and says why.
    It also turns Django's HTML error pages under /api/ (a URL that matches no route, a
    server error) into JSON, so that an API client always gets JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in DJANGO_ERRORS
            and not isinstance(response, Response | JsonResponse)
            and response.get("Content-Type", "").startswith("text/html")
            and not (settings.DEBUG and response.status_code == 500)  # the debug page helps
        ):
            return JsonResponse(
                {"detail": DJANGO_ERRORS[response.status_code]}, status=response.status_code
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig) and request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "The request body is too large (at most 2.5 MB)."}, status=413
            )
        if is_outage(exception):
            logger.warning("Database unavailable: %s", exception)
            response = JsonResponse(
                {"detail": "The database is unavailable. Try again shortly."}, status=503
            )
            response["Retry-After"] = "5"
            return response
        return None
