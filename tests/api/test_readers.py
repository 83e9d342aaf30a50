"""The fast readers give exactly what the serializers give (the schema's source of truth)."""

import datetime

import orjson
import pytest

from negotiations import models
from negotiations.api import readers
from negotiations.api.serializers import RoundSerializer
from negotiations.api.views import DeadlineViewSet, PersonViewSet, RoundViewSet
from tests import factories

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 5, 16)


def as_json(data):
    return orjson.loads(orjson.dumps(data))


def serialized(viewset, context=None):
    queryset = viewset.queryset.all()
    return as_json(viewset.serializer_class(queryset, many=True, context=context or {}).data)


def read(viewset, reader, *args):
    rows = list(
        viewset.queryset.select_related(None).prefetch_related(None).values(*reader.columns)
    )
    return as_json(reader(rows, *args))


def add_edge_cases():
    """Records that exercise nulls, empty agendas and unnamed participants."""
    talks = factories.negotiation()
    area = factories.area()
    factories.round(talks, 1, agenda={"energy": area}, start_date=None)
    factories.round(talks, 2, agenda={})
    person = models.Person.objects.create(slug="no-party", name="No Party")
    person.aliases.create(name="N. Party", kind="variant")


def test_rounds_reader_matches_serializer():
    add_edge_cases()
    assert read(RoundViewSet, readers.read_rounds) == serialized(RoundViewSet)


def test_deadlines_reader_matches_serializer():
    expected = serialized(DeadlineViewSet, {"as_of": AS_OF})
    assert read(DeadlineViewSet, readers.read_deadlines, AS_OF) == expected
    assert {d["deadline_status"] for d in expected} == {"upcoming"}


def test_people_reader_matches_serializer():
    add_edge_cases()
    assert read(PersonViewSet, readers.read_people) == serialized(PersonViewSet)


@pytest.mark.parametrize("fields", [{"slug"}, {"slug", "agenda"}, {"participants", "updated"}])
def test_sparse_rounds_reader_matches_sparse_serializer(fields):
    expected = serialized(RoundViewSet, {"sparse_fields": fields})
    assert read(RoundViewSet, readers.read_rounds, fields) == expected
    assert all(set(record) == fields for record in expected)


def test_api_response_has_the_serializer_fields_in_order(api, a_round, round_url):
    published = factories.source(published_on=datetime.date(2025, 5, 1))
    a_round.citations.add(factories.citation(published))  # known on 1 June
    url = round_url
    fields = list(RoundSerializer().fields)
    # Only in answers as known on a day.
    assert fields[-2:] == ["unknown_fields", "known_as_of"]
    assert list(api.get(url).json()) == fields[:-2]
    assert list(api.get(url, {"known_as_of": "2025-06-01"}).json()) == fields


@pytest.mark.parametrize("shape", [readers.ROUND, readers.DEADLINE, readers.PERSON])
def test_each_reader_answers_its_serializers_fields_in_order(shape):
    declared = [
        name
        for name in shape.serializer_class().fields
        if name not in ("known_as_of", "unknown_fields")
    ]
    assert [name for name, _ in shape.fields] == declared


def test_a_serializer_field_the_reader_does_not_give_fails_loudly():
    with pytest.raises(TypeError, match="agenda"):
        shape = readers.Shape(RoundSerializer, computed={"participants", "disputes", "citations"})
        _ = shape.fields
    with pytest.raises(TypeError, match="no such fields"):
        _ = readers.Shape(RoundSerializer, computed={"agenda", "colour"}).fields
