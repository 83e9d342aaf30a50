"""The request ID that ties an answer to the log lines written while it was made.

Imported by the logging configuration, so it depends on nothing but the standard library.
"""

import contextvars
import logging
import re
import uuid

# The request being answered (RequestIDMiddleware); "-" outside a request (commands, tests).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
HEADER = "X-Request-ID"
# A client's own ID is kept if it is short printable ASCII without separators that could
# forge log lines or headers; anything else is replaced by a fresh one.
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")


def new_request_id(sent: str | None) -> str:
    """The client's X-Request-ID if it is a sensible one, else a fresh random ID."""
    if sent and CLIENT_REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


class RequestIDFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request). Django logs an
    error answer ("Not Found: ...") after the middleware is done, with the request attached."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or REQUEST_ID.get()
        return True
