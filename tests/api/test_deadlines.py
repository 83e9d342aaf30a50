"""Deadlines relative to as_of, and the iCalendar feed."""

import datetime

import icalendar
import pytest

from negotiations.domain.versioning import bump_data_version
from negotiations.models import Deadline
from tests import factories
from tests.contract import error_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    """Built talks: their deadlines are a tariff pause ending on 8 July 2025 (``pause``)
    and an election on 3 June 2025 (``election``)."""
    return factories.negotiation()


@pytest.fixture
def pause(talks):
    return factories.deadline(
        title="End of the reciprocal tariff pause",
        kind="legal_expiry",
        negotiation=talks,
        date=datetime.date(2025, 7, 8),
    ).slug


@pytest.fixture
def election(talks):
    return factories.deadline(
        title="Snap election",
        kind="political_event",
        negotiation=talks,
        date=datetime.date(2025, 6, 3),
    ).slug


def by_slug(response):
    assert response.status_code == 200, response.content
    return {item["slug"]: item for item in response.json()["results"]}


def test_days_remaining_and_status_relative_to_as_of(api, pause):
    deadlines = by_slug(api.get("/api/v1/deadlines/", {"as_of": "2025-05-16"}))
    assert deadlines[pause]["days_remaining"] == 53
    assert deadlines[pause]["deadline_status"] == "upcoming"
    assert (
        api.get(f"/api/v1/deadlines/{pause}/", {"as_of": "2025-07-08"}).json()["deadline_status"]
        == "due_today"
    )
    passed = api.get(f"/api/v1/deadlines/{pause}/", {"as_of": "2025-07-10"}).json()
    assert (passed["days_remaining"], passed["deadline_status"]) == (-2, "passed")


def test_upcoming_and_within_days(api, talks, pause, election):
    ours = {"negotiation": talks.slug}
    upcoming = by_slug(
        api.get("/api/v1/deadlines/", {**ours, "as_of": "2025-06-04", "upcoming": "true"})
    )
    assert pause in upcoming and election not in upcoming
    past = by_slug(
        api.get("/api/v1/deadlines/", {**ours, "as_of": "2025-06-04", "upcoming": "false"})
    )
    assert election in past and pause not in past
    soon = by_slug(
        api.get("/api/v1/deadlines/", {**ours, "as_of": "2025-05-16", "within_days": "30"})
    )
    assert set(soon) == {election}


def test_filters_by_negotiation_and_kind(api, talks, pause, election):
    elsewhere = factories.deadline(kind="political_event", negotiation=factories.negotiation())
    found = by_slug(api.get("/api/v1/deadlines/", {"kind": "political_event"}))
    assert {election, elsewhere.slug} <= set(found) and pause not in found
    assert all(item["kind"] == "political_event" for item in found.values())
    found = by_slug(api.get("/api/v1/deadlines/", {"negotiation": talks.slug}))
    assert set(found) == {pause, election}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"as_of": "16/05/2025"}, "as_of"),
        ({"within_days": "-1"}, "within_days"),
        ({"upcoming": "perhaps"}, "upcoming"),
        ({"kind": "deadline"}, "kind"),
    ],
)
def test_bad_deadline_parameters(api, query, parameter):
    response = api.get("/api/v1/deadlines/", query)
    assert response.status_code == 400
    assert parameter in error_messages(response)


def test_icalendar_feed(api, pause):
    response = api.get("/api/v1/deadlines.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    pause = events[f"deadline-{Deadline.objects.get(slug=pause).pk}@testserver"]
    assert pause.decoded("dtstart").isoformat() == "2025-07-08"
    assert pause.decoded("dtend").isoformat() == "2025-07-09"
    assert "reciprocal" in str(pause["summary"]).lower()


def test_icalendar_uids_are_stable_and_filters_apply(api, talks, pause, election):
    query = {"kind": "political_event", "negotiation": talks.slug}
    first = api.get("/api/v1/deadlines.ics", query).content
    second = api.get("/api/v1/deadlines.ics", query).content
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(first).walk("VEVENT")]
    assert uids == [f"deadline-{Deadline.objects.get(slug=election).pk}@testserver"]
    assert first == second


def calendar_uids(api) -> dict[str, str]:
    calendar = icalendar.Calendar.from_ical(api.get("/api/v1/deadlines.ics").content)
    return {str(event["summary"]): str(event["uid"]) for event in calendar.walk("VEVENT")}


def test_a_renamed_deadline_keeps_its_calendar_uid(api, editor, settings):
    """The UID was made of the slug: a rename made calendar apps see a new event (and keep
    the old one). It is the immutable id, in this deployment's domain."""
    settings.CALENDAR_UID_DOMAIN = "tracker.example.org"
    deadline = factories.deadline(title="A deadline to rename")
    before = calendar_uids(api)["A deadline to rename"]
    assert before == f"deadline-{deadline.pk}@tracker.example.org"
    Deadline.objects.filter(pk=deadline.pk).update(slug="tariff-pause-ends-renamed")
    bump_data_version()
    assert calendar_uids(api)["A deadline to rename"] == before


def test_icalendar_coarse_precision_spans_its_window_with_a_note(editor, api):
    created = editor.post(
        "/api/v1/deadlines/",
        {
            "title": "Summit window",
            "kind": "other",
            "date": "2025-06-01",
            "end_date": "2025-08-31",
            "date_precision": "season",
            "date_as_reported": "early summer",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    calendar = icalendar.Calendar.from_ical(api.get("/api/v1/deadlines.ics").content)
    event = next(e for e in calendar.walk("VEVENT") if "Summit window" in str(e["summary"]))
    assert event.decoded("dtend").isoformat() == "2025-09-01"
    assert "known only to the season" in str(event["description"])
    assert "early summer" in str(event["description"])


def test_icalendar_bad_filter_is_a_json_400(api):
    response = api.get("/api/v1/deadlines.ics", {"as_of": "not-a-date"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "as_of" in error_messages(response)
