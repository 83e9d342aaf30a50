"""Errors a client can act on: never a 500 for bad input or a conflicting edit."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseNotModified
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record changed since you read it (If-Match does not match its ETag). "
        "Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


class NotModified(exceptions.APIException):
    """Raised by a conditional GET whose If-None-Match matches: answered with a bare 304."""

    status_code = status.HTTP_304_NOT_MODIFIED

    def __init__(self, etag: str):
        super().__init__()
        self.etag = etag


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable. Try again shortly."
    default_code = "database_unavailable"


def exception_handler(exc, context):
    if isinstance(exc, NotModified):
        response = HttpResponseNotModified()
        response["ETag"] = exc.etag
        return response
    if isinstance(exc, ProtectedError | RestrictedError):
        blocking = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        exc = Conflict(
            f"Cannot delete: other records refer to it ({', '.join(blocking)}). "
            "Remove or reassign them first."
        )
    elif isinstance(exc, IntegrityError):
        exc = Conflict(
            "The change conflicts with existing records (a uniqueness or integrity rule)."
        )
    elif isinstance(exc, DjangoValidationError):
        from negotiations.api.serializers import api_errors

        exc = exceptions.ValidationError(api_errors(exc))
    elif isinstance(exc, OperationalError | InterfaceError):
        exc = ServiceUnavailable()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = "5"
    return response
