"""A fixture's citation links (what each quote states of its record, as export_fixture
writes them) load over stored ones, and load again with no change."""

import json

import pytest
from django.core.management import call_command

from negotiations import models
from tests import factories

pytestmark = pytest.mark.django_db


def link_entry(round_, citation, **fields) -> dict:
    return {
        "model": "negotiations.round_citations",
        "fields": {
            "citation": [citation.slug],
            "facets": fields.get("facets", ["date"]),
            "values": fields.get("values", {"date": {"start_date": "2025-04-28"}}),
            "reports_change": False,
            "round": [round_.slug],
        },
    }


def test_a_fixture_link_overwrites_the_stored_one_and_reloads_unchanged(tmp_path):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1)
    citation = factories.citation(quote="Talks next week.")
    round_.citations.add(citation)  # the whole record, as an old fixture cited it
    path = tmp_path / "links.json"
    path.write_text(json.dumps([link_entry(round_, citation)]))

    call_command("loaddata", str(path), verbosity=0)
    link = models.Round.citations.through.objects.get(round=round_, citation=citation)
    assert (link.facets, link.values) == (["date"], {"date": {"start_date": "2025-04-28"}})
    round_.refresh_from_db()
    updated, history = round_.updated, round_.history.count()

    call_command("loaddata", str(path), verbosity=0)  # the same file again: nothing moves
    round_.refresh_from_db()
    assert (round_.updated, round_.history.count()) == (updated, history)
    assert models.Round.citations.through.objects.filter(round=round_).count() == 1
