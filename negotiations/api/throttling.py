"""Rate limits for anonymous and authenticated clients, read from the environment.

THROTTLE_ANON and THROTTLE_USER take DRF rates ("120/minute"); "off" disables a limit.
Counts live in the default cache (per process with the local-memory cache: with several
gunicorn workers each enforces the rate on its own; configure a shared cache to pool them).

Every answer under a limit says where the client stands, in the headers of the IETF draft
draft-ietf-httpapi-ratelimit-headers-07 (RateLimitHeadersMixin): ``RateLimit-Limit`` (requests
per window), ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until a request is freed)
and ``RateLimit-Policy`` (``600;w=60``). A throttled client gets 429 with ``Retry-After``.
"""

import math
import os
from dataclasses import dataclass

from rest_framework import throttling

from negotiations.access import client_address

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


class RateLimitStateMixin:
    """Records on the request where the client stands against this limit."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None) is not None:
            remaining = max(self.num_requests - len(self.history), 0)
            if allowed and self.history:
                reset = self.history[-1] + self.duration - self.now
            else:
                reset = self.wait() or 0
            state = RateLimit(
                limit=self.num_requests,
                remaining=remaining,
                reset=max(math.ceil(reset), 0),
                window=self.duration,
            )
            # DRF's user limit also counts anonymous clients (by address): the headers tell
            # the limit closest to running out.
            current = getattr(request, "rate_limit", None)
            if current is None or state.remaining < current.remaining:
                request.rate_limit = state
        return allowed


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
