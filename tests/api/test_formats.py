"""Formats: ?format= is json or csv (anything else is a 400; csv at a JSON URL a 303 to its
CSV URL), writes answer JSON, and OPTIONS is answered with DRF's metadata in JSON whatever
format was asked for (CSV exports: test_csv.py)."""

import pytest

from negotiations import models
from tests import factories
from tests.contract import json_4xx

pytestmark = pytest.mark.django_db


def json_body(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def test_options_is_json_even_when_csv_is_asked_for(api):
    json_body(api.options("/api/v1/parties/", {"format": "csv"}))


def test_options_on_the_calendar_feed_is_json_metadata(api):
    """OPTIONS /deadlines.ics rendered DRF's metadata with the iCalendar renderer: a 500."""
    body = json_body(api.options("/api/v1/deadlines.ics"))
    assert body["name"]


def test_options_on_a_record_describes_it(editor):
    """DRF's OPTIONS calls get_object() as if for a PUT; it locked the row with
    SELECT ... FOR UPDATE outside a transaction, a 500 on PostgreSQL."""
    round_ = factories.round(factories.negotiation(), 1)
    body = json_body(editor.options(f"/api/v1/rounds/{round_.slug}/", HTTP_IF_MATCH='"stale"'))
    assert "PUT" in body["actions"]


def test_a_write_answers_json_only(editor):
    """A write asked for as CSV is refused before anything is written (406)."""
    response = editor.post(
        "/api/v1/parties/", {"name": "As CSV", "code": "CSV"}, format="json", HTTP_ACCEPT="text/csv"
    )
    json_4xx(response, 406)
    assert not models.Party.objects.filter(name="As CSV").exists()
    json_4xx(editor.post("/api/v1/parties/?format=csv", {}, format="json"), naming="format")


@pytest.mark.parametrize("value", ["", "xml", "api"])
def test_format_is_json_or_csv(api, value):
    """An empty ?format= was ignored, an unknown one a bare 404."""
    json_4xx(api.get("/api/v1/rounds/", {"format": value}), naming="format")
