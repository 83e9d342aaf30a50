"""The serializers that document the domain's answers, made from their TypedDicts
(negotiations.domain.shapes): one declaration per shape. Each is named after its TypedDict
(RoundRef -> RoundRefSerializer, the schema component RoundRef)."""

import functools
import types
import typing

from rest_framework import serializers

from negotiations.domain.shapes import Doc


@functools.cache
def serializer_for(shape: type) -> type[serializers.Serializer]:
    """The Serializer class documenting a TypedDict, its fields in the TypedDict's order."""
    hints = typing.get_type_hints(shape, include_extras=True)
    fields = {name: field_for(hint) for name, hint in hints.items()}
    return type(
        f"{shape.__name__}Serializer",
        (serializers.Serializer,),
        {**fields, "__doc__": shape.__doc__, "__module__": __name__},
    )


def is_shape(hint) -> bool:
    return typing.is_typeddict(hint)


def field_for(hint, doc: Doc | None = None, allow_null: bool = False) -> serializers.Field:
    if typing.get_origin(hint) is typing.Annotated:
        base, *extras = typing.get_args(hint)
        found = next((extra for extra in extras if isinstance(extra, Doc)), None)
        return field_for(base, found or doc, allow_null)
    doc = doc or Doc()
    options = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in options:
        (inner,) = [option for option in options if option is not type(None)]
        return field_for(inner, doc, allow_null=True)
    common = {"help_text": doc.help} if doc.help else {}
    if allow_null:
        common["allow_null"] = True
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        if is_shape(item):
            return serializer_for(item)(many=True, **common)
        return serializers.ListField(child=field_for(item), **common)
    if is_shape(hint):
        return serializer_for(hint)(**common)
    if doc.format == "json":  # any JSON value, null included
        return serializers.JSONField(**{**common, "allow_null": True})
    if doc.choices is not None:
        return serializers.ChoiceField(choices=doc.choices, **common)
    by_format = {
        "slug": serializers.SlugField,
        "date": serializers.DateField,
        "date-time": serializers.DateTimeField,
    }
    if doc.format in by_format:
        return by_format[doc.format](**common)
    by_type = {
        str: serializers.CharField,
        int: serializers.IntegerField,
        bool: serializers.BooleanField,
    }
    if hint in by_type:
        return by_type[hint](**common)
    raise TypeError(f"No serializer field for {hint!r}")
