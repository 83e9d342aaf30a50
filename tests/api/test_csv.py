"""CSV exports: the same columns on every page, and the page's place in the list."""

import csv
import io

import pytest

from tests.api.test_formats import LISTS

pytestmark = pytest.mark.django_db


def header_and_rows(response):
    assert response.status_code == 200, response.content
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


@pytest.mark.parametrize("path", LISTS)
def test_every_page_has_the_same_header(api, path):
    first, _ = header_and_rows(api.get(f"/api/v1/{path}/", {"format": "csv", "page_size": 1}))
    last, _ = header_and_rows(
        api.get(f"/api/v1/{path}/", {"format": "csv", "page_size": 1, "page": "last"})
    )
    everything, rows = header_and_rows(api.get(f"/api/v1/{path}/", {"format": "csv"}))
    assert first == last == everything
    assert rows, "the seed data has records of every kind"
    # No column is both an object and a value (a "speaker" beside "speaker.slug").
    assert not [c for c in everything if any(o.startswith(f"{c}.") for o in everything)]


def test_a_missing_nested_object_leaves_its_columns_empty(api):
    # Positions whose speaker is not known beside positions stated by a person.
    _, rows = header_and_rows(api.get("/api/v1/positions/", {"format": "csv", "page_size": 500}))
    speakers = {row["speaker.slug"] for row in rows}
    assert "" in speakers
    assert len(speakers) > 1


def test_csv_pages_say_where_they_are(api):
    response = api.get("/api/v1/citations/", {"format": "csv", "page_size": 10})
    total = api.get("/api/v1/citations/").json()["count"]
    assert response["X-Total-Count"] == str(total)
    assert 'rel="next"' in response["Link"]
    assert "page=2" in response["Link"]
    last = api.get("/api/v1/citations/", {"format": "csv", "page_size": 10, "page": "last"})
    assert 'rel="prev"' in last["Link"]
    assert 'rel="next"' not in last["Link"]
