"""CSV exports: every list and record as CSV at its own URL (rounds.csv, rounds/{slug}.csv;
asked for at the JSON URL, a 303 there), the same columns on every page, the page's place in
the list, and cells a spreadsheet cannot run."""

import csv
import io
import re

import pytest

from tests import factories
from tests.contract import json_4xx
from tests.helpers import LIST_PATHS

pytestmark = pytest.mark.django_db


def parse_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def header_and_rows(response):
    assert response.status_code == 200, response.content
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_page_has_the_same_header(api, path):
    first, _ = header_and_rows(api.get(f"/api/v1/{path}.csv", {"page_size": 1}))
    last, _ = header_and_rows(api.get(f"/api/v1/{path}.csv", {"page_size": 1, "page": "last"}))
    everything, rows = header_and_rows(api.get(f"/api/v1/{path}.csv"))
    assert first == last == everything
    assert rows, "the seed data has records of every kind"
    # No column is both an object and a value (a "speaker" beside "speaker.slug").
    assert not [c for c in everything if any(o.startswith(f"{c}.") for o in everything)]


def test_a_missing_nested_object_leaves_its_columns_empty(api):
    # Positions whose speaker is not known beside positions stated by a person.
    _, rows = header_and_rows(api.get("/api/v1/positions.csv", {"page_size": 500}))
    speakers = {row["speaker.slug"] for row in rows}
    assert "" in speakers
    assert len(speakers) > 1


def test_csv_pages_say_where_they_are(api):
    response = api.get("/api/v1/citations.csv", {"page_size": 10})
    total = api.get("/api/v1/citations/").json()["count"]
    assert response["X-Total-Count"] == str(total)
    assert 'rel="next"' in response["Link"]
    assert "page=2" in response["Link"]
    last = api.get("/api/v1/citations.csv", {"page_size": 10, "page": "last"})
    assert 'rel="prev"' in last["Link"]
    assert 'rel="next"' not in last["Link"]


# OWASP "CSV Injection": a cell a spreadsheet would read as a formula starts with one of these.
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3+cmd|' /C calc'!E2",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    '=1+2";=1+2',
]


def exported_source(api, title: str) -> tuple[str, dict]:
    """A source with this title, as the CSV export writes it: its line and its cells."""
    factories.source(title=title, publisher="CSV export test")
    response = api.get("/api/v1/sources.csv", {"publisher": "CSV export test"})
    assert response.status_code == 200, response.content
    text = response.content.decode()
    [row] = list(csv.DictReader(io.StringIO(text)))
    return text.split("\r\n")[1], row


@pytest.mark.parametrize("title", FORMULAS)
def test_text_that_a_spreadsheet_would_run_is_neutralised(api, title):
    _, row = exported_source(api, title)
    # A leading single quote makes the cell text; the value is otherwise intact.
    assert row["title"] == "'" + title


@pytest.mark.parametrize("title", ["Talks resume; =cmd|' /C calc'!A0", "Seoul, =1+2"])
def test_separators_inside_a_text_cell_stay_inside(api, title):
    # A spreadsheet splitting on ";" (many locales) or "," must not start a cell at "=":
    # every text cell is quoted, whatever it holds.
    line, row = exported_source(api, title)
    assert f'"{title}"' in line
    assert row["title"] == title


def test_ordinary_text_is_unchanged_and_quoted(api):
    line, row = exported_source(api, "Korea and U.S. agree on a July package")
    assert row["title"] == "Korea and U.S. agree on a July package"
    assert '"Korea and U.S. agree on a July package"' in line


def test_numbers_stay_numbers_even_when_negative(api):
    # days_remaining is computed by the API: a number (negative once a deadline has
    # passed), written unquoted and without a quote mark, so a spreadsheet sorts and sums it.
    response = api.get(
        "/api/v1/deadlines.csv", {"as_of": "2025-08-30", "fields": "days_remaining,slug"}
    )
    assert response.status_code == 200, response.content
    lines = response.content.decode().split("\r\n")[1:-1]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    numbers = [row["days_remaining"] for row in rows]
    assert numbers and all(re.fullmatch(r"-?\d+", number) for number in numbers), numbers
    assert any(number.startswith("-") for number in numbers)
    for line, number in zip(lines, numbers, strict=True):
        assert number in line.split(",")  # not '"-53"'


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_list_as_csv(api, path):
    rows = parse_csv(api.get(f"/api/v1/{path}.csv"))
    assert rows and "slug" in rows[0]
    assert len(rows) == api.get(f"/api/v1/{path}/").json()["count"] or len(rows) == 50


