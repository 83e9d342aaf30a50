"""Rate limits for anonymous and authenticated clients, read from the environment.

THROTTLE_ANON and THROTTLE_USER take DRF rates ("120/minute"); "off" disables a limit.
Counts live in the default cache: with Redis (REDIS_URL) one count per client for every
worker and container; with the local-memory cache of ``make run``, per process.

Each limit is a fixed window (a minute from the start of the minute, for "/minute") counted by
one atomic increment of a key per client and window, so that concurrent requests on several
workers never lose a count (DRF's own throttles read a list of timestamps and write it back,
and two workers doing that at once keep only one of the two). A client may use its whole
quota at the end of one window and again at the start of the next. When the cache cannot
count (Redis unreachable), the request goes through.

Every answer under a limit says where the client stands, in the headers of the IETF draft
draft-ietf-httpapi-ratelimit-headers-07 (RateLimitHeadersMixin): ``RateLimit-Limit`` (requests
per window), ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until a request is freed)
and ``RateLimit-Policy`` (``600;w=60``). A throttled client gets 429 with ``Retry-After``.
A 304 Not Modified is not counted (``refund``): revalidating an answer is what clients that
poll should do, and it costs the server one version lookup.
"""

import math
import os
from dataclasses import dataclass, replace

from rest_framework import throttling

from negotiations.access import client_address
from tracker.cache import CacheUnavailable

DEFAULT_RATES = {"anon": "600/minute", "user": "3000/minute"}


def configured_rate(scope: str) -> str | None:
    rate = os.environ.get(f"THROTTLE_{scope.upper()}", DEFAULT_RATES[scope]).strip()
    return None if rate.lower() in {"", "off", "none", "0"} else rate


@dataclass(frozen=True)
class RateLimit:
    """Where a client stands against the limit that applies to it."""

    limit: int
    remaining: int
    reset: int  # seconds
    window: int  # seconds

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }


def count_request(cache, key: str, window: int) -> int:
    """Count one more request under ``key``: the count so far, this one included (atomic
    on Redis and in local memory). Raises CacheUnavailable when Redis cannot count."""
    if hasattr(cache, "count"):  # Redis (tracker.cache): one round trip
        return cache.count(key, timeout=window + 1)
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, 1, timeout=window + 1)
        return 1


class RateLimitStateMixin:
    """A fixed-window count per client in the shared cache, and where the client stands
    recorded on the request (for the RateLimit-* headers)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        start = int(self.now // self.duration) * self.duration
        try:
            count = count_request(self.cache, f"{self.key}:{start}", self.duration)
        except CacheUnavailable:
            return True
        # Kept for refund(): a 304 is given back (a client revalidating costs nothing).
        request.__dict__.setdefault("rate_limit_counts", []).append(
            (self.cache, f"{self.key}:{start}")
        )
        self.reset = max(math.ceil(start + self.duration - self.now), 1)
        allowed = count <= self.num_requests
        state = RateLimit(
            limit=self.num_requests,
            remaining=max(self.num_requests - count, 0),
            reset=self.reset,
            window=self.duration,
        )
        # DRF's user limit also counts anonymous clients (by address): the headers tell
        # the limit closest to running out.
        current = getattr(request, "rate_limit", None)
        if current is None or state.remaining < current.remaining:
            request.rate_limit = state
        return allowed

    def wait(self):
        return self.reset


def refund(request) -> None:
    """Give back the request's counts: it was answered 304 Not Modified, which costs the
    server one version lookup and the client nothing it did not have (the headers then
    show the quota as it was before the request)."""
    for cache, key in request.__dict__.pop("rate_limit_counts", ()):
        try:
            cache.incr(key, -1)
        except (ValueError, CacheUnavailable):  # expired since, or Redis unavailable
            continue
    state = getattr(request, "rate_limit", None)
    if state is not None:
        request.rate_limit = replace(state, remaining=min(state.remaining + 1, state.limit))


class AnonRateThrottle(RateLimitStateMixin, throttling.AnonRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)

    def get_ident(self, request):
        return client_address(request)


class UserRateThrottle(RateLimitStateMixin, throttling.UserRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)

    def get_ident(self, request):
        return client_address(request)
