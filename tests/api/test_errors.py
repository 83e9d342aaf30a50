"""One error envelope for every 4xx and 5xx under /api/, whoever answers it (a view, DRF, or
Django's middleware), with a stable code per kind of error and the request ID."""

import contextlib
import logging
import sqlite3

import pytest
from django.db import DataError, OperationalError

from negotiations import models
from negotiations.api.errors import ERROR_CODES, error_items
from negotiations.request_id import RequestIDFilter
from tests import factories
from tests.contract import json_4xx

pytestmark = pytest.mark.django_db

ENVELOPE = {"status", "code", "detail", "errors", "request_id"}


@contextlib.contextmanager
def request_ids_logged(logger_name: str):
    """The request IDs of the lines a logger writes meanwhile, as its handlers see them."""
    logged = []

    class Collect(logging.Handler):
        def emit(self, record):
            logged.append(record.request_id)

    handler = Collect()
    handler.addFilter(RequestIDFilter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield logged
    finally:
        logger.removeHandler(handler)


def envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ENVELOPE
    assert (body["status"], body["code"]) == (status, code)
    assert ERROR_CODES[code][0] == status
    assert body["detail"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_an_unknown_query_parameter_names_it(api):
    body = envelope(api.get("/api/v1/rounds/", {"colour": "red"}), 400, "invalid_input")
    assert body["errors"] == [
        {
            "code": "unknown_parameter",
            "detail": body["errors"][0]["detail"],
            "field": "colour",
            "in": "query",
        }
    ]
    assert body["detail"].startswith("colour: Unknown query parameter.")


def test_body_fields_are_named_in_the_body(editor):
    body = envelope(
        editor.post("/api/v1/rounds/", {"sequence": "first"}, format="json"),
        400,
        "invalid_input",
    )
    by_field = {item["field"]: item for item in body["errors"]}
    assert by_field["title"]["code"] == "required"
    assert by_field["sequence"]["in"] == "body"
    assert {"negotiation", "title", "sequence"} <= set(by_field)


def test_model_errors_keep_their_codes():
    """A model ValidationError with a code (Django's own: `unique`, `invalid_choice`...)
    keeps it in the envelope; one without is `invalid`."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from negotiations.api.serializers import api_errors

    error = DjangoValidationError(
        {
            "slug": DjangoValidationError("Taken.", code="unique"),
            "__all__": DjangoValidationError("Clashes."),
        }
    )
    assert [(item["field"], item["code"]) for item in error_items(api_errors(error))] == [
        ("slug", "unique"),
        (None, "invalid"),
    ]


def test_unknown_fields_and_formats_have_their_codes(api):
    response = api.get("/api/v1/sparse/rounds/", {"fields": "slug,colour"})
    body = envelope(response, 400, "invalid_input")
    assert body["errors"][0]["code"] == "unknown_field"
    body = envelope(api.get("/api/v1/rounds/", {"format": "xml"}), 400, "invalid_input")
    assert body["errors"][0]["code"] == "unknown_format"


def test_malformed_json(editor):
    response = editor.post("/api/v1/sources/", "{nope", content_type="application/json")
    assert envelope(response, 400, "parse_error")["errors"] == []


def test_credentials(api, reader):
    envelope(api.post("/api/v1/sources/", {}, format="json"), 401, "not_authenticated")
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    envelope(api.get("/api/v1/rounds/"), 401, "authentication_failed")
    envelope(reader.post("/api/v1/sources/", {}, format="json"), 403, "permission_denied")


def test_not_found_from_the_api_and_from_django(api):
    envelope(api.get("/api/v1/rounds/no-such-round/"), 404, "not_found")
    envelope(api.get("/api/v1/no-such-resource/"), 404, "not_found")
    envelope(api.get("/api/v1/rounds/", {"page": "999"}), 404, "not_found")


@pytest.mark.parametrize("url", ["{round}", "/api/v1/changes/", "/api/v1/deadlines.ics"])
def test_a_method_the_url_does_not_take_is_a_405_even_anonymously(api, round_url, url):
    """It was a 401: the credentials were checked before the method."""
    response = api.post(url.format(round=round_url), {}, format="json")
    envelope(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_method_accept_and_content_type(editor, round_url):
    response = editor.post(round_url, {"title": "x"}, format="json")
    envelope(response, 405, "method_not_allowed")
    assert "PUT" in response["Allow"]
    envelope(editor.get(round_url, HTTP_ACCEPT="application/xml"), 406, "not_acceptable")
    response = editor.patch(round_url, "title=x", content_type="application/x-www-form-urlencoded")
    envelope(response, 415, "unsupported_media_type")


def test_conflicts(editor, round_url):
    party = factories.measure().imposing_party  # a measure refers to it
    response = editor.delete(f"/api/v1/parties/{party.slug}/")
    assert "refer to it" in envelope(response, 409, "still_referenced")["detail"]
    assert models.Party.objects.filter(slug=party.slug).exists()
    response = editor.patch(round_url, {"summary": "x"}, format="json", HTTP_IF_MATCH='"stale"')
    envelope(response, 412, "precondition_failed")


def test_a_body_too_large(editor, settings, round_url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = editor.patch(round_url, {"summary": "x" * 200}, format="json")
    envelope(response, 413, "payload_too_large")


def test_throttled(api, monkeypatch):
    monkeypatch.setenv("THROTTLE_ANON", "1/minute")
    api.get("/api/v1/parties/")
    response = api.get("/api/v1/parties/")
    envelope(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_a_server_error_is_json_with_the_request_id(api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("negotiations.api.conditional.current_data_version", broken)
    api.raise_request_exception = False
    body = envelope(api.get("/api/v1/rounds/", HTTP_X_REQUEST_ID="trace-500"), 500, "server_error")
    assert body["request_id"] == "trace-500"


def test_an_outage_inside_and_outside_the_api_views(api, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("negotiations.api.conditional.current_data_version", down)
    response = api.get("/api/v1/rounds/")
    envelope(response, 503, "database_unavailable")
    assert response["Retry-After"]


def test_a_value_the_database_refuses(editor, monkeypatch, round_url):
    def refuse(self, *args, **kwargs):
        raise DataError("value out of range")

    monkeypatch.setattr(models.Round, "save", refuse)
    body = envelope(editor.patch(round_url, {"summary": "x"}, format="json"), 400, "invalid_input")
    assert body["errors"][0]["field"] is None  # the request as a whole


def test_nested_fields_are_dotted_paths():
    detail = {"participants": [{}, {"person": ["Not a slug."]}], "non_field_errors": ["Both."]}
    assert error_items(detail) == [
        {"code": "invalid", "detail": "Not a slug.", "field": "participants.1.person", "in": None},
        {"code": "invalid", "detail": "Both.", "field": None, "in": None},
    ]


class TestRequestID:
    def test_every_answer_has_one(self, api, client):
        for response in (
            api.get("/api/v1/rounds/"),
            api.get("/api/v1/no-such-url/"),
            client.get("/healthz"),
            client.get("/dashboard/"),
        ):
            assert len(response["X-Request-ID"]) == 32, response

    def test_a_clients_own_id_is_kept(self, api):
        response = api.get("/api/v1/rounds/", HTTP_X_REQUEST_ID="dashboard-7f3a:42")
        assert response["X-Request-ID"] == "dashboard-7f3a:42"

    @pytest.mark.parametrize("sent", ["", "a b", "x" * 129, "<script>", "ünï"])
    def test_an_unusable_id_is_replaced(self, api, sent):
        response = api.get("/api/v1/rounds/", HTTP_X_REQUEST_ID=sent)
        assert response["X-Request-ID"] != sent
        assert len(response["X-Request-ID"]) == 32

    def test_log_lines_carry_it(self, editor, monkeypatch, round_url):
        def busy(self, *args, **kwargs):
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise OperationalError("database is locked") from error

        monkeypatch.setattr(models.Round, "save", busy)
        with request_ids_logged("negotiations.api.exceptions") as logged:
            response = editor.patch(
                round_url, {"summary": "x"}, format="json", HTTP_X_REQUEST_ID="find-me"
            )
        assert response.status_code == 503
        assert logged == ["find-me"]


def test_every_documented_code_has_a_status_and_a_meaning():
    for code, (status, meaning) in ERROR_CODES.items():
        # 301 (a renamed record) is no error, but its body is the envelope.
        assert (400 <= status < 600 or status == 301) and meaning, code


def test_djangos_own_error_log_line_carries_it(api):
    """Django logs "Not Found: ..." after the middleware has answered."""
    with request_ids_logged("django.request") as logged:
        api.get("/api/v1/no-such-url/", HTTP_X_REQUEST_ID="lost-404")
    assert logged == ["lost-404"]


def test_a_method_the_route_does_not_take_is_405(editor, round_url):
    """POST to a record's URL crashed (500) while checking query parameters."""
    response = editor.post(f"{round_url}?format=json", {"title": "x"}, format="json")
    json_4xx(response, 405)
    assert "PUT" in response["Allow"]


def test_an_unknown_api_url_is_a_json_404(api):
    """Django's HTML "Not Found" page answered URLs that match no API route."""
    json_4xx(api.get("/api/v1/rounds/%C2%84/"), 404)
    json_4xx(api.get("/api/v1/no-such-resource/"), 404)


def test_errors_are_json_when_csv_was_asked_for(api):
    """With ?format=csv, a 400 was rendered as a CSV table of the error messages."""
    json_4xx(api.get("/api/v1/rounds.csv?level=galactic"), naming="level")
