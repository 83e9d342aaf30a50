"""OpenAPI: refs are slugs in requests and small objects in responses, and every operation
declares the answers it can give besides success (errors, 304, 412), so that the schema is
a complete contract (checked by Schemathesis in CI, see .ci/schemathesis.sh) that typed
clients can be generated from as it is (openapi-python-client in CI).

OpenAPI 3.1: a nullable reference is ``oneOf: [$ref, {type: null}]``, which strict validators
accept on real answers (3.0's ``nullable`` beside ``allOf`` is ignored by them). The
post-processing hook (``contract_hook``) states what only the whole schema can: enums by
reference, CSV as text (asked for with ``Accept: text/csv``), sparse answers, headers and
error answers as components.
"""

import copy
import re

from django import forms
from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import generics, permissions, serializers

from negotiations.domain.provenance import facet_fields

# Text fields refuse control characters other than tab and line breaks, and lone UTF-16
# surrogates (see serializers.no_control_characters); the schema says so.
TEXT_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"

# status -> (components/responses name, description); which operations give which is decided
# below, what each contains in ERROR_RESPONSES (built from the error codes' one list).
ANSWERS = {
    "301": (
        "Moved",
        "Renamed: the record has a new slug, and `Location` is its URL now (its `id` is the same).",
    ),
    "304": (
        "NotModified",
        "Not modified: the If-None-Match ETag or If-Modified-Since date "
        "is still current (no body).",
    ),
    "308": (
        "PermanentRedirect",
        "Renamed: repeat this write at `Location`, the record's URL now (its `id` is the same).",
    ),
    "400": ("BadRequest", "Invalid input: `errors` names each rejected field or parameter."),
    "401": ("Unauthorized", "Missing or invalid credentials (a token or a session)."),
    "403": ("Forbidden", "Authenticated, without the model permission this write needs."),
    "404": ("NotFound", "No record with this slug, no such page, or no such URL."),
    "406": ("NotAcceptable", "No representation matches the Accept header."),
    "409": (
        "Conflict",
        "The write conflicts with the data: a record still referred to cannot be deleted, "
        "a uniqueness rule would be broken, or another write won a race.",
    ),
    "412": (
        "PreconditionFailed",
        "If-Match does not match the record's current ETag: read it again.",
    ),
    "413": ("PayloadTooLarge", "The request body is too large."),
    "415": ("UnsupportedMediaType", "Unsupported Content-Type for the request body."),
    "429": (
        "TooManyRequests",
        "Rate limit exceeded: retry after the Retry-After header's seconds.",
    ),
    "503": (
        "ServiceUnavailable",
        "The database is unavailable: retry after the Retry-After header's seconds.",
    ),
}

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
IF_MODIFIED_SINCE = {
    "in": "header",
    "name": "If-Modified-Since",
    "required": False,
    "schema": {"type": "string"},
    "description": "A Last-Modified date from an earlier answer: 304 with no body if no data "
    "changed since (ignored when If-None-Match is sent).",
}

BLANK_STRING = {"type": "string", "maxLength": 0}


def fields_parameter(names) -> dict:
    """?fields=: one or more of the resource's top-level fields, comma-separated (spaces
    around a name allowed), exactly the server's rule."""
    name = "(?:" + "|".join(re.escape(name) for name in sorted(names)) + ")"
    return {
        "in": "query",
        "name": "fields",
        "required": False,
        "schema": {"type": "string", "pattern": f"^ *{name} *(?:, *{name} *)*$"},
        "description": "Sparse fieldset: a comma-separated list of top-level fields to "
        "return (e.g. `slug,title,start_date`); the answer is then a `Sparse…` object "
        "holding only those. An unknown field is a 400 that lists the valid ones.",
    }


ERROR_ITEM = {
    "type": "object",
    "description": "One rejected field or query parameter, or the request as a whole.",
    "properties": {
        "code": {
            "type": "string",
            "description": "Machine-readable: `required`, `invalid`, "
            "`unknown_parameter`, `unknown_field`, `invalid_cursor`, `max_length`...",
        },
        "detail": {"type": "string", "description": "What is wrong, for people."},
        "field": {
            "type": ["string", "null"],
            "description": "The field or parameter; nested fields as dotted paths "
            "(`participants.0.person`); null for the request as a whole.",
        },
        "in": {
            "oneOf": [{"$ref": "#/components/schemas/ErrorLocation"}, {"type": "null"}],
            "description": "Where the field is: a query parameter or the JSON body; null for "
            "the request as a whole.",
        },
    },
    "required": ["code", "detail", "field", "in"],
}


