"""Each operation as its view answers it: TrackerAutoSchema completes drf-spectacular's
AutoSchema with what the views really do (who may read, which statuses, which parameters,
refs as slugs in requests and small objects in answers)."""

import copy
import re

from django import forms
from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import generics, permissions, serializers

from negotiations.api.renderers import CSVRenderer
from negotiations.api.representations import CSV, RAW_PARAMETER, SPARSE
from negotiations.api.schema.components import (
    ANSWERS,
    BLANK_STRING,
    IF_MATCH,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    SLUG_PATTERN,
    TEXT_PATTERN,
    fields_parameter,
)
from negotiations.domain.provenance import facet_fields

SUMMARIES = {
    "list": "{plural}",
    "retrieve": "{a} {name}",
    "create": "Create {a} {name}",
    "update": "Replace {a} {name} (every field)",
    "partial_update": "Change some fields of {a} {name}",
    "destroy": "Delete {a} {name}",
}
TWIN_SUMMARIES = {"csv": " as CSV", "sparse": ", only the fields asked for"}


def anonymous_can_read(view) -> bool:
    return any(
        isinstance(
            permission,
            (permissions.AllowAny, permissions.DjangoModelPermissionsOrAnonReadOnly),
        )
        for permission in view.get_permissions()
    )


# A format's values, or "", as one pattern (a URLField left blank is "").
FORMAT_OR_EMPTY = {"uri": r"^$|^[A-Za-z][A-Za-z0-9+.-]*:\S+$"}


def without_blank_alternative(field_schema: dict) -> None:
    """drf-spectacular offers "" beside a patterned text as `oneOf: [text, maxLength 0]`;
    "" matches the pattern too, so `oneOf` refused it (matching both), and as `anyOf` it made
    code generators build one class per alternative (datamodel-code-generator: Notes1 to
    Notes23, 115 numbered classes). A pattern that takes "" is the one schema needed."""
    options = field_schema.get("oneOf", ())
    if BLANK_STRING not in options or len(options) != 2:
        return
    (text,) = [option for option in options if option != BLANK_STRING]
    text = dict(text)
    if text.get("format") in FORMAT_OR_EMPTY:  # a URL, or "" (a format refuses "")
        text["pattern"] = FORMAT_OR_EMPTY[text.pop("format")]
    if "format" not in text and re.search(text.get("pattern", ""), ""):
        del field_schema["oneOf"]
        field_schema.update(text)
    else:
        field_schema["anyOf"] = field_schema.pop("oneOf")


class TrackerAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, completed with what the views really answer."""

    write_methods = ("POST", "PUT", "PATCH", "DELETE")

    def get_auth(self):
        # Anonymous clients read everything: a read declares no security requirement at all
        # (generators read `{}` among alternatives as "authenticated"), a write needs a token
        # or a session.
        if self.method in permissions.SAFE_METHODS and anonymous_can_read(self.view):
            return []
        return super().get_auth()

    def _get_parameters(self):
        parameters = super()._get_parameters()
        empty_ok = self.params_accepting_empty()
        described = self.filter_descriptions()
        for parameter in parameters:
            name = parameter["name"]
            if parameter["in"] == "query" and name in empty_ok:
                parameter["allowEmptyValue"] = True
            if parameter.get("description"):
                continue
            if parameter["in"] == "query" and name in described:
                parameter["description"] = described[name]
            elif parameter["in"] == "path" and name == "slug":
                parameter["description"] = "The record's slug: its stable identifier."
        documented = {parameter["name"] for parameter in parameters}
        if self.method == "GET" and "fields" in self.view_query_params() - documented:
            required = self.representation == SPARSE
            fields = self.view.get_serializer_class()().fields
            parameters.append(fields_parameter(fields, required=required))
        if self.has_twins and self.representation == CSV:
            parameters.append(RAW_PARAMETER)
        conditional = getattr(self.view, "conditional_requests", False)
        if conditional and self.method == "GET":
            parameters += [IF_NONE_MATCH, IF_MODIFIED_SINCE]
        if conditional and self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(IF_MATCH)
        return parameters

    def view_query_params(self) -> set[str]:
        """The query parameters the view accepts besides filters (RecordViewSet's rule);
        `fields=` on a JSON URL is a 303 to the sparse one, so it is documented there."""
        action = getattr(self.view, "action", None)
        if action not in ("list", "retrieve"):
            return set()
        names = set(getattr(self.view, "common_params", ()))
        if self.has_twins and self.representation is None:
            names.discard("fields")
        return names

    # --- Representations: a resource's JSON, CSV and sparse URLs (api/representations.py) ---

    @property
    def has_twins(self) -> bool:
        """A list or detail with CSV and sparse twins (RepresentationsMixin)."""
        action = getattr(self.view, "action", None)
        return hasattr(self.view, "representation") and action in ("list", "retrieve")

    @property
    def representation(self) -> str | None:
        return getattr(self.view, "representation", None)

    def map_renderers(self, attribute):
        media_types = super().map_renderers(attribute)
        if hasattr(self.view, "representation") and self.representation is None:
            # CSV asked for at a JSON URL is a 303 to the CSV URL, which documents it.
            csv = CSVRenderer.media_type if attribute == "media_type" else CSVRenderer.format
            media_types = [media_type for media_type in media_types if media_type != csv]
        return media_types

    def get_operation_id(self):
        """rounds_list, rounds_list_csv, rounds_list_sparse: a twin is named after the
        operation it represents differently."""
        operation_id = super().get_operation_id()
        if not self.has_twins or self.representation is None:
            return operation_id
        tokens = [token.replace("-", "_") for token in self.twin_path_tokens()]
        return "_".join([*tokens, self.view.action, self.representation])

    def get_tags(self):
        if self.has_twins and self.representation is not None:
            return self.twin_path_tokens()[:1]
        return super().get_tags()

    def twin_path_tokens(self) -> list[str]:
        """A twin's path as its JSON URL's: `sparse/rounds/{slug}/`, `rounds/{slug}.csv`
        -> ["rounds"]."""
        tokens = [token.removesuffix(".csv") for token in self._tokenize_path()]
        if self.representation == SPARSE:
            tokens = tokens[1:]
        return [token for token in tokens if token and not token.startswith("{")]

    def get_summary(self):
        """Each operation's one line (generated clients and the docs' menus show it): the
        action on the resource, unless the view states its own (extend_schema)."""
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        action = getattr(self.view, "action", None)
        if model is None or action not in SUMMARIES:
            return super().get_summary()
        name, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
        article = "an" if name[0] in "aeiou" else "a"
        summary = SUMMARIES[action].format(name=name, plural=plural, a=article)
        if self.has_twins and self.representation is not None:
            summary += TWIN_SUMMARIES[self.representation]
        return summary[0].upper() + summary[1:]

    def get_extensions(self):
        extensions = super().get_extensions()
        if self.has_twins and self.representation == SPARSE:
            # Read (and removed) by the post-processing hook, which types the answer.
            extensions = {**extensions, "x-sparse": True}
        return extensions

    def filter_descriptions(self) -> dict[str, str]:
        """Each filter's help text (or label): drf-spectacular leaves it out for filters
        whose schema is declared with @extend_schema_field."""
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None:
            return {}
        descriptions = {}
        for name, filter_ in filterset_class.base_filters.items():
            text = filter_.extra.get("help_text") or filter_.label
            if text:
                descriptions[name] = str(text)
        return descriptions

    def params_accepting_empty(self) -> set[str]:
        """Query parameters for which an empty value means "not given" (the server's rule,
        read from the filters themselves): `?as_of=` is today, `?search=` no search."""
        names = set(getattr(self.view, "empty_means_default", ()))
        if getattr(self.view, "known_as_of_param", False):
            names.add("known_as_of")
        # A computed endpoint's optional parameters: DRF reads "" as not given.
        params = getattr(self.view, "action_params", {}).get(getattr(self.view, "action", None))
        if params is not None:
            names |= {name for name, field in params().fields.items() if not field.required}
        filterset_class = getattr(self.view, "filterset_class", None)
        # The calendar feed is a list whose response is not a JSON array: drf-spectacular
        # does not see it as one, so it is named here.
        is_list = self._is_list_view() or isinstance(self.view, generics.ListAPIView)
        if filterset_class is not None and is_list:
            names.add("ordering")
            form = filterset_class(queryset=self.view.queryset.none()).form
            for name, field in form.fields.items():
                if isinstance(field, forms.ModelMultipleChoiceField):
                    continue  # "" is never a slug: a 400
                value = field.widget.value_from_datadict(QueryDict(f"{name}="), {}, name)
                try:
                    field.clean(value)
                except forms.ValidationError:
                    continue
                names.add(name)
        return names

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self.error_statuses():
            if status not in responses:
                responses[status] = {"$ref": f"#/components/responses/{ANSWERS[status][0]}"}
        return responses

    def error_statuses(self) -> list[str]:
        method = self.method
        statuses = ["400", "401", "404", "429", "503"]
        if not getattr(self.view, "ignores_accept", False):
            statuses.append("406")
        if self.has_twins and self.representation is None and method == "GET":
            statuses.append("303")  # CSV or a sparse answer asked for here
        if getattr(self.view, "conditional_requests", False) and method == "GET":
            statuses.append("304")
        if "{slug}" in self.path:  # an old slug of a renamed record (negotiations.api.renames)
            statuses.append("301" if method == "GET" else "308")
        if method in self.write_methods:
            statuses += ["403", "409"]
        elif getattr(self.view, "reads_need_permission", False):
            statuses.append("403")  # an editor's tool (the intake's proposals)
        if method in ("POST", "PUT", "PATCH"):
            statuses += ["413", "415"]
        if getattr(self.view, "conditional_requests", False) and method in (
            "PUT",
            "PATCH",
            "DELETE",
        ):
            statuses.append("412")
        return sorted(statuses)

    # --- Request bodies -------------------------------------------------------------------

    def _get_request_for_media_type(self, serializer, direction="request"):
        serializer = force_instance(serializer)
        if self.method != "PUT" or not self.slug_is_fixed(serializer):
            return super()._get_request_for_media_type(serializer, direction)
        # PUT replaces a record whose slug is in the URL: the PATCH body (without slug) with
        # the fields a full record needs made required.
        required = sorted(
            name
            for name, field in serializer.fields.items()
            if field.required and not field.read_only and name != "slug"
        )
        partial = copy.copy(serializer)
        partial.partial = True
        component = self.resolve_serializer(partial, direction)
        if not required:
            return component.ref, False
        return {"allOf": [component.ref], "required": required}, True

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        from negotiations.api.serializers import KnownAsOfSerializer
        from negotiations.api.serializers.fields import UnknownFieldsField

        if type(serializer).__dict__.get("__doc__") is None and "description" in schema:
            # Not the base class's notes for developers: what the record is in the domain
            # (every model says so in its docstring), or nothing.
            model = getattr(getattr(serializer, "Meta", None), "model", None)
            if model is not None and model.__doc__:
                schema["description"] = " ".join(model.__doc__.split())
            else:
                del schema["description"]
        if direction == "response" and schema.get("properties"):
            # Every field of an answer is always there (null when empty), but for the one that
            # only answers as known on a day carry (?known_as_of=); `fields=` answers are
            # documented apart (Sparse* components).
            schema["required"] = [
                name
                for name in schema["properties"]
                if not isinstance(
                    serializer.fields.get(name), KnownAsOfSerializer | UnknownFieldsField
                )
            ]
        for field_schema in schema.get("properties", {}).values():
            without_blank_alternative(field_schema)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if direction == "response" and model is not None:
            properties = schema.get("properties", {})
            for name in facet_fields(model):
                if name in properties:
                    properties[name] = nullable_when_unknown(properties[name])
        if (
            direction == "request"
            and self.method in ("PUT", "PATCH")
            and self.slug_is_fixed(serializer)
        ):
            # A slug never changes (a different one is a 400); it is not part of an update.
            schema.get("properties", {}).pop("slug", None)
            if "slug" in schema.get("required", []):
                schema["required"].remove("slug")
        return schema

    @staticmethod
    def slug_is_fixed(serializer) -> bool:
        from negotiations.api.serializers import RecordSerializer

        return isinstance(serializer, RecordSerializer)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not isinstance(field, serializers.ChoiceField)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
            and any(getattr(v, "__name__", "") == "no_control_characters" for v in field.validators)
        ):
            schema["pattern"] = TEXT_PATTERN
        items = schema.get("items", {})
        if (
            isinstance(field, serializers.ManyRelatedField)
            and isinstance(field.child_relation, serializers.SlugRelatedField)
            and items.get("type") == "string"
        ):
            # A list of slugs: one `Slug` type (an item constrained inline was a class of its
            # own per field in generated code, named after the field: Citation1 beside the
            # Citation component), the pattern the server checks (SlugRelation).
            if items.get("description") and "description" not in schema:
                schema["description"] = items["description"]
            schema["items"] = {"$ref": "#/components/schemas/Slug"}
        return schema


class RefFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "negotiations.api.serializers.fields.RefField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "pattern": SLUG_PATTERN,
                "description": "Slug of the related record.",
            }
        return auto_schema.resolve_serializer(self.target.ref_serializer, direction).ref


UNKNOWN_NOTE = (
    "Null in an answer as known on a day (?known_as_of=) when no source published by then "
    "states it (named in unknown_fields)."
)


def nullable_when_unknown(schema: dict) -> dict:
    """A field of a facet (negotiations.domain.provenance), which an answer as known on a day
    leaves null when no source published by then stated it."""
    schema = dict(schema)
    description = " ".join(filter(None, [schema.pop("description", ""), UNKNOWN_NOTE]))
    null = {"type": "null"}
    if "$ref" in schema or "allOf" in schema:
        return {"oneOf": [schema, null], "description": description}
    for union in ("oneOf", "anyOf"):
        if union in schema:
            if null not in schema[union]:
                schema[union] = [*schema[union], null]
            return {**schema, "description": description}
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return {**schema, "description": description}
