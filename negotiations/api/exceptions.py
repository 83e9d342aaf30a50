"""Errors a client can act on: never a 500 for bad input or a conflicting edit."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseNotModified
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


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


# PostgreSQL's deadlock_detected and serialization_failure: the transaction lost a race
# with another one and was rolled back; running it again is the remedy.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


def is_transient(error) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in TRANSIENT_SQLSTATES


class ConcurrentWrite(Conflict):
    default_detail = "Another request was changing the same records at the same time. Try again."
    default_code = "concurrent_write"


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
    elif isinstance(exc, OperationalError) and is_transient(exc):
        logger.warning("Write aborted by the database after retries: %s", exc)
        exc = ConcurrentWrite()
    elif isinstance(exc, OperationalError | InterfaceError):
        logger.warning("Database unavailable: %s", exc)
        exc = ServiceUnavailable()
    elif isinstance(exc, DataError):
        # Input the validation let through and the database refused (a NUL character, a
        # number out of range): the request's fault, so a 400, and logged to be fixed.
        logger.warning("Database refused a value: %s", exc)
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: ["A value cannot be stored as given."]}
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = "5"
    return response
