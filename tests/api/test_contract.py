"""The OpenAPI schema as a contract typed clients can be generated from as it is: reads need
no credentials, answers' fields are required, nullable references are 3.1 unions, one
`Format` parameter, enums by reference, unique names, CSV as text, sparse answers typed, and
every error answer the one envelope, every operation documenting the errors it can give
(several of these were found by Schemathesis, .ci/schemathesis.sh)."""

import json
import re

import pytest

from negotiations.api.schema import SLUG_PATTERN
from tests import factories
from tests.contract import check_response, parameters_of, published_schema

pytestmark = pytest.mark.django_db

METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
READS = ("get", "head", "options")


@pytest.fixture(scope="module")
def schema():
    return published_schema()


def operations(schema, *, allowed_only: bool = True):
    """Every operation (path, method, operation); without the 405s of the methods a URL
    does not take unless ``allowed_only`` is false."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS and (not allowed_only or not not_allowed(operation)):
                yield path, method, operation


def not_allowed(operation) -> bool:
    return "not-allowed" in operation.get("tags", ())


def resolve(schema, node):
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = schema["components"][section][name]
    return node


def test_the_test_clients_check_answers_against_the_schema(api, round_url):
    """The guard itself can fail: an answer missing a required field is refused."""
    response = api.get(round_url)
    body = response.json()
    del body["slug"]
    response.content = json.dumps(body).encode()
    with pytest.raises(AssertionError, match="slug"):
        check_response(response)


def test_a_full_record_missing_a_field_is_not_taken_for_a_sparse_one(api, round_url):
    """Records were `anyOf: [Round, SparseRound]`: a round without its id, title, status,
    agenda or created validated as a sparse one (and typed clients made every field
    optional). The JSON URL's answer is a Round, each field it always carries required."""
    response = api.get(round_url)
    body = response.json()
    for name in ("id", "title", "status", "agenda", "created"):
        del body[name]
    response.content = json.dumps(body).encode()
    with pytest.raises(AssertionError, match="required"):
        check_response(response)


def test_a_sparse_answer_is_checked_against_its_sparse_type(api, a_round):
    response = api.get(f"/api/v1/sparse/rounds/{a_round.slug}/", {"fields": "slug,title"})
    assert set(response.json()) == {"slug", "title"}
    body = response.json()
    body["title"] = 7
    response.content = json.dumps(body).encode()
    with pytest.raises(AssertionError, match="title"):
        check_response(response)


def test_openapi_31(schema):
    assert schema["openapi"].startswith("3.1")
    assert '"nullable"' not in json.dumps(schema)


