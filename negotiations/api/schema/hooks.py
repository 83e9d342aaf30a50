"""Post-processing: what only the whole schema can state (SPECTACULAR_SETTINGS'
POSTPROCESSING_HOOKS, after drf-spectacular's enum hook). Every rule here applies to every
operation, whatever resources and endpoints are added."""

import copy
import json
import re

from negotiations.api.schema.components import (
    ERROR_ITEM,
    HEADERS,
    METADATA,
    RATE_LIMIT_HEADERS,
    SLUG,
    error_code_enums,
    error_responses,
    error_schema,
)


def contract_hook(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"], after drf-spectacular's enum hook."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = error_schema()
    schemas.update(error_code_enums())
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
    schemas["Metadata"] = METADATA
    schemas["Slug"] = SLUG
    for item in result["paths"].values():
        every_method(item, components["responses"])
    # The resources' tags first, in the order of their paths, then the protocol's: a
    # documentation page draws the tags in this order (Swagger UI drew hundreds of HEAD,
    # OPTIONS and 405 entries before the first resource).
    used = dict.fromkeys(
        tag
        for item in result["paths"].values()
        for operation in item.values()
        for tag in operation.get("tags", ())
    )
    protocol = [PROTOCOL_TAG, NOT_ALLOWED_TAG]
    names = {tag["name"] for tag in protocol}
    result["tags"] = [{"name": name} for name in used if name not in names] + protocol
    servers_and_examples(result, request)
    nullable_as_31(result)
    shared_parameters(result)
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


# Every method a client can send, in the order the schema lists them.
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
WRITES = ("post", "put", "patch", "delete")


def every_method(item: dict, responses: dict) -> None:
    """Every method a URL can be sent is an operation, so that every answer a client can get
    is documented and a validator finds it: HEAD (the GET's headers, no body), OPTIONS (DRF's
    metadata), and each write the URL does not take (405, before credentials or anything
    else: MethodFirstMixin). A reserved name (`rounds/compare/`) then answers as itself: a
    PUT there is its 405, never taken for an update of a round called "compare"."""
    get = item.get("get")
    if get is None:  # a URL that only takes a write (POST /api/v1/intake/): GET is a 405 too
        get = next(item[method] for method in METHODS if method in item)
        item["options"] = options_operation(get)
        item["get"] = not_allowed_operation(get, "get")
        head = not_allowed_operation(get, "head")
        item["head"] = {**head, "responses": head_operation(head, responses)["responses"]}
    else:
        item["head"] = head_operation(get, responses)
        item["options"] = options_operation(get)
    for method in WRITES:
        if method not in item:
            item[method] = not_allowed_operation(get, method)
    for method in sorted(item, key=lambda name: METHODS.index(name)):
        item[method] = item.pop(method)


def head_operation(get: dict, responses: dict) -> dict:
    """The GET's headers without its body: each answer as the GET's, less its content."""
    head = copy.deepcopy(get)
    head["operationId"] = f"{get['operationId']}_head"
    head["summary"] = f"{get['summary']} (headers only)"
    head["description"] = "The same answer as the GET, without its body."
    head["tags"] = [PROTOCOL_TAG["name"]]
    for status, answer in head["responses"].items():
        if "$ref" in answer:
            name = answer["$ref"].rsplit("/", 1)[1]
            bodiless = f"{name}WithoutBody"
            if bodiless not in responses:
                responses[bodiless] = {
                    key: value for key, value in responses[name].items() if key != "content"
                }
            head["responses"][status] = {"$ref": f"#/components/responses/{bodiless}"}
        else:
            answer.pop("content", None)
    return head


def options_operation(get: dict) -> dict:
    """DRF's metadata: what the URL is and takes (the fields of the writes a client may make
    here). No query parameter is taken, and no record is looked up."""
    statuses = {"400", "401", "406", "429", "503"} & set(get["responses"])
    if "parameters" in path_parameters(get):
        statuses.add("404")  # a path segment that is no slug: no such URL
    return {
        "operationId": f"{get['operationId']}_options",
        "summary": f"{get['summary']} (metadata: what the URL takes)",
        "tags": [PROTOCOL_TAG["name"]],
        **path_parameters(get),
        "responses": {
            "200": {
                "description": "The URL's metadata.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Metadata"}}
                },
                "headers": {
                    name: {"$ref": f"#/components/headers/{name}"}
                    for name in ("Allow", "X-Request-ID", *RATE_LIMIT_HEADERS)
                },
            },
            **{status: get["responses"][status] for status in sorted(statuses)},
        },
    }