def error_schema() -> dict:
    from negotiations.api.errors import ERROR_CODES

    codes = "; ".join(f"`{code}` ({status})" for code, (status, _) in ERROR_CODES.items())
    return {
        "type": "object",
        "description": "Every 4xx and 5xx answer under /api/.",
        "properties": {
            "status": {"type": "integer", "description": "The HTTP status, repeated."},
            "code": {
                "type": "string",
                "description": f"Stable, one per kind of error: {codes}.",
            },
            "detail": {"type": "string", "description": "What went wrong, in one sentence."},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorItem"}},
            "request_id": {
                "type": "string",
                "description": "The answer's X-Request-ID: quote it when reporting a problem.",
            },
        },
        "required": ["status", "code", "detail", "errors", "request_id"],
    }


def header(description: str, schema: dict | None = None) -> dict:
    return {"description": description, "schema": schema or {"type": "string"}}


INTEGER = {"type": "integer", "minimum": 0}
# Response headers, as components (one definition each, referred to by the answers).
HEADERS = {
    "X-Request-ID": header(
        "The request's ID (the client's own X-Request-ID if it sent a sensible one): also in "
        "the server's log lines and in error bodies."
    ),
    "RateLimit-Limit": header(
        "Units allowed per window (IETF draft-07): an answer from the cache costs one, a "
        "computed answer one per THROTTLE_COST_MS of server time it took.",
        INTEGER,
    ),
    "RateLimit-Remaining": header(
        "Units left in the current window, once this answer's cost is counted.", INTEGER
    ),
    "RateLimit-Reset": header("Seconds until a unit is freed.", INTEGER),
    "RateLimit-Policy": header("The quota and its window in seconds, e.g. `600;w=60`."),
    "Retry-After": header("Seconds to wait before retrying.", INTEGER),
    "ETag": header("The answer's entity tag: send it as If-None-Match (304) or If-Match."),
    "Last-Modified": header("When the data last changed: send it as If-Modified-Since (304)."),
    "Link": header(
        "RFC 8288 links to the `first`, `prev`, `next` and `last` pages where known, e.g. "
        '`<…?page=2>; rel="next"`.'
    ),
    "X-Total-Count": header("How many records the list holds (absent with a cursor).", INTEGER),
    "Location": header("The new record's URL."),
}
RATE_LIMIT_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
]


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
            parameters.append(fields_parameter(self.view.get_serializer_class()().fields))
        conditional = getattr(self.view, "conditional_requests", False)
        if conditional and self.method == "GET":
            parameters += [IF_NONE_MATCH, IF_MODIFIED_SINCE]
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
            if status not in responses:
                responses[status] = {"$ref": f"#/components/responses/{ANSWERS[status][0]}"}
        return responses

    def error_statuses(self) -> list[str]:
        method = self.method
        statuses = ["400", "401", "404", "429", "503"]
        if not getattr(self.view, "ignores_accept", False):
            statuses.append("406")
        if getattr(self.view, "conditional_requests", False) and method == "GET":
            statuses.append("304")
        if "{slug}" in self.path:  # an old slug of a renamed record (negotiations.api.renames)
            statuses.append("301" if method == "GET" else "308")
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
            model = getattr(getattr(serializer, "Meta", None), "model", None)
            for name in facet_fields(model) if model is not None else ():
                if name in schema["properties"]:
                    schema["properties"][name] = nullable_when_unknown(schema["properties"][name])
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


# --- Post-processing: what only the whole schema can state -------------------------------------