def test_csv_flattens_sensibly(api):
    talks = factories.negotiation()
    reported = factories.round(talks, 1, agenda={})
    item = factories.agenda_item(reported, "currency", factories.area(), slug="fx-policy")
    unknown = factories.round(talks, 2)
    rows = parse_csv(api.get("/api/v1/rounds.csv", {"negotiation": talks.slug}))
    first = next(r for r in rows if r["slug"] == reported.slug)
    assert first["negotiation.slug"] == talks.slug
    assert item.slug in first["agenda"]  # the agenda's items, in one cell
    second = next(r for r in rows if r["slug"] == unknown.slug)
    assert second["agenda"] == ""
    assert second["agenda_status"] == "not_reported"


def test_csv_respects_sparse_fields(api):
    rows = parse_csv(api.get("/api/v1/people.csv", {"fields": "slug,name"}))
    assert list(rows[0]) == ["slug", "name"]


@pytest.mark.parametrize(
    ("url", "headers", "location"),
    [
        ("/api/v1/rounds/?format=csv&page_size=2", {}, "/api/v1/rounds.csv?page_size=2"),
        (
            "/api/v1/rounds/?page_size=2",
            {"HTTP_ACCEPT": "text/csv"},
            "/api/v1/rounds.csv?page_size=2",
        ),
        ("/api/v1/rounds/?fields=slug&format=csv", {}, "/api/v1/rounds.csv?fields=slug"),
        ("/api/v1/rounds/{slug}/", {"HTTP_ACCEPT": "text/csv"}, "/api/v1/rounds/{slug}.csv"),
    ],
)
def test_csv_asked_for_at_the_json_url_is_a_303_to_the_csv_url(
    api, a_round, url, headers, location
):
    """One operation answering JSON or CSV typed every generated client's answer as a union
    of an object and a string: each has its own URL, and the JSON one sends CSV readers on."""
    response = api.get(url.format(slug=a_round.slug), **headers)
    assert response.status_code == 303, response.content
    assert response["Location"] == "http://testserver" + location.format(slug=a_round.slug)
    assert "Accept" in response["Vary"]
    assert parse_csv(api.get(response["Location"], **headers))


def test_a_record_as_csv(api, a_round):
    [row] = parse_csv(api.get(f"/api/v1/rounds/{a_round.slug}.csv"))
    assert row["slug"] == a_round.slug


def test_the_csv_url_is_csv_whatever_the_accept_header_and_its_errors_json(api):
    assert parse_csv(api.get("/api/v1/rounds.csv", HTTP_ACCEPT="application/json"))
    json_4xx(api.get("/api/v1/rounds.csv", {"level": "galactic"}), naming="level")
    json_4xx(api.get("/api/v1/rounds.csv", {"format": "json"}), naming="format")


def test_no_value_is_an_empty_cell_and_empty_text_a_quoted_one(api):
    """One rule for "no value", as in JSON: null (an agenda nobody reported, a choice not
    made) is an empty cell; empty text ("" venue) and an empty list are a quoted empty one.
    Both were written as "", so an unknown agenda read as an empty one."""
    talks = factories.negotiation()
    unknown = factories.round(talks, 1)
    empty = factories.round(talks, 2, agenda={})
    text = api.get(
        "/api/v1/rounds.csv",
        {"negotiation": talks.slug, "fields": "slug,agenda_basis,venue,agenda"},
    ).content.decode()
    lines = dict(line.split(",", 1) for line in text.split("\r\n")[1:-1])
    # The serializer's order: slug, venue, agenda_basis, agenda.
    assert lines[f'"{unknown.slug}"'] == '"",,'  # venue "", basis and agenda null
    assert lines[f'"{empty.slug}"'] == '"","discussed",""'  # the agenda reported empty


def test_raw_cells_on_request(api):
    """The spreadsheet-safety quote is for spreadsheets: a program asks for the values."""
    title = "=HYPERLINK(1)"
    factories.source(title=title, publisher="Raw CSV test")
    query = {"publisher": "Raw CSV test", "fields": "title"}
    [safe] = parse_csv(api.get("/api/v1/sources.csv", query))
    [raw] = parse_csv(api.get("/api/v1/sources.csv", {**query, "raw": "true"}))
    assert (safe["title"], raw["title"]) == (f"'{title}", title)
    json_4xx(api.get("/api/v1/sources.csv", {"raw": "yes"}), naming="raw")
