"""The OpenAPI schema documents every endpoint and every query parameter the server accepts,
with its meaning; it validates without warnings, and its documentation pages load nothing
from a CDN."""

import re

import pytest

from tests.contract import parameters_of
from tests.helpers import LIST_PATHS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get(
            "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
    assert response.status_code == 200
    return response.json()


def parameters(schema, path, method="get"):
    return parameters_of(schema, path, method)


def test_the_schema_declares_its_server_and_its_own_example_urls(schema):
    """ReDoc showed DRF's example `http://api.example.org/accounts/?page=4`."""
    assert schema["servers"] == [
        {"url": "http://testserver", "description": "This server: the one that serves this schema."}
    ]
    page = schema["components"]["schemas"]["PaginatedRoundList"]["properties"]
    assert page["next"]["example"] == "http://testserver/api/v1/rounds/?page=4"
    assert "example.org" not in str(schema)


def test_the_schema_is_generated_once_per_process_and_server(api, settings, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    first = api.get("/api/v1/schema/?format=json")
    monkeypatch.setattr(SchemaGenerator, "get_schema", None)  # generating again would fail
    assert api.get("/api/v1/schema/?format=json").content == first.content
    monkeypatch.undo()
    settings.ALLOWED_HOSTS = ["testserver", "tracker.example"]
    elsewhere = api.get("/api/v1/schema/?format=json", HTTP_HOST="tracker.example")
    assert elsewhere.json()["servers"][0]["url"] == "http://tracker.example"


@pytest.mark.parametrize(
    ("path", "required"),
    [
        ("/api/v1/sparse/rounds/", True),
        ("/api/v1/sparse/people/{slug}/", True),
        ("/api/v1/rounds.csv", False),
        ("/api/v1/people/{slug}.csv", False),
    ],
)
def test_sparse_fields_are_documented_on_sparse_and_csv_urls(schema, path, required):
    fields = parameters(schema, path)["fields"]
    assert "comma-separated" in fields["description"]
    assert fields["required"] is required


@pytest.mark.parametrize("path", ["/api/v1/rounds/", "/api/v1/people/{slug}/"])
def test_json_urls_answer_every_field_and_do_not_offer_fields(schema, path):
    assert "fields" not in parameters(schema, path)


def test_computed_endpoints_do_not_claim_sparse_fields(schema):
    # The server refuses ?fields= there (400), so the schema must not offer it.
    assert "fields" not in parameters(schema, "/api/v1/rounds/{slug}/agenda-changes/")


def test_calendar_feed_documents_the_deadline_filters(schema):
    documented = parameters(schema, "/api/v1/deadlines.ics")
    assert {"negotiation", "upcoming", "within_days", "as_of", "updated_since"} <= set(documented)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/people/", "search"),
        ("/api/v1/rounds/", "party"),
        ("/api/v1/deadlines/", "upcoming"),
        ("/api/v1/rounds/{slug}/", "slug"),
    ],
)
def test_parameters_say_what_they_mean(schema, path, name):
    assert parameters(schema, path)[name].get("description")


def test_blank_text_is_valid_under_the_schema(schema):
    # "" must be valid where a text may be blank: it was `oneOf` a patterned text and "",
    # which refused "" (matching both; Schemathesis found a PUT with notes=""), then `anyOf`
    # (which code generators made two classes of): now the pattern, which takes "".
    notes = schema["components"]["schemas"]["PersonRequest"]["properties"]["notes"]
    assert notes["type"] == "string" and re.search(notes["pattern"], "")
    assert "oneOf" not in notes and "anyOf" not in notes


def test_calendar_feed_says_which_filters_may_be_empty(schema):
    # ?updated_since= (empty) means "not given" on the feed as on the lists.
    assert parameters(schema, "/api/v1/deadlines.ics")["updated_since"]["allowEmptyValue"]
    assert parameters(schema, "/api/v1/deadlines/")["updated_since"]["allowEmptyValue"]


def test_changes_feed_parameters_that_may_be_empty(schema, api):
    documented = parameters(schema, "/api/v1/changes/")
    assert documented["after"]["allowEmptyValue"]
    assert documented["page_size"]["allowEmptyValue"]
    response = api.get("/api/v1/changes/", {"since": "2025-01-01T00:00:00Z", "after": ""})
    assert response.status_code == 200


def test_openapi_schema_documents_every_endpoint(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in LIST_PATHS:
        assert f"/api/v1/{path}/" in paths
        assert f"/api/v1/{path}/{{slug}}/" in paths
    for path in [
        "/api/v1/rounds/{slug}/agenda-changes/",
        "/api/v1/rounds/compare/",
        "/api/v1/negotiations/{slug}/agenda-changes/",
        "/api/v1/negotiations/{slug}/agenda-matrix/",
        "/api/v1/agenda-areas/{slug}/history/",
        "/api/v1/deadlines.ics",
    ]:
        assert path in paths, path
    round_params = set(parameters_of(schema, "/api/v1/rounds/"))
    assert {
        "negotiation",
        "area",
        "start_date_after",
        "updated_since",
        "page_size",
        "ordering",
    } <= round_params
    compare_params = set(parameters_of(schema, "/api/v1/rounds/compare/"))
    assert {"from", "to"} <= compare_params
    citation_ref = schema["components"]["schemas"]["CitationRef"]
    assert set(citation_ref["properties"]) == {
        "slug",
        "source",
        "publisher",
        "quote",
        "published_on",
        "facets",
        "values",
        "reports_change",
    }


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_documentation_pages_use_no_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "fonts.googleapis.com" not in html
    assert "/static/drf_spectacular_sidecar/" in html or "/api/v1/redoc/redoc.standalone.js" in html


def test_the_redoc_bundle_refers_to_no_cdn(client):
    response = client.get("/api/v1/redoc/redoc.standalone.js")
    assert response.status_code == 200
    assert b"cdn.redoc.ly" not in response.content
    assert b"Redoc" in response.content


def test_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
