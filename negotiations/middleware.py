"""A database outage is a 503 with a JSON body and Retry-After, never a stack trace; every
error under /api/ is JSON in the API's error envelope, even those Django answers before
reaching the API; and every answer carries its request ID."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from rest_framework.response import Response

from negotiations.api import errors
from negotiations.api.exceptions import is_outage
from negotiations.request_id import HEADER, REQUEST_ID, new_request_id

logger = logging.getLogger(__name__)

# Django's own error pages (no such URL, server error, bad request): what they mean in JSON.
DJANGO_ERRORS = {
    400: ("bad_request", "Bad request."),
    403: ("permission_denied", "Forbidden."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    500: ("server_error", "Server error."),
}


class RequestIDMiddleware:
    """``X-Request-ID`` on every answer: the client's own (if it is a sensible one) or a new
    one. It is in every log line written while the request is answered (RequestIDFilter) and
    in every error body, so a client can quote it and an operator find the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response


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
            code, detail = DJANGO_ERRORS[response.status_code]
            answer = errors.json_error(response.status_code, code, detail)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig) and request.path.startswith("/api/"):
            return errors.json_error(
                413, "payload_too_large", "The request body is too large (at most 2.5 MB)."
            )
        if is_outage(exception):
            logger.warning("Database unavailable: %s", exception)
            response = errors.json_error(
                503, "database_unavailable", "The database is unavailable. Try again shortly."
            )
            response["Retry-After"] = "5"
            return response
        return None
