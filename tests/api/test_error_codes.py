"""Error codes are enums a client can switch on exhaustively: the envelope's `code` and each
item's, every value the API can send (`invalid_choice` was missing from the list a client
read), one list each (negotiations.api.errors), whatever fields and filters are added."""

import logging

import pytest
from rest_framework import serializers

from negotiations.api.errors import ERROR_CODES, ITEM_CODES, error_items
from negotiations.api.serializers import ChangesQuerySerializer
from negotiations.api.urls import router
from negotiations.api.views.feeds import ReviewQuerySerializer
from tests.contract import published_schema

pytestmark = pytest.mark.django_db

# Raised by the API's own checks (query parameters, paging, formats).
OWN_CODES = {"unknown_parameter", "unknown_field", "unknown_format", "invalid_cursor", "required"}


def codes_of(field) -> set[str]:
    """What a form or serializer field (with its validators) can say is wrong."""
    codes = set(getattr(field, "error_messages", {}))
    codes |= {v.code for v in getattr(field, "validators", ()) if getattr(v, "code", None)}
    for inner in (getattr(field, "child_relation", None), getattr(field, "child", None)):
        if inner is not None:
            codes |= codes_of(inner)
    for inner in getattr(field, "fields", ()):  # a form's MultiValueField (date ranges)
        codes |= codes_of(inner)
    return codes


def serializer_codes(serializer) -> set[str]:
    codes = set()
    for field in serializer.fields.values():
        if field.read_only:
            continue
        codes |= codes_of(field)
        if isinstance(field, serializers.ListSerializer):
            codes |= serializer_codes(field.child)
        elif isinstance(field, serializers.BaseSerializer):
            codes |= serializer_codes(field)
    return codes


def model_codes(model) -> set[str]:
    """full_clean(): field validation, unique checks and constraints (a constraint with its
    own message has no code: `invalid`)."""
    codes = {"invalid", "unique", "unique_together"}
    for field in model._meta.concrete_fields:
        if field.editable:
            codes |= codes_of(field)
    codes |= {c.violation_error_code for c in model._meta.constraints if c.violation_error_code}
    return codes


def every_code_the_api_can_send() -> set[str]:
    codes = set(OWN_CODES)
    for _prefix, viewset, _ in router.registry:
        codes |= serializer_codes(viewset.serializer_class())
        model = viewset.queryset.model
        codes |= model_codes(model)
        form = viewset.filterset_class(queryset=model.objects.none()).form
        for field in form.fields.values():
            codes |= codes_of(field)
        for query in getattr(viewset, "action_params", {}).values():
            codes |= serializer_codes(query())
    for query in (ChangesQuerySerializer, ReviewQuerySerializer):
        codes |= serializer_codes(query())
    return codes


def test_every_item_code_the_api_can_send_is_in_the_enum():
    missing = every_code_the_api_can_send() - set(ITEM_CODES)
    assert not missing, f"add them to negotiations.api.errors.ITEM_CODES: {sorted(missing)}"


def test_the_schema_s_enums_are_the_lists():
    schemas = published_schema()["components"]["schemas"]
    assert schemas["ErrorCodeEnum"]["enum"] == list(ERROR_CODES)
    assert schemas["ErrorItemCodeEnum"]["enum"] == list(ITEM_CODES)
    assert "invalid_choice" in schemas["ErrorItemCodeEnum"]["enum"]
    assert schemas["Error"]["properties"]["code"]["$ref"].endswith("/ErrorCodeEnum")
    assert schemas["ErrorItem"]["properties"]["code"]["$ref"].endswith("/ErrorItemCodeEnum")


def test_an_unlisted_code_is_sent_as_invalid_and_logged(caplog):
    detail = {"level": [serializers.ErrorDetail("Odd.", code="some_new_check")]}
    with caplog.at_level(logging.WARNING, logger="negotiations.api.errors"):
        [item] = error_items(detail)
    assert item["code"] == "invalid"
    assert "some_new_check" in caplog.text


def test_a_bad_choice_says_invalid_choice(api):
    """The contract client checks the code against the enum; the server sends this one."""
    body = api.get("/api/v1/rounds/", {"level": "galactic"}).json()
    assert body["errors"][0]["code"] == "invalid_choice"
