"""OpenAPI: refs are slugs in requests and small objects in responses, and every operation
declares the answers it can give besides success (errors, 304, 412), so that the schema is
a complete contract (checked by Schemathesis in CI, see .ci/schemathesis.sh)."""

import copy

from django import forms
from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import generics, permissions, serializers

# Text fields refuse control characters other than tab and line breaks, and lone UTF-16
# surrogates (see serializers.no_control_characters); the schema says so.
TEXT_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"

ERROR = {
    "type": "object",
    "description": "What went wrong, in one sentence.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Each rejected field or query parameter with its messages "
    "(`non_field_errors` for the request as a whole), or a `detail` sentence.",
    "minProperties": 1,
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ]
    },
}

# status -> (component, description); which operations give which is decided below.
ANSWERS = {
    "304": (None, "Not modified: the If-None-Match ETag is still current (no body)."),
    "400": ("ValidationError", "Invalid input: the body names each rejected field or parameter."),
    "401": ("Error", "Missing or invalid credentials (a token or a session)."),
    "403": ("Error", "Authenticated, without the model permission this write needs."),
    "404": ("Error", "No record with this slug, no such page or cursor, or an unknown format."),
    "406": ("Error", "No representation matches the Accept header."),
    "409": (
        "Error",
        "The write conflicts with the data: a record still referred to cannot be deleted, "
        "or a uniqueness rule would be broken.",
    ),
    "412": ("Error", "If-Match does not match the record's current ETag: read it again."),
    "413": ("Error", "The request body is too large."),
    "415": ("Error", "Unsupported Content-Type for the request body."),
    "429": ("Error", "Rate limit exceeded: retry after the Retry-After header's seconds."),
    "503": ("Error", "The database is unavailable: retry after the Retry-After header's seconds."),
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the record as you read it: the write is refused with 412 if "
    "the record changed since (lost-update protection). Omit it, or send *, to write "
    "unconditionally.",
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier answer: 304 with no body if nothing changed.",
}

BLANK_STRING = {"type": "string", "maxLength": 0}

FIELDS = {
    "in": "query",
    "name": "fields",
    "required": False,
    "schema": {"type": "string"},
    "description": "Sparse fieldset: a comma-separated list of top-level fields to return "
    "(e.g. `slug,title,start_date`); an unknown field is a 400 that lists the valid ones.",
}


def anonymous_can_read(view) -> bool:
    return any(
        isinstance(
            permission,
            (permissions.AllowAny, permissions.DjangoModelPermissionsOrAnonReadOnly),
        )
        for permission in view.get_permissions()
    )


class TrackerAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, completed with what the views really answer."""

    write_methods = ("POST", "PUT", "PATCH", "DELETE")

    def get_auth(self):
        auths = super().get_auth()
        # Anonymous clients read everything: a GET needs no credentials.
        if (
            self.method in permissions.SAFE_METHODS
            and {} not in auths
            and anonymous_can_read(self.view)
        ):
            auths.append({})
        return auths

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
            elif parameter["in"] == "query" and name == "format":
                parameter["description"] = "The representation, instead of an Accept header."
                if "csv" in parameter.get("schema", {}).get("enum", ()):
                    parameter["description"] += (
                        " `csv`: one row per record, nested objects as dotted columns; text"
                        " cells are quoted, and text starting with =, +, -, @, a tab or a"
                        " carriage return gets a leading ' so that spreadsheets show it as"
                        " text, not run it as a formula."
                    )
            elif parameter["in"] == "path" and name == "slug":
                parameter["description"] = "The record's slug: its stable identifier."
        documented = {parameter["name"] for parameter in parameters}
        if self.method == "GET" and "fields" in self.view_query_params() - documented:
            parameters.append(FIELDS)
        conditional = getattr(self.view, "conditional_requests", False)
        if conditional and self.method == "GET":
            parameters.append(IF_NONE_MATCH)
        if conditional and self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(IF_MATCH)
        return parameters

    def view_query_params(self) -> set[str]:
        """The query parameters the view accepts besides filters (RecordViewSet's rule)."""
        action = getattr(self.view, "action", None)
        if action not in ("list", "retrieve"):
            return set()
        return set(getattr(self.view, "common_params", ()))

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
            if status in responses:
                continue
            component, description = ANSWERS[status]
            answer = {"description": description}
            if component:
                answer["content"] = {"application/json": {"schema": self.component(component)}}
            if status in ("429", "503"):
                answer["headers"] = RETRY_AFTER
            responses[status] = answer
        return responses

    def error_statuses(self) -> list[str]:
        method = self.method
        statuses = ["400", "401", "404", "429", "503"]
        if not getattr(self.view, "ignores_accept", False):
            statuses.append("406")
        if getattr(self.view, "conditional_requests", False) and method == "GET":
            statuses.append("304")
        if method in self.write_methods:
            statuses += ["403", "409"]
        if method in ("POST", "PUT", "PATCH"):
            statuses += ["413", "415"]
        if getattr(self.view, "conditional_requests", False) and method in (
            "PUT",
            "PATCH",
            "DELETE",
        ):
            statuses.append("412")
        return sorted(statuses)

    def component(self, name: str) -> dict:
        schema = {"Error": ERROR, "ValidationError": VALIDATION_ERROR}[name]
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

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

        for name, field in serializer.fields.items():
            # Read-only, yet only in answers as known on a day (?known_as_of=).
            if isinstance(field, KnownAsOfSerializer) and name in schema.get("required", ()):
                schema["required"].remove(name)
        for field_schema in schema.get("properties", {}).values():
            if BLANK_STRING in field_schema.get("oneOf", ()):
                # drf-spectacular offers "" beside a patterned text as `oneOf`, but "" also
                # matches the pattern, and `oneOf` refuses a value matching both: `anyOf`.
                field_schema["anyOf"] = field_schema.pop("oneOf")
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
        return schema


class RefFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "negotiations.api.serializers.RefField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "pattern": SLUG_PATTERN,
                "description": "Slug of the related record.",
            }
        return auto_schema.resolve_serializer(self.target.ref_serializer, direction).ref