def test_reads_declare_no_security_and_writes_a_token_or_a_session(schema):
    """GETs declared token or session authentication only: anonymous reads looked forbidden.
    Then `[token, cookie, {}]`, which generators read as "authenticated": now reads declare
    no security requirement at all, and writes a token or a session."""
    for path, method, operation in operations(schema, allowed_only=False):
        if not_allowed(operation) or method == "options":  # before credentials
            assert "security" not in operation, (method, path)
        elif path == "/api/v1/auth/token/":  # the token of the request: only a token
            assert operation["security"] == [{"tokenAuth": []}], (method, path)
        elif path.startswith("/api/v1/intake/"):  # an editor's tool, reads included
            assert operation["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], path
        elif method in READS:
            assert "security" not in operation, (method, path)
        else:
            assert operation["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], path


def test_every_field_of_an_answer_is_required_but_known_as_of(schema):
    for name, component in schema["components"]["schemas"].items():
        properties = set(component.get("properties", ()))
        if not properties or name.endswith("Request") or name.startswith("Sparse"):
            continue
        if name == "Metadata":
            continue  # DRF's answer to OPTIONS: `actions` only for a client who may write
        missing = properties - set(component.get("required", ()))
        # Present only in answers as known on a day (?known_as_of=).
        assert missing <= {"known_as_of", "unknown_fields"}, (name, missing)


def test_nullable_references_are_unions_with_null(schema):
    participant = schema["components"]["schemas"]["Participant"]["properties"]
    assert participant["person"]["oneOf"] == [
        {"$ref": "#/components/schemas/NamedRef"},
        {"type": "null"},
    ]
    change = schema["components"]["schemas"]["AreaChange"]["properties"]
    assert {"type": "null"} in change["before"]["oneOf"]
    speaker = schema["components"]["schemas"]["Position"]["properties"]["speaker"]
    assert {"type": "null"} in speaker["oneOf"]


def test_each_answer_has_one_representation(schema):
    """A generated client reads one representation per status: a documented ?format=csv made
    it parse CSV as JSON, then `text/csv` beside JSON in one 200 typed every list as
    `string | PaginatedRoundList` (openapi-fetch, orval). Each has its own URL now."""
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            assert resolve(schema, parameter)["name"] != "format", (method, path)
        for status, answer in operation["responses"].items():
            assert len(resolve(schema, answer).get("content", {})) <= 1, (method, path, status)
    json = schema["paths"]["/api/v1/rounds/"]["get"]["responses"]["200"]["content"]
    assert list(json) == ["application/json"]
    csv = schema["paths"]["/api/v1/rounds.csv"]["get"]["responses"]["200"]["content"]
    assert list(csv) == ["text/csv"]


def test_csv_is_checked_as_the_bytes_a_client_receives(api):
    response = api.get("/api/v1/rounds.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b'"id","slug",')


def test_query_enums_refer_to_components(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            parameter = resolve(schema, parameter)
            inner = parameter["schema"].get("items", parameter["schema"])
            assert "enum" not in inner, (method, path, parameter["name"])


def test_component_names_are_meaningful(schema):
    names = list(schema["components"]["schemas"])
    assert not [name for name in names if re.search(r"\d$", name)]
    assert "KnownAsOfRequest" not in names  # unreferenced twins are dropped


def test_no_value_is_a_union_of_strings(schema):
    """`anyOf: [text, {maxLength: 0}]` on every optional text made code generators build a
    class per alternative (datamodel-code-generator: Notes1 to Notes23, 115 numbered names);
    its pattern already takes "", so a text is one schema."""
    assert '"maxLength": 0' not in json.dumps(schema)
    for name, component in schema["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            for key in ("anyOf", "oneOf"):
                strings = [o for o in prop.get(key, ()) if o.get("type") == "string"]
                assert len(strings) < 2, (name, field)


def test_lists_of_slugs_share_one_type(schema):
    """An inline constrained item was a class per field, named after it (Citation1 beside
    the Citation component)."""
    assert schema["components"]["schemas"]["Slug"]["pattern"] == SLUG_PATTERN
    for name, component in schema["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            items = prop.get("items", {})
            assert items.get("type") != "string" or len(items) == 1, (name, field, items)
    parties = schema["components"]["schemas"]["NegotiationRequest"]["properties"]["parties"]
    assert parties["items"] == {"$ref": "#/components/schemas/Slug"}


def test_the_audit_history_has_one_name(schema):
    paths = schema["paths"]
    assert "/api/v1/rounds/{slug}/audit-history/" in paths
    assert "/api/v1/rounds/{slug}/history/" not in paths
    assert "/api/v1/agenda-areas/{slug}/history/" in paths  # the area's agenda story


def test_csv_is_bytes_with_paging_headers(schema):
    """`type: string` is a decoded text: openapi-core refused the bytes a client receives."""
    answer = schema["paths"]["/api/v1/rounds.csv"]["get"]["responses"]["200"]
    assert answer["content"]["text/csv"]["schema"]["contentMediaType"] == "text/csv"
    assert "type" not in answer["content"]["text/csv"]["schema"]
    assert {"Link", "X-Total-Count", "ETag", "Last-Modified", "X-Request-ID"} <= set(
        answer["headers"]
    )


def test_sparse_answers_are_typed_apart(schema):
    components = schema["components"]["schemas"]
    items = components["PaginatedRoundList"]["properties"]["results"]["items"]
    assert items == {"$ref": "#/components/schemas/Round"}
    sparse = components["PaginatedSparseRoundList"]["properties"]["results"]["items"]
    assert sparse == {"$ref": "#/components/schemas/SparseRound"}
    assert "required" not in components["SparseRound"]
    assert set(components["SparseRound"]["properties"]) == set(components["Round"]["properties"])
    assert "anyOf" not in json.dumps(schema["paths"])
    fields = parameters_of(schema, "/api/v1/sparse/rounds/{slug}/")["fields"]
    pattern = re.compile(fields["schema"]["pattern"])
    assert pattern.match("slug, title") and pattern.match("slug")
    assert not pattern.match("") and not pattern.match("slug,,title")
    assert not pattern.match("colour")


def test_slug_filters_say_what_a_slug_is(schema):
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            parameter = resolve(schema, parameter)
            if "a slug" not in parameter.get("description", ""):
                continue
            inner = parameter["schema"].get("items", parameter["schema"])
            assert inner.get("pattern") == SLUG_PATTERN, (path, parameter["name"])


def test_every_error_answer_is_the_envelope(schema):
    envelope = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        for status, answer in operation["responses"].items():
            if int(status) < 400:
                continue
            answer = resolve(schema, answer)
            if method == "head":
                assert "content" not in answer and "X-Request-ID" in answer["headers"]
                continue
            assert answer["content"]["application/json"]["schema"] == envelope, (path, status)
            assert "X-Request-ID" in answer["headers"]
    too_many = schema["components"]["responses"]["TooManyRequests"]["headers"]
    assert {"Retry-After", "RateLimit-Remaining"} <= set(too_many)


def test_a_201_documents_its_location(schema):
    created = schema["paths"]["/api/v1/rounds/"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]


def test_every_operation_documents_its_error_answers(schema):
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        if method == "options":  # no record is looked up
            assert {"400", "401", "429", "503"} <= documented, path
            continue
        assert {"400", "401", "404", "429", "503"} <= documented, (method, path)
        if method in ("post", "put", "patch", "delete"):
            assert {"403", "409"} <= documented, (method, path)
        if method in ("post", "put", "patch"):
            assert {"413", "415"} <= documented, (method, path)
        if method in ("put", "patch", "delete") and "{slug}" in path:  # a record's writes
            assert "412" in documented, (method, path)
            assert "If-Match" in parameters_of(schema, path, method), (method, path)


def test_every_operation_has_a_summary_and_a_unique_id(schema):
    """Generated clients and the docs' menus show the summary; operations had none."""
    for path, method, operation in operations(schema, allowed_only=False):
        assert operation.get("summary"), (method, path)


def test_every_url_documents_every_method_a_client_can_send(schema):
    """405s, HEAD and OPTIONS were undocumented: a validator had no operation for them, and
    PUT rounds/compare/ was taken for an update of a round called "compare"."""
    for path, item in schema["paths"].items():
        assert set(METHODS) <= set(item), path
        head = item["head"]
        if not_allowed(head):  # a URL that only takes a write (POST /api/v1/intake/)
            assert all("WithoutBody" in answer["$ref"] for answer in head["responses"].values())
        else:
            assert not head["responses"]["200"].get("content"), path
    compare = schema["paths"]["/api/v1/rounds/compare/"]
    assert set(compare["put"]["responses"]) == {"400", "405"}
    ids = [operation["operationId"] for _, _, operation in operations(schema, allowed_only=False)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_reserved_name_answers_as_itself(editor, method):
    """PUT rounds/compare/ is the compare endpoint's 405, checked against its own operation
    (the contract client validates every answer), never a round update's."""
    response = getattr(editor, method)("/api/v1/rounds/compare/", {}, format="json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_every_method_a_url_does_not_take_is_a_405_there(editor, schema):
    """Each documented 405 is what the server answers (whatever resources are added)."""
    for path, method, operation in operations(schema, allowed_only=False):
        if not_allowed(operation):
            url = re.sub(r"\{\w+\}", "any-slug", path)
            response = getattr(editor, method)(url, {}, format="json")
            assert response.status_code == 405, (method, path, response.status_code)
            assert method.upper() not in response["Allow"], (method, path)


def test_head_and_options_are_answered_as_documented(api, a_round):
    """The contract client checks these answers against the HEAD and OPTIONS operations."""
    for url in ("/api/v1/rounds/", f"/api/v1/rounds/{a_round.slug}.csv", "/api/v1/review/"):
        head = api.head(url)
        assert head.status_code == 200 and head.content == b"", url
        options = api.options(url)
        assert options.status_code == 200 and options.json()["name"], url


def test_a_parameter_several_operations_take_is_one_component(schema):
    """A list's filters were copied into its JSON, CSV and sparse URLs and their HEADs: a
    third of the schema. Each is written once."""
    negotiation = parameters_of(schema, "/api/v1/rounds/")["negotiation"]
    for path in ("/api/v1/rounds.csv", "/api/v1/sparse/rounds/"):
        assert parameters_of(schema, path)["negotiation"] == negotiation
    refs = [p for p in schema["paths"]["/api/v1/rounds/"]["head"]["parameters"] if "$ref" in p]
    assert len(refs) == len(schema["paths"]["/api/v1/rounds/"]["head"]["parameters"])


def test_audit_history_is_a_plain_list_without_list_parameters(schema):
    """It was documented as a paginated, filterable list (and the filters were a 400)."""
    operation = schema["paths"]["/api/v1/rounds/{slug}/audit-history/"]["get"]
    assert set(parameters_of(schema, "/api/v1/rounds/{slug}/audit-history/")) <= {
        "slug",
        "If-None-Match",
        "If-Modified-Since",
    }
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )


def test_a_participant_without_an_organization_is_null(schema, api):
    participant = schema["components"]["schemas"]["Participant"]["properties"]
    assert participant["organization"]["type"] == ["string", "null"]
    assert participant["person"]["oneOf"][1] == {"type": "null"}


def test_updates_do_not_document_the_slug(schema):
    """A slug never changes (a different one is a 400): updates no longer document it."""
    patched = schema["components"]["schemas"]["PatchedRoundRequest"]["properties"]
    assert "slug" not in patched
    assert "slug" in schema["components"]["schemas"]["RoundRequest"]["properties"]


def test_bounds_and_patterns_are_documented(schema):
    parameters = parameters_of(schema, "/api/v1/rounds/")
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["maximum"] == 500
    assert parameters["page"]["schema"]["minimum"] == 1
    assert "start_date" in parameters["ordering"]["schema"]["pattern"]
    assert parameters["negotiation"]["schema"]["items"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert parameters["updated_since"]["allowEmptyValue"] is True
    assert "allowEmptyValue" not in parameters["negotiation"]


def test_a_source_without_a_url_matches_the_schema(api, schema):
    """`url` is "" when there is none: the schema said `format: uri` alone once its `anyOf`
    with "" became one schema (Schemathesis found it; openapi-core checks no URI format).
    A URL or "" is now its pattern."""
    source = factories.source(url="")
    assert api.get(f"/api/v1/sources/{source.slug}/").json()["url"] == ""
    for name in ("Source", "SourceRequest", "SparseSource"):
        url = schema["components"]["schemas"][name]["properties"]["url"]
        assert "format" not in url, name
        assert re.search(url["pattern"], "") and re.search(url["pattern"], "https://e.org/a")
