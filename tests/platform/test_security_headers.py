"""Every answer of every kind carries the security headers: the pages and the API's answers,
and also the answers a middleware writes itself (Django's error pages replaced by JSON
under /api/, requests too big to answer, an outage, a method no view serves, a 429)."""

import pytest
from django.db import OperationalError
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response, what: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.get(name) == value, (what, name, dict(response.items()))
    policy = response.get("Content-Security-Policy", "")
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy, (what, policy)
    assert response.get("X-Request-ID"), what


def too_many_params(settings) -> str:
    return "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))


def test_answers_written_by_a_middleware(settings):
    """The JSON 404 that replaces Django's page under /api/ had no CSP, nosniff or
    X-Frame-Options: it was written by a middleware outside the ones that add them."""
    client = Client()
    answers = {
        "JSON 404 under /api/": client.get("/api/v1/nonexistent/"),
        "JSON 405 under /api/ (Django's)": client.post("/api/v1/"),
        "HTML 404": client.get("/no-such-page/"),
        "400 too many query parameters (API)": client.get(
            f"/api/v1/rounds/?{too_many_params(settings)}"
        ),
        "400 too many query parameters (page)": client.get(
            f"/dashboard/?{too_many_params(settings)}"
        ),
        "413 form body too large": client.post(
            "/admin/login/",
            {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "password": "x"},
        ),
    }
    assert [answer.status_code for answer in answers.values()] == [404, 405, 404, 400, 400, 413]
    for what, answer in answers.items():
        assert_secured(answer, what)


def test_answers_of_every_kind(api, client, monkeypatch):
    talks = factories.negotiation()
    factories.round(talks, 1, agenda={})
    answers = {
        "JSON list": api.get("/api/v1/rounds/"),
        "CSV list": api.get("/api/v1/rounds/?format=csv"),
        "calendar": api.get("/api/v1/deadlines.ics"),
        "400 JSON": api.get("/api/v1/rounds/?level=galactic"),
        "dashboard": client.get(f"/dashboard/{talks.slug}/"),
        "dashboard 400": client.get(f"/dashboard/{talks.slug}/?as_of=never"),
        "healthz": client.get("/healthz"),
        "redirect": client.get("/"),
        "admin login": client.get("/admin/login/"),
    }
    listed = answers["JSON list"]
    answers["304"] = api.get("/api/v1/rounds/", HTTP_IF_NONE_MATCH=listed["ETag"])
    monkeypatch.setenv("THROTTLE_ANON", "1/minute")
    api.get("/api/v1/parties/")
    answers["429"] = api.get("/api/v1/parties/")
    assert answers["304"].status_code == 304
    assert answers["429"].status_code == 429
    for what, answer in answers.items():
        assert_secured(answer, what)


def test_an_outage(api, client, monkeypatch):
    """The database gone, inside the API and on a page: a JSON 503, with the headers too."""

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("negotiations.api.conditional.current_data_version", down)
    monkeypatch.setattr("negotiations.dashboard.selectors.picker_page", down)
    for response in (api.get("/api/v1/rounds/"), client.get("/dashboard/")):
        assert response.status_code == 503
        assert_secured(response, f"503 {response.wsgi_request.path}")
