"""What answers are made of: the error envelope, response headers, the answers every
operation shares (components/responses), and the parameters several operations take."""

import re

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
    "303": (
        "SeeOther",
        "See Other: CSV (`Accept: text/csv`, `?format=csv`) or a sparse answer (`?fields=`) "
        "was asked for at the JSON URL; `Location` is the URL that answers it (the `.csv` or "
        "`sparse/` operation), the query kept.",
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
    "405": ("MethodNotAllowed", "The URL does not take this method: `Allow` lists those it does."),
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


def fields_parameter(names, *, required: bool) -> dict:
    """?fields=: one or more of the resource's top-level fields, comma-separated (spaces
    around a name allowed), exactly the server's rule."""
    name = "(?:" + "|".join(re.escape(name) for name in sorted(names)) + ")"
    return {
        "in": "query",
        "name": "fields",
        "required": required,
        "schema": {"type": "string", "pattern": f"^ *{name} *(?:, *{name} *)*$"},
        "description": "Sparse fieldset: a comma-separated list of top-level fields to "
        "return (e.g. `slug,title,start_date`), and only those. An unknown field is a 400 "
        "that lists the valid ones.",
    }


# A record's slug, as lists of them are typed (in requests and answers alike).
SLUG = {
    "type": "string",
    "pattern": SLUG_PATTERN,
    "description": "A record's slug: letters, digits, hyphens and underscores.",
}

# DRF's answer to OPTIONS (SimpleMetadata): what the URL is and takes; `actions` describes the
# body of each write the client may make (POST, PUT), absent when it may make none.
METADATA = {
    "type": "object",
    "description": "What this URL is, the media types it answers and reads, and (for a client "
    "allowed to write here) the fields of each write.",
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "renders": {"type": "array", "items": {"type": "string"}},
        "parses": {"type": "array", "items": {"type": "string"}},
        "actions": {
            "type": "object",
            "description": "Per write method (POST, PUT): each field's type, label, whether it "
            "is required or read-only, its choices and bounds.",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "object"}},
        },
    },
    "required": ["name", "description", "renders", "parses"],
}

ERROR_ITEM = {
    "type": "object",
    "description": "One rejected field or query parameter, or the request as a whole.",
    "properties": {
        "code": {
            "$ref": "#/components/schemas/ErrorItemCodeEnum",
            "description": "Machine-readable: what is wrong with the field or parameter.",
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


def error_code_enums() -> dict:
    """The envelope's codes and the item codes as enums (a client can switch on them
    exhaustively), from the one list each (negotiations.api.errors)."""
    from negotiations.api.errors import ERROR_CODES, ITEM_CODES

    def enum(meanings: dict[str, str]) -> dict:
        lines = "\n".join(f"* `{code}` - {meaning}" for code, meaning in meanings.items())
        return {"type": "string", "enum": list(meanings), "description": lines}

    return {
        "ErrorCodeEnum": enum(
            {code: f"{meaning} ({status})" for code, (status, meaning) in ERROR_CODES.items()}
        ),
        "ErrorItemCodeEnum": enum(ITEM_CODES),
    }


def error_schema() -> dict:
    return {
        "type": "object",
        "description": "Every 4xx and 5xx answer under /api/.",
        "properties": {
            "status": {"type": "integer", "description": "The HTTP status, repeated."},
            "code": {
                "$ref": "#/components/schemas/ErrorCodeEnum",
                "description": "Stable, one per kind of error.",
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
    "Allow": header("The methods this URL takes, e.g. `GET, POST, HEAD, OPTIONS`."),
    "Location": header(
        "A URL: the new record's (201), the record's now (301, 308), or the one that answers "
        "this request (303)."
    ),
}
RATE_LIMIT_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
]


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
        if status == "303":
            responses[name] = {
                "description": description,
                "headers": {
                    "Location": {"$ref": "#/components/headers/Location"},
                    "X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"},
                },
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
        if status == "405":
            answer["headers"]["Allow"] = {"$ref": "#/components/headers/Allow"}
        if status == "429":
            for name_ in RATE_LIMIT_HEADERS:
                answer["headers"][name_] = {"$ref": f"#/components/headers/{name_}"}
        responses[name] = answer
    return responses
