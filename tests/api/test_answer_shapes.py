"""The computed answers' shapes are declared once, as TypedDicts in the domain; the
serializers that document them in the schema are made from them (serializer_for)."""

from typing import Annotated, TypedDict

import pytest
from rest_framework import serializers

from negotiations.api.serializers.agenda import AgendaChangesSerializer
from negotiations.api.serializers.shapes import serializer_for
from negotiations.domain import agenda
from negotiations.domain.shapes import DATE, Doc, Slug


class Inner(TypedDict):
    slug: Slug


class Outer(TypedDict):
    """An answer."""

    title: Annotated[str, Doc("Its title.")]
    count: int
    flag: bool
    kind: Annotated[str | None, Doc(choices=["a", "b"])]
    day: Annotated[str | None, DATE]
    inner: Annotated[Inner | None, Doc("The inner one.")]
    inners: list[Inner]
    words: list[str]


def test_each_field_becomes_the_field_that_documents_it():
    made = serializer_for(Outer)
    fields = made().fields
    assert made.__name__ == "OuterSerializer" and made.__doc__ == "An answer."
    assert list(fields) == list(Outer.__annotations__)
    assert isinstance(fields["title"], serializers.CharField)
    assert fields["title"].help_text == "Its title."
    assert isinstance(fields["count"], serializers.IntegerField)
    assert isinstance(fields["flag"], serializers.BooleanField)
    assert isinstance(fields["kind"], serializers.ChoiceField) and fields["kind"].allow_null
    assert isinstance(fields["day"], serializers.DateField) and fields["day"].allow_null
    assert type(fields["inner"]).__name__ == "InnerSerializer" and fields["inner"].allow_null
    assert fields["inner"].help_text == "The inner one."
    assert isinstance(fields["inners"], serializers.ListSerializer)
    assert isinstance(fields["inners"].child.fields["slug"], serializers.SlugField)
    assert isinstance(fields["words"].child, serializers.CharField)
    assert serializer_for(Outer) is made  # one class per shape: one schema component


def test_a_type_it_cannot_document_fails_at_once():
    class Odd(TypedDict):
        amount: float

    with pytest.raises(TypeError, match="float"):
        serializer_for(Odd)


def test_the_agenda_answer_is_documented_from_its_typed_dict():
    documented = set(AgendaChangesSerializer().fields) - {"known_as_of"}
    assert documented == set(agenda.AgendaChanges.__annotations__)
