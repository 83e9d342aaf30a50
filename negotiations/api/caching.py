"""Cached reads: a GET's whole answer is kept in the cache under its ETag (the data version
and the request), so that the same request again costs one version lookup and one cache get.

The key (``answer_key``) is everything that makes the answer: the data
version and when it last moved, the scheme, host and full path with its query, the media
type, the day (answers count days from today), whether the client is authenticated (editors'
names are shown to them only), and the code that computed it (a deploy of other code never
serves what the old one cached). Any write anywhere moves the data version in its own
transaction (negotiations.domain.writes), so the very next read, in any process, asks for a
key nobody has stored yet: nothing is ever deleted or invalidated, old entries expire
(ANSWER_CACHE_SECONDS) or are evicted. The cache is the default one: Redis (REDIS_URL),
shared by every worker and container, or each process's local memory.

Only 200s of GET in JSON, CSV or iCalendar are stored (not the browsable API's pages, which
show the user); the request must have got past authentication, rate limits and content
negotiation first. An answer from the cache goes through the same conditional logic (304 for
a matching If-None-Match, If-Modified-Since or "*") and the same headers (ETag,
Last-Modified, RateLimit-*, X-Request-ID) as a computed one, and costs its client one unit of
its rate limit (negotiations.api.throttling).

The dashboard's pages are kept the same way, under the same key
(negotiations.dashboard.caching).
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

# Headers recomputed for every answer, never stored with one.
PER_REQUEST_HEADERS = {
    "etag",
    "last-modified",
    "cache-control",
    "vary",
    "allow",
    "set-cookie",
    "x-request-id",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "ratelimit-policy",
}


@functools.cache
def code_version() -> str:
    """A digest of the Python source that computes answers (read once per process)."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for package in ("negotiations", "tracker"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def answer_key(request, version: tuple, *variant: str) -> str:
    """The cache key of the answer to this request at this data version (and ``variant``:
    whatever else the answer depends on)."""
    number, changed_at = version
    parts = (
        code_version(),
        str(number),
        changed_at.isoformat() if changed_at else "",
        request.build_absolute_uri(),
        getattr(request, "accepted_media_type", None) or "",  # the dashboard's: none
        timezone.localdate().isoformat(),
        "authenticated" if request.user.is_authenticated else "anonymous",
        *variant,
    )
    return "answer:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class CachedAnswer(Exception):
    """Raised by initial() with an answer found in the cache: dispatch returns it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


class CachedAnswersMixin:
    """Answers a GET from the cache when it can, and stores the 200s it computes.

    Sits after the query checks in a viewset's bases (base.RecordViewSet), so that its
    initial() runs right after DRF's (credentials, throttles, content negotiation) and
    before the query parameters are checked: an answer was stored only for a request that
    was valid. Needs ConditionalRequestsMixin (check_not_modified, data_version)."""

    cache_answers = True

    def answer_cache_key(self, request) -> str | None:
        if (
            not self.cache_answers
            or settings.ANSWER_CACHE_SECONDS <= 0
            or request.method != "GET"
            # A viewset's route that does not take the method (a view's action is its method)
            or getattr(self, "action", "get") is None
            or "html" in (request.accepted_media_type or "")
        ):
            return None
        return answer_key(request, self.data_version())

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.answer_key = self.answer_cache_key(request)
        if self.answer_key is None:
            return
        stored = cache.get(self.answer_key)
        if stored is None:
            return
        request._request.answered_from_cache = True  # one unit of its rate limit
        object_token, content_type, content, headers = stored
        # The same ETag, Last-Modified and 304 as a computed answer (NotModified raised here).
        self.check_not_modified(request, object_token)
        response = HttpResponse(content, content_type=content_type)
        for name, value in headers:
            response[name] = value
        raise CachedAnswer(response)

    def handle_exception(self, exc):
        if isinstance(exc, CachedAnswer):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            getattr(self, "answer_key", None)
            and response.status_code == 200
            and getattr(self, "response_etag", None)
            and hasattr(response, "render")  # computed now, not a cached answer
            and not response.streaming
        ):
            self.response = response  # as dispatch() would: renderers read it (the CSV header)
            response.render()
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_REQUEST_HEADERS
            ]
            object_token = self.response_etag.strip('"').partition(".")[0]
            if "." not in self.response_etag:
                object_token = ""
            stored = (object_token, response["Content-Type"], response.content, headers)
            cache.set(self.answer_key, stored, settings.ANSWER_CACHE_SECONDS)
        return response