# Tags of the operations every URL has by HTTP's rules rather than by design: documented so
# that every answer is, and shown by ReDoc as one description each (x-traitTag), not as six
# hundred operations that would take its page a minute to draw.
PROTOCOL_TAG = {
    "name": "head-options",
    "description": "Every URL that answers GET also answers HEAD (the same headers, no body) "
    "and OPTIONS (DRF's metadata: what the URL is, the media types it answers and reads, and "
    "the fields of each write the client may make there).",
    "x-traitTag": True,
}
NOT_ALLOWED_TAG = {
    "name": "not-allowed",
    "description": "Each write a URL does not take: a 405 whose `Allow` header lists the "
    "methods it takes, whoever sends it, before anything is read or written. Listed so that "
    "every answer is documented (and a reserved name such as `rounds/compare/` answers as "
    "itself), not to be called.",
    "x-traitTag": True,
}


def not_allowed_operation(get: dict, method: str) -> dict:
    """A method the URL does not take (a write; a read where only a write is taken): 405
    whoever sends it (or a 400 for a request too large to read:
    negotiations.middleware.RequestLimitsMiddleware)."""
    what = get["summary"][:1].lower() + get["summary"][1:]
    path = path_parameters(get)
    return {
        "operationId": f"{get['operationId']}_{method}_not_allowed",
        "summary": f"{method.upper()} {what}: not allowed",
        "tags": [NOT_ALLOWED_TAG["name"]],
        **path,
        "responses": {
            "400": {"$ref": "#/components/responses/BadRequest"},
            # A path segment that is no slug: no such URL, whatever the method.
            **({"404": {"$ref": "#/components/responses/NotFound"}} if path else {}),
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
        },
    }


def path_parameters(operation: dict) -> dict:
    parameters = [p for p in operation.get("parameters", []) if p.get("in") == "path"]
    return {"parameters": parameters} if parameters else {}


# The server of a schema generated outside a request (`manage.py spectacular`, the tests):
# relative, the host that serves the document; its examples name `make run`'s address.
LOCAL_SERVER = "http://127.0.0.1:8000"


def servers_and_examples(result: dict, request) -> None:
    """The server the schema is served from (a generator's default base URL), and a page's
    `next` and `previous` examples on the list's own URL (DRF's were another API's,
    `http://api.example.org/accounts/?page=4`, and ReDoc showed them)."""
    base = request.build_absolute_uri("/").rstrip("/") if request is not None else None
    result["servers"] = [
        {"url": base or "/", "description": "This server: the one that serves this schema."}
    ]
    schemas = result["components"]["schemas"]
    for path, item in result["paths"].items():
        answer = item.get("get", {}).get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        name = schema.get("$ref", "").rsplit("/", 1)[-1]
        properties = schemas.get(name, {}).get("properties", {})
        if name.startswith("Paginated") and "next" in properties:
            url = f"{base or LOCAL_SERVER}{path}"
            properties["next"]["example"] = f"{url}?page=4"
            properties["previous"]["example"] = f"{url}?page=2"


def shared_parameters(result: dict) -> None:
    """A parameter that several operations take (a list's filters: its JSON, CSV and sparse
    URLs, and their HEADs) is one component they refer to, not a copy each: a third of the
    schema's size. Named after the parameter where only one has that name, else after the
    tag (then the operation) that first takes it."""
    operations = [operation for item in result["paths"].values() for operation in item.values()]
    variants: dict[str, dict] = {}  # JSON of a parameter -> the parameter
    takers: dict[str, list] = {}  # JSON of a parameter -> the operations that take it
    for operation in operations:
        for parameter in operation.get("parameters", []):
            key = json.dumps(parameter, sort_keys=True)
            variants.setdefault(key, parameter)
            takers.setdefault(key, []).append(operation)
    by_name: dict[str, list] = {}
    for key, parameter in variants.items():
        by_name.setdefault(parameter["name"], []).append(key)
    names = {}
    for name, keys in by_name.items():
        for key in keys:
            first = takers[key][0]
            candidates = [name, f"{(first.get('tags') or ['api'])[0]}.{name}"]
            candidates.append(f"{first['operationId']}.{name}")
            names[key] = next(
                c for c in candidates if c not in names.values() and (c != name or len(keys) == 1)
            )
    shared = {names[key]: variants[key] for key in variants if len(takers[key]) > 1}
    for operation in operations:
        operation["parameters"] = [
            {"$ref": f"#/components/parameters/{names[key]}"}
            if names[(key := json.dumps(parameter, sort_keys=True))] in shared
            else parameter
            for parameter in operation.get("parameters", [])
        ]
        if not operation["parameters"]:
            del operation["parameters"]
    if shared:
        result["components"]["parameters"] = dict(sorted(shared.items()))


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
