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
# (the Error envelope's `code` enum) and the README's table (rendered by `markdown_tables`,
# checked by tests/end_to_end/test_readme.py) all read it.
ERROR_CODES = {
    "renamed": (
        301,
        "Not an error: the record was renamed and `Location` is its URL now (308 for a write, "
        "which the client repeats there). The body is this envelope.",
    ),
    "invalid_input": (400, "A field or query parameter is invalid: see `errors`."),
    "parse_error": (400, "The body is not valid JSON."),
    "bad_request": (400, "The request is malformed (e.g. an unknown Host header)."),
    "not_authenticated": (401, "A write without a token or a session."),
    "authentication_failed": (401, "The token or session is invalid."),
    "permission_denied": (403, "Authenticated, without the model permission the write needs."),
    "not_found": (404, "No such record, page or URL."),
    "no_trailing_slash": (
        404,
        "A write (`POST`, `PUT`, `PATCH`, `DELETE`) to an API URL without its trailing slash: "
        "nothing was written, and `detail` names the URL with the slash. A write is never "
        "redirected (a client would repeat it as a `GET` and report success); a read there is "
        "(301).",
    ),
    "method_not_allowed": (
        405,
        "The URL does not take this method (`Allow` lists those it does). A method no view "
        "serves (`TRACE`, `CONNECT`, ...) is a 405 on every URL, before any view sees it.",
    ),
    "not_acceptable": (406, "No representation matches the `Accept` header."),
    "conflict": (409, "The write would break a uniqueness or integrity rule."),
    "still_referenced": (409, "A record that others refer to cannot be deleted."),
    "concurrent_write": (
        409,
        "Another write to the same records won a race (after retries): try again.",
    ),
    "precondition_failed": (412, "`If-Match` does not match the record's current `ETag`."),
    "payload_too_large": (413, "The body is over 2.5 MB."),
    "unsupported_media_type": (415, "A body that is not `application/json`."),
    "throttled": (429, "Rate limit exceeded: wait `Retry-After` seconds."),
    "server_error": (500, "A bug, logged with the request ID (never documented as an answer)."),
    "database_unavailable": (503, "The database is unavailable: wait `Retry-After` seconds."),
}
# The code of each item of `errors`: one rejected field or parameter. Every code the API's
# fields, validators, filters, models and own checks can give (a guard test collects them:
# tests/api/test_error_codes.py); any other becomes `invalid`, so that the schema's enum holds.
ITEM_CODES = {
    "required": "A required field or query parameter is missing.",
    "null": "`null` is not allowed here.",
    "blank": "An empty string is not allowed here.",
    "empty": "An empty list is not allowed here.",
    "invalid": "Not a valid value, or a rule of the record broken: see `detail`.",
    "date_out_of_range": "A date outside the years a negotiation can have (1900–2100).",
    "invalid_choice": "Not one of the allowed values (or no record has this slug, in a filter).",
    "invalid_list": "Expected a list of values.",
    "not_a_list": "Expected a list.",
    "invalid_pk_value": "Not a valid slug, in a filter.",
    "does_not_exist": "No record has this slug.",
    "unique": "Another record already has this value.",
    "unique_together": "Another record already has this combination of values.",
    "unique_for_date": "Another record already has this value on this date.",
    "max_length": "Text too long.",
    "min_length": "Text too short.",
    "max_string_length": "A number written with too many digits.",
    "max_value": "A number too large.",
    "min_value": "A number too small.",
    "overflow": "A date or number out of the range the API can store.",
    "max_digits": "A decimal with too many digits.",
    "max_decimal_places": "A decimal with too many decimal places.",
    "max_whole_digits": "A decimal with too many digits before the point.",
    "date": "Expected a date (YYYY-MM-DD), not a date and time.",
    "datetime": "Expected a date and time, not a date.",
    "invalid_date": "Not a valid date.",
    "invalid_datetime": "Not a valid date and time.",
    "invalid_nullable": "Expected true, false or null.",
    "make_aware": "A local time that does not exist in the server's time zone.",
    "null_characters_not_allowed": "Text holding a NUL character.",
    "surrogate_characters_not_allowed": "Text holding a lone UTF-16 surrogate.",
    "invalid_unicode": "Text that is not valid Unicode.",
    "unknown_parameter": "A query parameter this URL does not take (`detail` lists those it does).",
    "unexpected_field": "A body field the write does not take (unknown, or read-only): nothing "
    "was written.",
    "unknown_field": "`fields=` names a field the resource does not have.",
    "unknown_format": "`format=` is not one of this URL's formats.",
    "invalid_cursor": "`cursor=` is not a cursor this list issued.",
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
            "code": item_code(getattr(detail, "code", None)),
            "detail": str(detail),
            "field": field,
            "in": location if field is not None else None,
        }
    ]


def item_code(code: str | None) -> str:
    """An item's code as the schema's enum has it: one outside ITEM_CODES (a validator added
    without its code listed) is `invalid`, and logged so that it gets listed."""
    if code in ITEM_CODES:
        return code
    if code is not None:
        logger.warning("Error code %r is not in ITEM_CODES: sent as 'invalid'", code)
    return "invalid"


def markdown_tables() -> str:
    """The README's tables of the envelope's codes and of the item codes."""
    lines = ["| Status | `code` | When |", "|---|---|---|"]
    lines += [f"| {status} | `{code}` | {text} |" for code, (status, text) in ERROR_CODES.items()]
    lines += ["", "| `errors[].code` | Meaning |", "|---|---|"]
    lines += [f"| `{code}` | {text} |" for code, text in ITEM_CODES.items()]
    return "\n".join(lines)


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
