"""The dashboard's pages cached and conditional, like the API's answers
(negotiations.api.caching): a page about one negotiation (its URL names it) under the
versions of that negotiation and of the shared vocabulary, so that writes to other
negotiations leave it cached and its ETag unchanged; any other page (the default
negotiation's) under the data version (negotiations.domain.versioning).

A 200 carries an ETag made of that version and the request, and ``Cache-Control:
no-cache``; the same request with that ETag in ``If-None-Match`` is a 304 for one query (the
version). A tag is issued only with a 200, so a matching one names a valid request.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response

from negotiations.api.caching import answer_key
from negotiations.domain.versioning import current_data_version, etag_for, scoped_version


def page_version(kwargs: dict) -> tuple:
    """The version a page answers at: its negotiation's, if its URL names one."""
    slug = kwargs.get("slug")
    return scoped_version("negotiation", slug) if slug else current_data_version()


def cached_page(*depends_on: str):
    """A page's whole answer (its HTML) kept under the same key as the API's answers, at
    its version, and the settings named in ``depends_on``: the same request again, until a
    write it shows, is one version lookup and one cache get (one unit of its client's rate
    limit), or a 304 with its ETag. Only 200s are kept; the page must not depend on who asks
    (the key only tells anonymous from authenticated), nor carry a per-request value such as
    a CSP nonce or a CSRF token."""

    def decorate(view):
        @functools.wraps(view)
        def answer(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            version = page_version(kwargs)
            variant = [f"{name}={getattr(settings, name)}" for name in depends_on]
            tag = etag_for(
                version[0],
                request.get_full_path(),
                timezone.localdate().isoformat(),
                "authenticated" if request.user.is_authenticated else "anonymous",
                *variant,
            )
            if get_conditional_response(request, etag=tag) is not None:
                request.answered_from_cache = True
                return tagged(HttpResponseNotModified(), tag)
            caching = settings.ANSWER_CACHE_SECONDS > 0
            key = answer_key(request, version, *variant) if caching else None
            stored = cache.get(key) if caching else None
            if stored is not None:
                request.answered_from_cache = True
                content_type, content = stored
                return tagged(HttpResponse(content, content_type=content_type), tag)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if caching:
                cache.set(
                    key, (response["Content-Type"], response.content), settings.ANSWER_CACHE_SECONDS
                )
            return tagged(response, tag)

        return answer

    return decorate


def tagged(response, tag: str):
    response["ETag"] = tag
    response["Cache-Control"] = "no-cache"
    return response
