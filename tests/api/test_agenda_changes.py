"""The agenda-change endpoints refuse what they cannot compare: a comparison needs two known
rounds, and an unknown round, negotiation or area is a 404 (their answers on the seed's
story: tests/end_to_end/test_agenda_story.py; on built data: tests/domain/)."""

import pytest

from tests.contract import json_4xx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"to": "{round}"}, "from"),
        ({"from": "nope", "to": "{round}"}, "from"),
        ({"from": "{round}"}, "to"),
    ],
)
def test_compare_needs_two_known_rounds(api, a_round, query, parameter):
    query = {name: value.format(round=a_round.slug) for name, value in query.items()}
    json_4xx(api.get("/api/v1/rounds/compare/", query), naming=parameter)


def test_computed_endpoints_404_for_unknown_slugs(api):
    assert api.get("/api/v1/rounds/nope/agenda-changes/").status_code == 404
    assert api.get("/api/v1/negotiations/nope/agenda-matrix/").status_code == 404
    assert api.get("/api/v1/agenda-areas/nope/history/").status_code == 404
