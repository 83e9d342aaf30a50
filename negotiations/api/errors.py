"""One error envelope for every 4xx and 5xx under /api/, whoever answers (a view, DRF, or
Django's middleware and error pages), and the request ID that ties an answer to the logs.

    {"status": 400, "code": "invalid_input", "detail": "start_date: Enter a valid date.",
     "errors": [{"code": "invalid", "detail": "Enter a valid date.", "field": "start_date",
                 "in": "body"}],
     "request_id": "4f1c..."}

``code`` is stable and machine-readable, one per kind of error (ERROR_CODES, documented in
the README and the schema); ``errors`` lists each rejected field or parameter (empty when the
request as a whole is refused); ``detail`` is a sentence for people.
"""

import logging

from django.http import JsonResponse
from rest_framework.settings import api_settings

from negotiations.request_id import REQUEST_ID

# code -> (status, meaning). One place: the exception handler, the middleware, the schema
# and the README's table all read it.
ERROR_CODES = {
    "renamed": (301, "The record was renamed: `Location` is its URL now (308 for a write)."),
    "invalid_input": (400, "A field or query parameter is invalid: see `errors`."),
    "parse_error": (400, "The body is not valid JSON."),
    "bad_request": (400, "The request is malformed (e.g. an unknown Host header)."),
    "not_authenticated": (401, "Credentials are needed: a token or a session."),
    "authentication_failed": (401, "The token or session is invalid."),
    "permission_denied": (403, "Authenticated, without the permission this request needs."),
    "not_found": (404, "No such record, page or URL."),
    "no_trailing_slash": (
        404,
        "A write to an API URL without its trailing slash: nothing was written, and `detail` "
        "names the URL to use (a write is never redirected; a read is, with a 301).",
    ),
    "method_not_allowed": (405, "The URL does not take this method."),
    "not_acceptable": (406, "No representation matches the Accept header."),
    "conflict": (409, "The write would break a uniqueness or integrity rule."),
    "still_referenced": (409, "The record cannot be deleted: other records refer to it."),
    "concurrent_write": (409, "Another write to the same records won a race: try again."),
    "precondition_failed": (412, "If-Match does not match the record's current ETag."),
    "payload_too_large": (413, "The request body is too large."),
    "unsupported_media_type": (415, "The body's Content-Type is not application/json."),
    "throttled": (429, "Rate limit exceeded: wait Retry-After seconds."),
    "server_error": (500, "An unexpected error, logged with the request ID."),
    "database_unavailable": (503, "The database is unavailable: wait Retry-After seconds."),
}
# The default code of an HTTP status, for answers that carry no code of their own.
STATUS_CODES = {}
for _code, (_status, _meaning) in ERROR_CODES.items():
    STATUS_CODES.setdefault(_status, _code)

logger = logging.getLogger(__name__)


def error_items(detail, field: str | None = None, location: str | None = None) -> list[dict]:
    """DRF's error detail (nested dicts and lists of ErrorDetail) as a flat list of
    {code, detail, field, in}: nested fields are dotted paths ("participants.0.person")."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            key = str(key)
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                name = field
            else:
                name = key if field is None else f"{field}.{key}"
            items.extend(error_items(value, name, location))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            name = (f"{field}.{index}" if field else str(index)) if nested else field
            items.extend(error_items(value, name, location))
        return items
    return [
        {
            "code": getattr(detail, "code", None) or "invalid",
            "detail": str(detail),
            "field": field,
            "in": location if field is not None else None,
        }
    ]


def envelope(
    status: int, code: str, detail: str, errors: list[dict] | None = None
) -> dict[str, object]:
    return {
        "status": status,
        "code": code,
        "detail": detail,
        "errors": errors or [],
        "request_id": REQUEST_ID.get(),
    }


def summary(items: list[dict], default: str) -> str:
    """One sentence for people: the only error, or how many and where."""
    if len(items) == 1:
        item = items[0]
        return f"{item['field']}: {item['detail']}" if item["field"] else item["detail"]
    named = sorted({item["field"] for item in items if item["field"]})
    if not named:
        return default
    return f"{len(items)} errors: {', '.join(named)}."


def json_error(status: int, code: str | None = None, detail: str | None = None) -> JsonResponse:
    """An error answered outside DRF (middleware, Django's error pages), in the envelope."""
    code = code or STATUS_CODES.get(status, "server_error" if status >= 500 else "bad_request")
    return JsonResponse(envelope(status, code, detail or ERROR_CODES[code][1]), status=status)
