"""Who is asking: the client's address (for rate limits and the login lockout) and the
answer to a locked-out login."""

import math

from axes.helpers import get_cool_off
from django.shortcuts import render
from rest_framework.settings import api_settings


def client_address(request) -> str | None:
    """The client's address: the connection's, or with NUM_PROXIES set the one the nearest
    trusted proxy appended to X-Forwarded-For (DRF's rule for its throttles), so that a
    client cannot pick its own address by sending the header."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = api_settings.NUM_PROXIES  # settings.NUM_PROXIES, as REST_FRAMEWORK holds it
    if not proxies or not forwarded:
        return request.META.get("REMOTE_ADDR")
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip()


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login attempt while locked out: a 429 with Retry-After and
    the admin's login page look, saying when to try again."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60)
    response = render(
        request,
        "admin/locked_out.html",
        {"title": "Too many failed logins", "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
