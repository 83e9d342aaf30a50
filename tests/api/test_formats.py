"""CSV for every list, CORS, the OpenAPI schema and its documentation pages."""

import csv
import io

import pytest
from django.test import override_settings

from tests.contract import parameters_of

pytestmark = pytest.mark.django_db

LISTS = [
    "parties",
    "organizations",
    "people",
    "negotiations",
    "rounds",
    "agenda-areas",
    "agenda-items",
    "deadlines",
    "measures",
    "positions",
    "sources",
    "citations",
    "conflicts",
]


def parse_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("path", LISTS)
def test_every_list_as_csv(api, path):
    rows = parse_csv(api.get(f"/api/v1/{path}/", {"format": "csv"}))
    assert rows and "slug" in rows[0]
    assert len(rows) == api.get(f"/api/v1/{path}/").json()["count"] or len(rows) == 50


def test_csv_by_accept_header_flattens_sensibly(api):
    rows = parse_csv(
        api.get(
            "/api/v1/rounds/", {"negotiation": "kr-us-tariff-talks-2025"}, HTTP_ACCEPT="text/csv"
        )
    )
    washington = next(r for r in rows if r["slug"] == "washington-2plus2-2025-04-24")
    assert washington["negotiation.slug"] == "kr-us-tariff-talks-2025"
    assert "currency-policy" in washington["agenda"] or "currency" in washington["agenda"]
    technical = next(r for r in rows if r["slug"] == "washington-technical-1-2025-05-01")
    assert technical["agenda"] == ""
    assert technical["agenda_status"] == "not_reported"


def test_csv_respects_sparse_fields(api):
    rows = parse_csv(api.get("/api/v1/people/", {"format": "csv", "fields": "slug,name"}))
    assert list(rows[0]) == ["slug", "name"]


@override_settings(CORS_ALLOWED_ORIGINS=["https://dashboard.example.org"])
def test_cors_for_configured_dashboards(api):
    allowed = api.get("/api/v1/rounds/", HTTP_ORIGIN="https://dashboard.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    other = api.get("/api/v1/rounds/", HTTP_ORIGIN="https://elsewhere.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_openapi_schema_documents_every_endpoint(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in LISTS:
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
    assert set(citation_ref["properties"]) == {"slug", "source", "publisher", "quote"}


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