def contract_hook(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"], after drf-spectacular's enum hook."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = error_schema()
    schemas["ErrorItem"] = ERROR_ITEM
    schemas["ErrorLocation"] = {"type": "string", "enum": ["query", "body"]}
    components["headers"] = HEADERS
    components["responses"] = error_responses()
    enums = {
        tuple(sorted(schema["enum"])): name
        for name, schema in schemas.items()
        if "enum" in schema and None not in schema["enum"] and name not in ("BlankEnum",)
    }
    for path, item in result["paths"].items():
        for method, operation in item.items():
            no_format_parameter(operation)
            enums_by_reference(operation, enums)
            sparse_answers(operation, schemas)
            response_headers(operation, method, path)
    nullable_as_31(result)
    drop_unreferenced(result)
    return result


def error_responses() -> dict:
    from negotiations.api.errors import ERROR_CODES

    responses = {}
    for status, (name, description) in ANSWERS.items():
        if status == "304":
            responses[name] = {
                "description": description,
                "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
            }
            continue
        codes = [
            code
            for code, (code_status, _) in ERROR_CODES.items()
            if str(code_status) == status or (status == "308" and code == "renamed")
        ]
        answer = {
            "description": f"{description} Codes: {', '.join(f'`{c}`' for c in codes)}.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}},
        }
        if status in ("429", "503"):
            answer["headers"]["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
        if status in ("301", "308"):
            answer["headers"]["Location"] = {"$ref": "#/components/headers/Location"}
        if status == "429":
            for name_ in RATE_LIMIT_HEADERS:
                answer["headers"][name_] = {"$ref": f"#/components/headers/{name_}"}
        responses[name] = answer
    return responses


def no_format_parameter(operation: dict) -> None:
    """`?format=csv` is a convenience for browsers and curl, left out of the contract: a
    generated client picks one representation per status (JSON) and would try to read a CSV
    answer as JSON. CSV is documented as the `text/csv` content of an answer, asked for with
    `Accept: text/csv`."""
    operation["parameters"] = [
        parameter
        for parameter in operation.get("parameters", [])
        if not (parameter.get("name") == "format" and parameter.get("in") == "query")
    ]
    if not operation["parameters"]:
        del operation["parameters"]


def enums_by_reference(operation: dict, enums: dict) -> None:
    """A filter on a choice field refers to the field's enum component instead of repeating
    it (generated clients then have one type, not one per operation)."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        target = schema.get("items", schema) if schema.get("type") == "array" else schema
        choices = target.get("enum", ())
        name = enums.get(tuple(sorted(choice for choice in choices if choice != "")))
        if name:
            target.clear()
            target["$ref"] = f"#/components/schemas/{name}"
            if "" in choices:  # empty is "not given", as for the lists' filters
                parameter["allowEmptyValue"] = True


def sparse_answers(operation: dict, schemas: dict) -> None:
    """With ?fields=, an answer holds only the fields asked for: records are
    `anyOf: [Record, SparseRecord]`, SparseRecord having the same fields, none required."""
    names = {parameter.get("name") for parameter in operation.get("parameters", [])}
    if "fields" not in names:
        return
    content = operation["responses"]["200"]["content"]
    schema = content["application/json"]["schema"]
    ref = schema["$ref"]
    name = ref.rsplit("/", 1)[1]
    paginated = schemas[name]
    if name.startswith("Paginated"):
        items = paginated["properties"]["results"]["items"]
        if "anyOf" in items:
            return
        record = items["$ref"].rsplit("/", 1)[1]
        paginated["properties"]["results"]["items"] = {
            "anyOf": [items, sparse_ref(record, schemas)]
        }
    else:
        content["application/json"]["schema"] = {"anyOf": [schema, sparse_ref(name, schemas)]}


def sparse_ref(record: str, schemas: dict) -> dict:
    sparse = f"Sparse{record}"
    if sparse not in schemas:
        full = schemas[record]
        schemas[sparse] = {
            "type": "object",
            "description": f"A {record} as answered with ?fields=: only the fields asked for.",
            "properties": copy.deepcopy(full["properties"]),
            "minProperties": 1,
        }
    return {"$ref": f"#/components/schemas/{sparse}"}


def response_headers(operation: dict, method: str, path: str) -> None:
    for status, response in operation["responses"].items():
        if "$ref" in response:
            continue
        headers = response.setdefault("headers", {})
        names = ["X-Request-ID", *RATE_LIMIT_HEADERS]
        if method == "get" and status == "200":
            parameters = {p.get("name") for p in operation.get("parameters", [])}
            if "If-None-Match" in parameters:
                names += ["ETag", "Last-Modified"]
            if "page_size" in parameters:  # a page of a list, or of the changes feed
                names.append("Link")
            if "page" in parameters:
                names.append("X-Total-Count")
        if method in ("put", "patch") and status == "200":
            names.append("ETag")
        if method == "post" and status == "201":
            names.append("Location")
        for name in names:
            headers.setdefault(name, {"$ref": f"#/components/headers/{name}"})
        csv = response.get("content", {}).get("text/csv")
        if csv is not None:
            # CSV is text: one header line, then one row per record.
            csv["schema"] = {
                "type": "string",
                "description": "CSV (RFC 4180), UTF-8, with `Accept: text/csv` (or `?format=csv`): "
                "one row per record, nested objects as dotted columns, lists as one cell. Text "
                "cells are quoted, and text starting with =, +, -, @, a tab or a carriage "
                "return gets a leading ' so that spreadsheets show it as text, not run it as a "
                "formula.",
            }


def nullable_as_31(node) -> None:
    """What DRF's pagination still writes in the 3.0 way (`nullable: true`), in 3.1's; and a
    nullable "any value" (`oneOf: [{}, null]`, which null matches twice) as any value."""
    if isinstance(node, dict):
        if {} in node.get("oneOf", ()):
            del node["oneOf"]
        if node.pop("nullable", False) is True:
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
            elif isinstance(kind, list) and "null" not in kind:
                kind.append("null")
        for value in node.values():
            nullable_as_31(value)
    elif isinstance(node, list):
        for value in node:
            nullable_as_31(value)


def drop_unreferenced(result: dict) -> None:
    """Components no operation uses (request twins of read-only nested serializers)."""
    schemas = result["components"]["schemas"]
    outside = {key: value for key, value in result["components"].items() if key != "schemas"}
    pending = set(REF.findall(str(result["paths"]) + str(outside)))
    used = set()
    while pending:
        name = pending.pop()
        used.add(name)
        pending |= set(REF.findall(str(schemas.get(name, "")))) - used
    for name in set(schemas) - used:
        del schemas[name]


REF = re.compile(r"#/components/schemas/([A-Za-z0-9_.-]+)")
