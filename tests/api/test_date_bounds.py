"""Every date the API writes is within 1900-2100, refused with a 400 naming the field
otherwise; and what the model allows, the calendar and the lists render.

A deadline dated 9999-12-31 (one valid edit) made /api/v1/deadlines.ics a 500 for everyone:
the event's end, the day after, overflowed."""

import datetime

import pytest

from negotiations import models
from negotiations.models.base import EARLIEST_DATE, LATEST_DATE
from tests import factories
from tests.contract import json_4xx

pytestmark = pytest.mark.django_db

FAR = ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"]


def record_url(kind: str) -> tuple[str, dict]:
    """A record of ``kind`` built for the test, its URL, and what it holds besides dates."""
    talks = factories.negotiation()
    if kind == "rounds":
        return f"/api/v1/rounds/{factories.round(talks, 1).slug}/", {}
    if kind == "deadlines":
        return f"/api/v1/deadlines/{factories.deadline(negotiation=talks).slug}/", {}
    if kind == "measures":
        return f"/api/v1/measures/{factories.measure(negotiation=talks).slug}/", {}
    if kind == "positions":
        position = models.Position.objects.create(
            slug=factories.unique("position"),
            party=talks.parties.first(),
            kind="statement",
            summary="Said.",
        )
        return f"/api/v1/positions/{position.slug}/", {}
    return f"/api/v1/sources/{factories.source().slug}/", {}


DATE_FIELDS = [
    ("rounds", "start_date"),
    ("rounds", "end_date"),
    ("deadlines", "date"),
    ("deadlines", "end_date"),
    ("measures", "announced_on"),
    ("measures", "start_date"),
    ("measures", "end_date"),
    ("positions", "stated_on"),
    ("sources", "published_on"),
    ("sources", "published_on_end"),
]


@pytest.mark.parametrize(("kind", "field"), DATE_FIELDS)
@pytest.mark.parametrize("far", FAR)
def test_a_far_date_is_a_400_naming_the_field(editor, kind, field, far):
    url, _ = record_url(kind)
    before = editor.get(url).json()
    messages = json_4xx(editor.patch(url, {field: far}, format="json"), naming=field)
    assert "1900" in messages[field][0] and "2100" in messages[field][0]
    assert editor.get(url).json()[field] == before[field]  # nothing written


@pytest.mark.parametrize("field", ["published_at", "updated_at"])
@pytest.mark.parametrize("far", ["9999-12-31T12:00:00Z", "0001-01-01T00:00:00Z"])
def test_a_far_time_of_a_source_is_a_400_naming_it(editor, field, far):
    url, _ = record_url("sources")
    json_4xx(editor.patch(url, {field: far}, format="json"), naming=field)


def test_creating_a_deadline_in_year_9999_is_refused(editor):
    """The probe's edit: it was a 201, and the calendar then a 500 for everyone."""
    body = {"title": "The end of time", "kind": "other", "date": "9999-12-31"}
    json_4xx(editor.post("/api/v1/deadlines/", body, format="json"), naming="date")
    assert api_calendar_ok(editor)


def api_calendar_ok(client) -> bool:
    response = client.get("/api/v1/deadlines.ics")
    return response.status_code == 200


def test_the_bounds_themselves_are_dates_like_any_other(editor):
    url, _ = record_url("rounds")
    response = editor.patch(
        url,
        {
            "start_date": EARLIEST_DATE.isoformat(),
            "end_date": LATEST_DATE.isoformat(),
            "date_precision": "day",
        },
        format="json",
    )
    assert response.status_code == 200, response.content


def test_the_calendar_and_lists_render_every_date_the_model_allows(api):
    """Deadlines on the first and the last day allowed, one-day and coarse (a window that
    ends on the last day allowed: the event ends the day after)."""
    talks = factories.negotiation()
    for slug, date, end, precision in [
        ("first-day", EARLIEST_DATE, None, "day"),
        ("last-day", LATEST_DATE, None, "day"),
        ("last-month", datetime.date(2100, 12, 1), LATEST_DATE, "month"),
        ("last-year", datetime.date(2100, 1, 1), LATEST_DATE, "year"),
    ]:
        factories.deadline(
            slug=slug, negotiation=talks, date=date, end_date=end, date_precision=precision
        )
    calendar = api.get("/api/v1/deadlines.ics", {"negotiation": talks.slug})
    assert calendar.status_code == 200, calendar.content[:500]
    text = calendar.content.decode()
    assert "DTEND;VALUE=DATE:21010101" in text
    assert "DTSTART;VALUE=DATE:19000101" in text
    for as_of in (EARLIEST_DATE, LATEST_DATE):
        listed = api.get("/api/v1/deadlines/", {"negotiation": talks.slug, "as_of": as_of})
        assert listed.status_code == 200
        assert len(listed.json()["results"]) == 4
