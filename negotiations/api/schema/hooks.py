"""Post-processing: what only the whole schema can state (SPECTACULAR_SETTINGS'
POSTPROCESSING_HOOKS, after drf-spectacular's enum hook). Every rule here applies to every
operation, whatever resources and endpoints are added."""

import copy
import re

from negotiations.api.schema.components import (
    ERROR_ITEM,
    HEADERS,
    RATE_LIMIT_HEADERS,
    error_responses,
    error_schema,
)


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
