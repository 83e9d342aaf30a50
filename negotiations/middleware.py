"""A database outage is a 503 with a JSON body and Retry-After, never a stack trace."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Catches database connection errors that escape the views (sessions, admin, auth).

    The API's own exception handler already answers them inside DRF views; this covers
    everything else, so that during an outage every request fails fast and says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig) and request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "The request body is too large (at most 2.5 MB)."}, status=413
            )
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("Database unavailable: %s", exception)
            response = JsonResponse(
                {"detail": "The database is unavailable. Try again shortly."}, status=503
            )
            response["Retry-After"] = "5"
            return response
        return None
