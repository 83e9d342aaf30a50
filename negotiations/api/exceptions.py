"""Errors a client can act on: never a 500 for bad input or a conflicting edit."""

import logging
import sqlite3

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponseNotModified
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from negotiations.api import errors
from negotiations.api.representations import SeeOther
from negotiations.domain.writes import is_transient

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


class Moved(exceptions.APIException):
    """A renamed record's old URL: 301 to the new one for reads, 308 for writes (a client
    then repeats the same method and body there)."""

    status_code = status.HTTP_301_MOVED_PERMANENTLY
    default_code = "renamed"

    def __init__(self, location: str, *, method: str = "GET"):
        super().__init__(f"Renamed: this record is now at {location}")
        self.location = location
        if method not in ("GET", "HEAD", "OPTIONS"):
            self.status_code = status.HTTP_308_PERMANENT_REDIRECT


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable. Try again shortly."
    default_code = "database_unavailable"


# What says the database cannot answer now, rather than that it refused this one query.
# PostgreSQL: SQLSTATE classes 08 (connection exception), 53 (insufficient resources),
# 57 (operator intervention: shutdown, restart, statement timeout) and 58 (system error);
# psycopg's own errors for a lost or refused connection carry no SQLSTATE at all.
OUTAGE_SQLSTATE_CLASSES = {"08", "53", "57", "58"}
# SQLite: the file cannot be opened, read or written, or a writer holds it past the timeout.
SQLITE_OUTAGE_CODES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_NOMEM,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PROTOCOL,
    sqlite3.SQLITE_NOTADB,
}


def is_outage(error) -> bool:
    """A 503 ("try again shortly") error: the connection is lost, unusable or refused.

    Not every OperationalError is one: SQLite's "LIKE pattern too complex" or PostgreSQL's
    "statement too complex" refuse one query of a healthy database (a 500, to be fixed).
    An error without a driver error behind it is taken as an outage, as before."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        return code is None or code & 0xFF in SQLITE_OUTAGE_CODES  # extended codes: low byte
    if cause is None or not hasattr(cause, "sqlstate"):
        return True
    return cause.sqlstate is None or cause.sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES


class ConcurrentWrite(Conflict):
    default_detail = "Another request was changing the same records at the same time. Try again."
    default_code = "concurrent_write"


class StillReferenced(Conflict):
    default_code = "still_referenced"


def exception_handler(exc, context):
    """DRF's handler, answering in the one error envelope (negotiations.api.errors)."""
    if isinstance(exc, NotModified):
        response = HttpResponseNotModified()
        response["ETag"] = exc.etag
        return response
    if isinstance(exc, SeeOther):
        return exc.response()
    if isinstance(exc, ProtectedError | RestrictedError):
        blocking = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        exc = StillReferenced(
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
    elif is_outage(exc):
        logger.warning("Database unavailable: %s", exc)
        exc = ServiceUnavailable()
    elif isinstance(exc, DataError):
        # Input the validation let through and the database refused (a NUL character, a
        # number out of range): the request's fault, so a 400, and logged to be fixed.
        logger.warning("Database refused a value: %s", exc)
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: ["A value cannot be stored as given."]}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args[:1])
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler, then the middleware's envelope
    if isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = "5"
    response.data = error_envelope(exc, response.status_code, context.get("request"))
    if isinstance(exc, Moved):
        response["Location"] = exc.location
    return response


def error_envelope(exc: exceptions.APIException, status_code: int, request) -> dict:
    if isinstance(exc, Moved):
        return errors.envelope(status_code, "renamed", str(exc.detail))
    if isinstance(exc, exceptions.ValidationError):
        items = errors.error_items(exc.detail)
        for item in items:
            item["in"] = field_location(item["field"], request)
        return errors.envelope(
            status_code, "invalid_input", errors.summary(items, "Invalid input."), items
        )
    detail = exc.detail
    code = getattr(detail, "code", None)
    if code not in errors.ERROR_CODES or errors.ERROR_CODES[code][0] != status_code:
        code = errors.STATUS_CODES.get(status_code, "bad_request")
    if isinstance(detail, dict | list):  # an exception raised with structured detail
        items = errors.error_items(detail)
        return errors.envelope(status_code, code, errors.summary(items, str(exc)), items)
    return errors.envelope(status_code, code, str(detail))


def field_location(field: str | None, request) -> str | None:
    """Where a rejected name is: a query parameter, or a field of the JSON body."""
    if field is None:
        return None
    if request is None:
        return "body"
    name = field.split(".")[0]
    if name in request.query_params or request.method not in ("POST", "PUT", "PATCH"):
        return "query"
    return "body"
