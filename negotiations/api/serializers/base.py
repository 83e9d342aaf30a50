"""RecordSerializer, the base of every resource's serializer: validation through the model's
own full_clean() (the API and the admin enforce the same rules; a rule the database
enforces is a 400 naming the field), text hygiene, and writes through
negotiations.domain.writes."""

import copy
import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from negotiations.api.serializers.fields import OptionalChoiceField
from negotiations.domain import writes
from negotiations.domain.provenance import validate_link
from negotiations.domain.slugs import RESERVED, unique_slug

# --- Base serializer ----------------------------------------------------------------------------


def api_errors(error: DjangoValidationError) -> dict:
    """A model ValidationError as a DRF error body: field -> messages, each keeping the
    model's code (`unique`, `invalid_choice`, ...) for the error envelope."""

    def details(errors) -> list[ErrorDetail]:
        return [
            ErrorDetail(message, code=each.code or "invalid")
            for each in errors
            for message in each.messages
        ]

    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: details(error.error_list)}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: details(errors)
        for field, errors in error.error_dict.items()
    }


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A lone UTF-16 surrogate ("\ud800" in JSON) is no character: no database can store it.
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
MAX_TEXT_LENGTH = 20_000


def no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise serializers.ValidationError(
            "Control characters are not allowed (tabs and line breaks are)."
        )
    if LONE_SURROGATES.search(value):
        raise serializers.ValidationError("Lone UTF-16 surrogates are not text.")


def json_type_problem(field, value) -> str | None:
    """Why a JSON value does not have the type the schema gives this field, if it does not."""
    if value is None:
        return None  # DRF's own "may not be null" applies
    if isinstance(field, serializers.ManyRelatedField | serializers.MultipleChoiceField):
        if isinstance(field, serializers.MultipleChoiceField):
            return None if isinstance(value, list) else "Expected a list."
        if not isinstance(value, list):
            return "Expected a list of slugs."
        # A citation may also be an object saying what its quote states (CitationRefField).
        objects_too = getattr(field.child_relation, "link_keys", None) is not None
        if not all(
            (isinstance(item, str) and item) or (objects_too and isinstance(item, dict))
            for item in value
        ):
            if objects_too:
                return "Expected a list of citation slugs or {citation, facets, values} objects."
            return "Expected a list of slugs (non-empty strings)."
        return None
    if isinstance(field, serializers.RelatedField):
        return None if isinstance(value, str) and value else "Expected a slug (a non-empty string)."
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Expected true or false."
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "Expected a whole number."
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        # A decimal may also come as a string ("12.5"), which keeps its exact digits.
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return None if ok else "Expected a number."
    if isinstance(field, serializers.JSONField | serializers.ListField | serializers.DictField):
        return None
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return None if isinstance(value, str) else "Expected a string."
    if isinstance(field, serializers.DateTimeField | serializers.TimeField):
        return None if isinstance(value, str) else "Expected a string."
    return None


class RecordSerializer(serializers.ModelSerializer):
    """Base for every resource: slugs, sparse fields and model validation.

    * ``slug`` may be omitted on create (the domain's rule makes it: negotiations.domain.slugs)
      and never changes.
    * ``?fields=a,b`` (validated by the view) trims the top-level fields of a response.
    * ``validate()`` runs the model's full_clean() on the would-be instance.
    """

    id = serializers.IntegerField(
        read_only=True, help_text="The record's id: it never changes, whatever its slug."
    )

    class Meta:
        read_only_fields = ["id", "created", "updated"]
        extra_kwargs = {"slug": {"required": False}}
        # Multi-field uniqueness is checked by the model's full_clean() in validate(),
        # which reports every error at once and names the field.
        validators = []

    def build_standard_field(self, field_name, model_field):
        """Text input is bounded and free of control characters, whatever the model says; a
        choice that may be left empty is null when it is (OptionalChoiceField)."""
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.ChoiceField and field_kwargs.get("allow_blank"):
            # A choice with no value is null, like every other missing value.
            return OptionalChoiceField, field_kwargs
        if issubclass(field_class, serializers.CharField):
            field_kwargs["validators"] = [
                *field_kwargs.get("validators", []),
                no_control_characters,
            ]
            field_kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        return field_class, field_kwargs

    def get_fields(self):
        fields = super().get_fields()
        wanted = self.context.get("sparse_fields")
        is_root = self.parent is None or (
            isinstance(self.parent, serializers.ListSerializer) and self.parent.parent is None
        )
        if wanted and is_root:
            return {name: field for name, field in fields.items() if name in wanted}
        return fields

    def to_internal_value(self, data):
        """JSON types exactly as the schema states them: DRF would turn 0 into "0", {} into
        an empty list and "" into null; here they are a 400 naming the field."""
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        errors = {}
        for name, field in self.fields.items():
            if name in data and not field.read_only:
                problem = json_type_problem(field, data[name])
                if problem:
                    errors[name] = [problem]
        if not errors:
            return super().to_internal_value(data)
        # Report the other fields' errors too, as for any invalid request.
        try:
            super().to_internal_value({k: v for k, v in data.items() if k not in errors})
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict):
                errors = {**error.detail, **errors}
        raise serializers.ValidationError(errors)

    def create(self, validated_data):
        fields, links = split_links(self.Meta.model, validated_data)
        return writes.create_record(model=self.Meta.model, fields=fields, links=links)

    def update(self, instance, validated_data):
        fields, links = split_links(self.Meta.model, validated_data)
        return writes.update_record(record=instance, fields=fields, links=links)

    def validate_slug(self, value):
        if value in RESERVED.get(self.Meta.model._meta.model_name, ()):
            raise serializers.ValidationError(f"“{value}” is reserved by the API.")
        if self.instance is not None and value != self.instance.slug:
            raise serializers.ValidationError(
                "Slugs are stable identifiers used by dashboards and fixtures: they cannot change."
            )
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        if self.instance is None and not attrs.get("slug") and "slug" in self.fields:
            attrs["slug"] = unique_slug(model, attrs)
        link_problems = {
            f"citations.{index}.{name}": messages
            for index, spec in enumerate(attrs.get("citations") or ())
            if isinstance(spec, writes.CitationLinkSpec)
            for name, messages in validate_link(model, list(spec.facets), dict(spec.values)).items()
        }
        if link_problems:
            raise serializers.ValidationError(link_problems)
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {field.name for field in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(api_errors(error)) from error
        return attrs


def timestamps():
    return ["created", "updated"]


def split_links(model, data: dict) -> tuple[dict, dict]:
    """Validated data as (field values, many-to-many lists), as the write services take."""
    names = {field.name for field in model._meta.many_to_many}
    fields = {name: value for name, value in data.items() if name not in names}
    links = {name: value for name, value in data.items() if name in names}
    return fields, links
