"""Rate limits for anonymous and authenticated clients, read from the environment.

THROTTLE_ANON and THROTTLE_USER take DRF rates ("120/minute"); "off" disables a limit.
Counts live in the default cache (per process with the local-memory cache: with several
gunicorn workers each enforces the rate on its own; configure a shared cache to pool them).
A throttled client gets 429 with a Retry-After header.
"""

import os

from rest_framework import throttling

from negotiations.access import client_address

DEFAULT_RATES = {"anon": "600/minute", "user": "3000/minute"}


def configured_rate(scope: str) -> str | None:
    rate = os.environ.get(f"THROTTLE_{scope.upper()}", DEFAULT_RATES[scope]).strip()
    return None if rate.lower() in {"", "off", "none", "0"} else rate


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)

    def get_ident(self, request):
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)

    def get_ident(self, request):
        return client_address(request)
