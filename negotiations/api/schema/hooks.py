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
    """`?format=` is left out of the contract: each representation has its own URL (a CSV
    one, `rounds.csv`), and `?format=csv` at a JSON URL is a 303 to it."""
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
    """A sparse URL's answer holds only the fields asked for: `SparseRound` has the fields of
    `Round`, none required (`PaginatedSparseRoundList` for a list). The JSON URL's answer is
    the full record, every field it always carries required."""
    if not operation.pop("x-sparse", False):
        return
    content = operation["responses"]["200"]["content"]["application/json"]
    name = content["schema"]["$ref"].rsplit("/", 1)[1]
    if not name.startswith("Paginated"):
        content["schema"] = sparse_ref(name, schemas)
        return
    record = schemas[name]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    page = f"PaginatedSparse{record}List"
    if page not in schemas:
        schemas[page] = copy.deepcopy(schemas[name])
        schemas[page]["properties"]["results"]["items"] = sparse_ref(record, schemas)
    content["schema"] = {"$ref": f"#/components/schemas/{page}"}


def sparse_ref(record: str, schemas: dict) -> dict:
    sparse = f"Sparse{record}"
    if sparse not in schemas:
        full = schemas[record]
        schemas[sparse] = {
            "type": "object",
            "description": f"A {record} with only the fields asked for (`fields=`).",
            "properties": copy.deepcopy(full["properties"]),
            "minProperties": 1,
        }
    return {"$ref": f"#/components/schemas/{sparse}"}


# Answers that are not JSON: their bytes, as a client receives them (a schema of type
# string would be a decoded text, which no client is handed).
TEXT_ANSWERS = {
    "text/csv": "CSV (RFC 4180), UTF-8: a header line, then one row per record; nested objects "
    "as dotted columns, lists as one cell (slugs or labels separated by `; `). Text cells are "
    "quoted; text starting with =, +, -, @, a tab or a carriage return gets a leading ' so "
    "that spreadsheets show it as text rather than run it as a formula (`raw=true`: without "
    "it). No value (null) is an empty cell, unquoted; empty text is a quoted empty cell.",
    "text/calendar": "An iCalendar feed (RFC 5545), UTF-8.",
}


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
        for media_type, description in TEXT_ANSWERS.items():
            if media_type in response.get("content", {}):
                schema = {"contentMediaType": media_type, "description": description}
                response["content"][media_type]["schema"] = schema


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
