"""Regression tests for what Schemathesis found against the live schema (.ci/schemathesis.sh).

Each test names the finding; the fix is in negotiations/api/ or negotiations/middleware.py.
"""

import json

import pytest
from django.db import DataError, OperationalError
from drf_spectacular.generators import SchemaGenerator

from negotiations import models
from tests.contract import error_messages, parameters_of

pytestmark = pytest.mark.django_db

JEJU = "/api/v1/rounds/jeju-ministerial-2025-05-16/"
WASHINGTON = "washington-2plus2-2025-04-24"


def json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return error_messages(response) if status >= 400 else response.json()


# --- Server errors (500) -------------------------------------------------------------------


def test_options_on_the_calendar_feed_is_json_metadata(api):
    """OPTIONS /deadlines.ics rendered DRF's metadata with the iCalendar renderer: a 500."""
    body = json_error(api.options("/api/v1/deadlines.ics"), 200)
    assert body["name"]


def test_options_on_a_record_describes_it(editor):
    """DRF's OPTIONS calls get_object() as if for a PUT; it locked the row with
    SELECT ... FOR UPDATE outside a transaction, a 500 on PostgreSQL."""
    body = json_error(editor.options(JEJU, HTTP_IF_MATCH='"stale"'), 200)
    assert "PUT" in body["actions"]


def test_a_method_the_route_does_not_take_is_405(editor):
    """POST to a record's URL crashed (500) while checking query parameters."""
    response = editor.post(f"{JEJU}?format=json", {"title": "x"}, format="json")
    json_error(response, 405)
    assert "PUT" in response["Allow"]


@pytest.mark.parametrize(
    "query", [{"from": "a\x00b", "to": "jeju-ministerial-2025-05-16"}, {"from": "a b", "to": "x"}]
)
def test_a_slug_with_a_nul_character_is_a_400(api, query):
    """A NUL in rounds/compare/?from= reached PostgreSQL, which refuses it: a 500."""
    assert "from" in json_error(api.get("/api/v1/rounds/compare/", query), 400)


def test_a_related_slug_with_a_nul_character_is_a_400(editor):
    body = json_error(
        editor.patch(JEJU, {"negotiation": "kr-us\x00"}, format="json"),
        400,
    )
    assert "negotiation" in body


def test_a_lone_surrogate_in_text_is_a_400(editor):
    """ "\\ud800" is valid JSON but no text: PostgreSQL cannot encode it (a 500)."""
    body = json.dumps({"summary": "broken \ud800 text"})
    response = editor.patch(JEJU, body, content_type="application/json")
    assert "summary" in json_error(response, 400)


def test_a_value_the_database_refuses_is_a_400_not_a_500(editor, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise DataError("value out of range")

    monkeypatch.setattr(models.Round, "save", refuse)
    assert "non_field_errors" in json_error(
        editor.patch(JEJU, {"summary": "x"}, format="json"), 400
    )


class TransientError(Exception):
    sqlstate = "40P01"  # deadlock_detected


def deadlock():
    error = OperationalError("deadlock detected")
    error.__cause__ = TransientError()
    return error


def test_a_write_aborted_as_a_deadlock_is_retried(editor, monkeypatch):
    """Concurrent writes on PostgreSQL deadlocked and the loser got a 503 ("database
    unavailable"): the write is now retried in a new transaction."""
    original, calls = models.Round.save, []

    def deadlock_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise deadlock()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(models.Round, "save", deadlock_once)
    response = editor.patch(JEJU, {"summary": "Retried."}, format="json")
    assert response.status_code == 200, response.content
    assert models.Round.objects.get(slug="jeju-ministerial-2025-05-16").summary == "Retried."


def test_a_write_that_keeps_deadlocking_is_a_409(editor, monkeypatch):
    def always(self, *args, **kwargs):
        raise deadlock()

    monkeypatch.setattr(models.Round, "save", always)
    response = editor.patch(JEJU, {"summary": "Never."}, format="json")
    json_error(response, 409)
    assert response.json()["code"] == "concurrent_write"
    assert "same time" in response.json()["detail"]


# --- Answers that contradicted the schema ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/rounds/?level=galactic", 400),
        ("/api/v1/rounds/?page=0", 400),
        ("/api/v1/rounds/no-such-round/agenda-changes/", 404),
        ("/api/v1/rounds/compare/?from=nope&to=nope", 400),
    ],
)
def test_if_none_match_star_never_hides_an_error(api, url, status):
    """If-None-Match: * was answered 304 before the request was validated."""
    json_error(api.get(url, HTTP_IF_NONE_MATCH="*"), status)


