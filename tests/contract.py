"""Every answer the API tests receive is checked against the OpenAPI schema (openapi-core),
so the schema cannot drift from what the server answers: an undocumented status, a missing
required field, a wrong type or a null where none is allowed fails the test that got it.

The schema is generated and compiled once per test session, and used as published: each
answer is checked as the client receives it (the bytes of a CSV or a calendar), against the
operation its request names (a sparse answer has its own URL and type, so a full record
missing a field is caught, never taken for a sparse one).
"""

import functools
import json
import re

from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS31Validator, validate

# Not API operations: the schema itself and its documentation pages.
NOT_OPERATIONS = re.compile(r"^/api/v1/(schema|docs|redoc)/|^/api/v1/$")


@functools.cache
def published_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as clients get it (lazy strings and tuples become plain values).
    return json.loads(json.dumps(schema, default=str))


@functools.cache
def openapi() -> OpenAPI:
    # Not validated as a document here (16 s for its 700 operations): CI runs
    # `manage.py spectacular --validate`, and tests/api/test_schema_docs.py does too.
    return OpenAPI.from_dict(published_schema(), config=Config(spec_validator_cls=None))


def check_response(response) -> None:
    """Raise AssertionError if the answer is not what the schema says for its request."""
    request = response.wsgi_request
    path = request.path
    if not path.startswith("/api/v1/") or NOT_OPERATIONS.match(path):
        return
    if response.status_code == 500:
        return  # a bug by definition, never documented (the test that got it says so)
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return  # a CORS preflight: the browser's, answered before the API, never a client's
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    mock_request = MockRequest(
        "http://testserver",
        request.method,
        path,
        args=request.GET,
        headers=dict(request.headers),
        content_type=content_type or "application/json",
    )
    body = b"" if getattr(response, "streaming", False) else response.content
    mock_response = MockResponse(
        body,
        status_code=response.status_code,
        headers=dict(response.items()),
        content_type=content_type,
    )
    try:
        openapi().validate_response(mock_request, mock_response)
    except PathNotFound:
        outside_the_schema(response)
    except OperationNotFound:
        raise AssertionError(f"{request.method} {path}: not in the schema") from None
    except Exception as error:  # openapi-core's validation errors, with their causes
        cause = getattr(error, "__cause__", None)
        details = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in getattr(cause, "schema_errors", None) or ()
        ]
        raise AssertionError(
            f"{request.method} {request.get_full_path()} -> {response.status_code} does not "
            f"match the schema: {type(error).__name__} {'; '.join(details) or str(error)[:300]}"
        ) from None


def outside_the_schema(response) -> None:
    """A URL no operation has: a 404 in the error envelope, or, for a read of an API URL
    without its trailing slash, a 301 to the URL with it (negotiations.api.slashes)."""
    request = response.wsgi_request
    if response.status_code == 404:
        schema = {"$ref": "#/components/schemas/Error", **published_schema()}
        try:
            validate(response.json(), schema, cls=OAS31Validator)
        except Exception as error:
            message = f"{request.path} -> 404: not the error envelope: {error}"
            raise AssertionError(message) from None
        return
    query = request.META.get("QUERY_STRING")
    slashed = f"{request.path}/" + (f"?{query}" if query else "")
    if response.status_code == 301 and response["Location"] == slashed:
        return
    raise AssertionError(f"{request.method} {request.path}: not in the schema")


def error_fields(response) -> set[str]:
    """The fields and parameters an error answer names (the top-level name of each)."""
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors", "request_id"}, body
    return {item["field"].split(".")[0] for item in body["errors"] if item["field"]}


def json_error(response, status: int = 400) -> dict:
    """The body of an error answer: the status asked for, in JSON, in the envelope."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error_fields(response)  # the envelope's shape
    return response.json()


def error_messages(response) -> dict[str, list[str]]:
    """An error answer's messages by field or parameter (nested fields by their top-level
    name; `non_field_errors` for the request as a whole)."""
    error_fields(response)  # the envelope's shape
    messages: dict[str, list[str]] = {}
    for item in response.json()["errors"]:
        name = item["field"].split(".")[0] if item["field"] else "non_field_errors"
        messages.setdefault(name, []).append(item["detail"])
    return messages


def json_4xx(response, status: int = 400, *, naming: str | None = None) -> dict[str, list[str]]:
    """An error answer's messages by field or parameter, once its status, its JSON and its
    envelope are checked; with ``naming``, the field or parameter it must name."""
    json_error(response, status)
    messages = error_messages(response)
    if naming is not None:
        assert naming in messages, messages
    return messages


def parameters_of(schema: dict, path: str, method: str = "get") -> dict[str, dict]:
    """An operation's parameters by name, shared ones (`$ref`) resolved."""
    found = {}
    for parameter in schema["paths"][path][method].get("parameters", []):
        if "$ref" in parameter:
            parameter = schema["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found[parameter["name"]] = parameter
    return found
