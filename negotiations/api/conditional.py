"""Conditional requests (RFC 9110 13): every GET answer carries an ETag made of the data
version (which any write anywhere moves) and the exact request, so If-None-Match costs one
indexed lookup and a 304. An answer about one negotiation (``version_subject``: a round and
what hangs under it, a negotiation's agenda changes and matrix) uses the versions of that
negotiation and of the shared vocabulary instead (negotiations.domain.versioning), so
writes elsewhere leave its ETag, and its cached copy, alone. A detail's ETag starts with
the record's own token (its last change), which is what If-Match compares on PUT, PATCH and
DELETE: unrelated edits never cause a 412."""

import datetime

from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags

from negotiations.api.exceptions import NotModified, PreconditionFailed
from negotiations.domain.versioning import (
    current_data_version,
    etag_for,
    object_token,
    scoped_version,
)


def last_modified_of(changed_at: datetime.datetime | None) -> datetime.datetime | None:
    """Last-Modified for an answer: the last write anywhere, or the start of today if later
    (answers count days from today), and none within the current second (RFC 9110 8.8.2.2:
    a second write in the same second would go unseen by If-Modified-Since)."""
    if changed_at is None:
        return None
    now = timezone.localtime()
    start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    last_modified = max(changed_at, start_of_today)
    if int(last_modified.timestamp()) >= int(now.timestamp()):
        return None
    return last_modified


class ConditionalRequestsMixin:
    """ETag and Last-Modified on every 200; If-None-Match and If-Modified-Since answered
    with a 304 once the request is known to be valid; If-Match checked by ``check_if_match``
    (the writes call it with the locked row)."""

    conditional_requests = True  # documented in the schema (TrackerAutoSchema)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # the query parameters are checked first
        # A detail's ETag also needs the object's token: retrieve() checks it.
        if request.method in ("GET", "HEAD") and getattr(self, "action", None) != "retrieve":
            self.check_not_modified(request)

    @staticmethod
    def object_token(instance_or_updated) -> str:
        return object_token(getattr(instance_or_updated, "updated", instance_or_updated))

    # The kind of record (versioning.SCOPED_SUBJECTS) whose slug, in a detail URL, names
    # the negotiation the answer is about; None: every answer reads the data version.
    version_subject_kind = None

    def version_subject(self) -> tuple[str, str] | None:
        """(kind, slug) of the record whose negotiation this answer is about, or None."""
        if self.version_subject_kind is None:
            return None
        slug = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        return None if slug is None else (self.version_subject_kind, slug)

    def data_version(self) -> tuple:
        """The version this request answers at: read once, before any data. The data
        version, or the scoped version of the negotiation it is about."""
        if not hasattr(self, "_data_version"):
            subject = self.version_subject()
            self._data_version = (
                scoped_version(*subject) if subject is not None else current_data_version()
            )
        return self._data_version

    def check_not_modified(self, request, object_token: str = ""):
        version, changed_at = self.data_version()
        variant = (
            request.get_full_path(),
            request.accepted_media_type or "",
            timezone.localdate().isoformat(),
            # Editors' names are shown to authenticated clients only (audit history).
            "authenticated" if request.user.is_authenticated else "anonymous",
        )
        tag = etag_for(version, object_token, *variant)
        if object_token:
            tag = f'"{object_token}.{tag.strip(chr(34))}"'
        last_modified = last_modified_of(changed_at)
        self.response_etag, self.response_last_modified = tag, last_modified
        if "html" in (request.accepted_media_type or ""):
            return  # the browsable API shows the user; never answer it with a 304
        if_none_match = request.headers.get("If-None-Match", "").strip()
        if if_none_match == "*":
            # "*" matches any current representation, so it can only be answered once the
            # request is known to have one: after validation, for a 200 (finalize_response).
            self.not_modified_if_ok = True
            return
        if not if_none_match and "If-Modified-Since" in request.headers:
            # If-Modified-Since (ignored when If-None-Match is sent) compares dates, not this
            # request: like "*", it is answered only once the request proved valid.
            timestamp = int(last_modified.timestamp()) if last_modified else None
            answer = timestamp and get_conditional_response(
                request._request, last_modified=timestamp
            )
            self.not_modified_if_ok = getattr(answer, "status_code", None) == 304
            return
        if get_conditional_response(request._request, etag=tag) is not None:
            # A specific ETag matches only one issued for this very request (path, query,
            # format, data version), so the request was valid and still gives the same answer.
            raise NotModified(tag)

    def check_if_match(self, request, instance):
        """If-Match per RFC 9110 13.1.1: "*" or any listed entity-tag that matches the
        record's current one by strong comparison. A weak tag (W/"...") never matches, nor
        does an unquoted value (not an entity-tag); either is a 412 like a stale tag."""
        header = request.headers.get("If-Match", "").strip()
        if not header:
            return
        tags = parse_etags(header)
        if tags == ["*"]:
            return
        current = self.object_token(instance)
        # A detail's ETag is "<object token>.<representation digest>"; a write answers with
        # "<object token>" alone. Either carries the token If-Match compares.
        tokens = {tag.strip('"').split(".")[0] for tag in tags if not tag.startswith("W/")}
        if current not in tokens:
            raise PreconditionFailed()

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code == 200 and getattr(self, "not_modified_if_ok", False):
            response = HttpResponseNotModified()
            response["ETag"] = self.response_etag
            if self.response_last_modified:
                response["Last-Modified"] = http_date(self.response_last_modified.timestamp())
            return super().finalize_response(request, response, *args, **kwargs)
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and getattr(self, "response_etag", None):
            response["ETag"] = self.response_etag
            if self.response_last_modified:
                response["Last-Modified"] = http_date(self.response_last_modified.timestamp())
            response["Cache-Control"] = "no-cache"
        return response