def test_if_none_match_star_on_a_valid_request_is_304(api):
    response = api.get(JEJU, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 304
    assert response["ETag"] == api.get(JEJU)["ETag"]


def test_an_unknown_api_url_is_a_json_404(api):
    """Django's HTML "Not Found" page answered URLs that match no API route."""
    json_error(api.get("/api/v1/rounds/%C2%84/"), 404)
    json_error(api.get("/api/v1/no-such-resource/"), 404)


def test_errors_are_json_when_csv_was_asked_for(api):
    """With ?format=csv, a 400 was rendered as a CSV table of the error messages."""
    assert "level" in json_error(api.get("/api/v1/rounds/?format=csv&level=galactic"), 400)


@pytest.mark.parametrize("value", ["", "xml", "api"])
def test_format_is_json_or_csv(api, value):
    """An empty ?format= was ignored, an unknown one a bare 404."""
    assert "format" in json_error(api.get("/api/v1/rounds/", {"format": value}), 400)


def test_a_write_refuses_unknown_query_parameters(editor):
    """A DELETE with ?format= (empty) or another parameter went through (204)."""
    response = editor.delete("/api/v1/deadlines/tariff-pause-expiry-2025-07-08/?format=")
    json_error(response, 400)
    response = editor.delete("/api/v1/deadlines/tariff-pause-expiry-2025-07-08/?force=1")
    assert "force" in json_error(response, 400)
    assert models.Deadline.objects.filter(slug="tariff-pause-expiry-2025-07-08").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"summary": 0}, "summary"),  # DRF made it "0"
        ({"citations": {}}, "citations"),  # DRF made it []
        ({"negotiation": ""}, "negotiation"),  # DRF made it null
        ({"sequence": "4"}, "sequence"),  # DRF made it 4
        ({"citations": ["", None]}, "citations"),
    ],
)
def test_json_types_are_those_of_the_schema(editor, payload, field):
    before = models.Round.objects.get(slug="jeju-ministerial-2025-05-16").updated
    assert field in json_error(editor.patch(JEJU, payload, format="json"), 400)
    assert models.Round.objects.get(slug="jeju-ministerial-2025-05-16").updated == before


def test_a_type_error_is_reported_with_the_other_errors(editor):
    body = json_error(
        editor.post("/api/v1/rounds/", {"sequence": "first", "level": "galactic"}, format="json"),
        400,
    )
    assert {"sequence", "level", "negotiation", "title"} <= set(body)


def test_a_decimal_may_be_a_string(editor):
    response = editor.patch(
        "/api/v1/measures/us-reciprocal-tariff-kr-25/", {"rate_percent": "12.5"}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_writes_are_json_only(editor, content_type):
    """Form bodies cannot say null, a number or a list of slugs as the schema types them."""
    json_error(editor.patch(JEJU, "summary=x", content_type=content_type), 415)


# --- The schema ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_every_operation_documents_its_error_answers(schema):
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        assert {"400", "401", "404", "429", "503"} <= documented, (method, path)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            assert {"403", "409"} <= documented, (method, path)
        if method in ("POST", "PUT", "PATCH"):
            assert {"413", "415"} <= documented, (method, path)
        if method in ("PUT", "PATCH", "DELETE"):
            assert "412" in documented, (method, path)
            assert "If-Match" in {p["name"] for p in operation["parameters"]}, (method, path)


def test_reads_need_no_credentials_and_writes_do(schema):
    """GETs declared token or session authentication only: anonymous reads looked forbidden.
    Then `[token, cookie, {}]`, which generators read as "authenticated": now reads declare
    no security requirement at all, and writes a token or a session."""
    for path, method, operation in operations(schema):
        if method == "GET":
            assert "security" not in operation, (method, path)
        else:
            assert operation["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], path


def test_audit_history_is_a_plain_list_without_list_parameters(schema):
    """It was documented as a paginated, filterable list (and the filters were a 400)."""
    operation = schema["paths"]["/api/v1/rounds/{slug}/audit-history/"]["get"]
    assert {p["name"] for p in operation["parameters"]} <= {
        "slug",
        "If-None-Match",
        "If-Modified-Since",
    }
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )


def test_a_participant_without_an_organization_is_null(schema, api):
    participant = schema["components"]["schemas"]["Participant"]["properties"]
    assert participant["organization"]["type"] == ["string", "null"]
    assert participant["person"]["oneOf"][1] == {"type": "null"}


def test_updates_do_not_document_the_slug(schema):
    """A slug never changes (a different one is a 400): updates no longer document it."""
    patched = schema["components"]["schemas"]["PatchedRoundRequest"]["properties"]
    assert "slug" not in patched
    assert "slug" in schema["components"]["schemas"]["RoundRequest"]["properties"]


def test_bounds_and_patterns_are_documented(schema):
    parameters = parameters_of(schema, "/api/v1/rounds/")
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["maximum"] == 500
    assert parameters["page"]["schema"]["minimum"] == 1
    assert "start_date" in parameters["ordering"]["schema"]["pattern"]
    assert parameters["negotiation"]["schema"]["items"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert parameters["updated_since"]["allowEmptyValue"] is True
    assert "allowEmptyValue" not in parameters["negotiation"]


@pytest.mark.parametrize("path", ["people", "rounds", "positions"])
def test_a_nul_in_a_slug_filter_is_a_400(api, path):
    filter_name = {"people": "party", "rounds": "negotiation", "positions": "speaker"}[path]
    assert filter_name in json_error(api.get(f"/api/v1/{path}/", {filter_name: "a\x00b"}), 400)
