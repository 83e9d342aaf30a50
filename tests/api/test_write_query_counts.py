"""A write answers with the record read again in a fixed number of queries, however much it
embeds: DRF's own update drops the prefetched relations and reloads them one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


def busy_round(items: int):
    """A round with ``items`` agenda items, each mapped and cited."""
    talks = factories.negotiation()
    agenda = {f"item {index}": factories.area() for index in range(items)}
    round_ = factories.round(talks, 1, agenda=agenda)
    for item in round_.agenda_items.all():
        item.citations.add(factories.citation())
    return round_


def patch_round(editor, items: int) -> int:
    """The queries of a PATCH of a round with ``items`` agenda items."""
    round_ = busy_round(items)
    with CaptureQueriesContext(connection) as queries:
        response = editor.patch(
            f"/api/v1/rounds/{round_.slug}/", {"summary": "Edited."}, format="json"
        )
    assert response.status_code == 200
    assert len(response.json()["agenda"]) == items
    assert response.json()["summary"] == "Edited."
    return len(queries)


def test_patching_a_round_costs_the_same_whatever_its_agenda(editor):
    # Token auth, the locked row, validation (the model's checks), the update, its audit
    # rows, the data version, and the round read again like a GET: about 30, at most 35.
    few, many = patch_round(editor, 2), patch_round(editor, 12)
    assert few == many <= 35


def test_a_created_record_is_answered_as_a_get_would(editor, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):
        created = editor.post(
            "/api/v1/sources/", {"title": "A new article", "publisher": "Wire"}, format="json"
        )
    assert created.status_code == 201
    assert editor.get(created["Location"]).json() == created.json()
