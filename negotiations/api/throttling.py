"""Rate limits for anonymous and authenticated clients, charged by what each answer cost,
one budget per client for the API and the dashboard alike.

THROTTLE_ANON and THROTTLE_USER take DRF rates ("600/minute"); "off" disables a limit. The
rate is a budget of units per window. An answer from the cache costs one unit; an answer
computed for the client costs one unit per THROTTLE_COST_MS milliseconds it took (at least
one): an area's history known as of a day no cache holds, at 400 ms, costs 40 units, a cached
read 1. So a client within its limit can take only so much of the server's time (600 units
of 10 ms: 6 s a minute), whatever it asks for. THROTTLE_COST_MS=0 makes every request cost
one unit, as a plain request count.

Counts live in the default cache: with Redis (REDIS_URL) one count per client for every
worker and container; with the local-memory cache of ``make run``, per process. Each limit
is a fixed window (a minute from the start of the minute, for "/minute") counted by atomic
increments of a key per client and window, so that concurrent requests on several workers
never lose a count. A request is admitted, and counts its first unit, if the client's count
is within its limit (``allow_request``); once answered, the rest of its cost is added
(``charge_answer``, from RateLimitMiddleware): what goes past the limit is carried into the
next window, so a client that ends a window in debt starts the next one with it. When the
cache cannot count (Redis unreachable), the request goes through.

Every answer under a limit says where the client stands, in the headers of the IETF draft
draft-ietf-httpapi-ratelimit-headers-07 (RateLimitMiddleware): ``RateLimit-Limit`` (units per
window), ``RateLimit-Remaining`` (once this answer's cost is counted), ``RateLimit-Reset``
(seconds until a unit is freed) and ``RateLimit-Policy`` (``600;w=60``). A throttled client
gets 429 with ``Retry-After``; the dashboard's pages take the same limits (``admit``).
A 304 Not Modified costs nothing (its admission is given back): revalidating an answer is
what clients that poll should do, and it costs the server one version lookup.
"""

import math
import os
from dataclasses import dataclass

from rest_framework import throttling
from rest_framework.settings import api_settings

from negotiations.access import client_address
from tracker.cache import CacheUnavailable

DEFAULT_RATES = {"anon": "600/minute", "user": "3000/minute"}
DEFAULT_COST_MS = "10"


def configured_rate(scope: str) -> str | None:
    rate = os.environ.get(f"THROTTLE_{scope.upper()}", DEFAULT_RATES[scope]).strip()
    return None if rate.lower() in {"", "off", "none", "0"} else rate


def cost_unit_seconds() -> float | None:
    """The server time one unit pays for (THROTTLE_COST_MS); None: every request is one."""
    raw = os.environ.get("THROTTLE_COST_MS", DEFAULT_COST_MS).strip().lower()
    if raw in {"", "off", "none", "0"}:
        return None
    return float(raw) / 1000


def answer_cost(seconds: float, from_cache: bool) -> int:
    """Units an answer costs: one from the cache, else one per THROTTLE_COST_MS it took."""
    unit = cost_unit_seconds()
    if from_cache or unit is None:
        return 1
    return max(1, math.ceil(seconds / unit))


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


def count_request(cache, key: str, window: int, amount: int = 1) -> int:
    """Count ``amount`` more (a request: one) under ``key``: the count so far, these
    included (atomic on Redis and in local memory). Raises CacheUnavailable when Redis
    cannot count."""
    if hasattr(cache, "count"):  # Redis (tracker.cache): one round trip
        return cache.count(key, timeout=window + 1, amount=amount)
    if cache.add(key, amount, timeout=window + 1):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, amount, timeout=window + 1)
        return amount


@dataclass
class Charge:
    """One limit a request was admitted under: where the rest of its cost goes."""

    cache: object
    key: str  # the client's key under this limit, without the window
    start: int  # the window the request was admitted in
    duration: int
    limit: int
    count: int  # the client's count once the request was admitted

    def add(self, units: int, now: float) -> RateLimit:
        """Add ``units`` to the window the request was admitted in; what goes past the
        limit is carried into the next window. Where the client stands then."""
        self.count = count_request(self.cache, f"{self.key}:{self.start}", self.duration, units)
        over = min(units, self.count - self.limit)
        end = self.start + self.duration
        reset = max(math.ceil(end - now), 1)
        if over > 0:
            carried = count_request(self.cache, f"{self.key}:{end}", 2 * self.duration, over)
            if carried >= self.limit:  # the next window is spent already
                reset += self.duration
        return self.state(reset)

    def state(self, reset: int) -> RateLimit:
        return RateLimit(
            limit=self.limit,
            remaining=max(self.limit - self.count, 0),
            reset=reset,
            window=self.duration,
        )


def closest_to_running_out(request, state: RateLimit) -> None:
    """Record ``state`` on the request if it leaves the client less than what is recorded:
    the headers tell the limit closest to running out."""
    current = getattr(request, "rate_limit", None)
    if current is None or state.remaining < current.remaining:
        request.rate_limit = state


def charge_answer(
    request, seconds: float, from_cache: bool, now: float, *, not_modified: bool = False
) -> None:
    """Charge an answered request the rest of its cost under every limit it was admitted
    under (a 304 Not Modified: give its admission back), and record where the client stands
    then (RateLimitMiddleware calls this)."""
    extra = -1 if not_modified else answer_cost(seconds, from_cache) - 1
    if extra == 0:
        return
    try:
        states = [charge.add(extra, now) for charge in request.rate_limit_charges]
    except CacheUnavailable:  # uncounted, as the request would have been
        return
    request.rate_limit = min(states, key=lambda state: state.remaining)


class RateLimitStateMixin:
    """A fixed-window count per client in the shared cache; the request's charges and
    where the client stands recorded on the (Django) request, for RateLimitMiddleware."""

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
        self.reset = max(math.ceil(start + self.duration - self.now), 1)
        allowed = count <= self.num_requests
        charge = Charge(self.cache, self.key, start, self.duration, self.num_requests, count)
        django_request = getattr(request, "_request", request)  # DRF's wraps Django's
        if allowed:
            charges = getattr(django_request, "rate_limit_charges", None)
            django_request.rate_limit_charges = [*(charges or []), charge]
        # DRF's user limit also counts anonymous clients (by address): the headers tell
        # the limit closest to running out.
        closest_to_running_out(django_request, charge.state(self.reset))
        return allowed

    def wait(self):
        return self.reset


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


def admit(request) -> int | None:
    """The API's limits applied to a request outside it (a dashboard page): None if the
    client may be answered, else the seconds it must wait. One budget per client: the same
    throttles and counts as the API's."""
    waits = []
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait())
    return max(waits) if waits else None
