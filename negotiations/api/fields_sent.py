"""What a write's body may hold: a field the resource does not have is a 400 naming it
(``unexpected_field``), never silently dropped; so is a read-only field, unless it is sent
back unchanged on an update (a client may PUT the body it GOT).

Read-only fields are compared only when sent, and only they are rendered (as a GET shows
them, through the view's reader or serializer): a write that sends none costs nothing here.
"""

import orjson
from rest_framework import serializers

from negotiations.api.renderers import orjson_default

# Why a read-only field cannot be written, and where it is written instead. A field not
# named here is computed by the server from the record and its sources.
WRITTEN_ELSEWHERE = {
    "id": "set by the server",
    "created": "set by the server",
    "updated": "set by the server on every write",
    "aliases": "edited in the admin (the record's Aliases)",
    "roles": "edited in the admin (the person's Roles)",
    "related": "edited in the admin (the negotiation's Relations)",
    "participants": "edited in the admin (the round's Participants); positions and "
    "quotes of a participant go through POST /api/v1/positions/",
    "agenda": "written through POST /api/v1/agenda-items/ with round=<slug>",
    "claims": "edited in the admin (the conflict's Claims)",
    "negotiation": "the round's negotiation: change the item's round",
    "publisher": "the source's: change it on /api/v1/sources/<slug>/",
    "known_as_of": "the day a ?known_as_of= read asks for",
    "unknown_fields": "computed from the record's values",
    "disputes": "computed from the sources' values; conflicts are written through "
    "POST /api/v1/conflicts/",
    "days_remaining": "computed from the date",
    "deadline_status": "computed from the date",
}


def as_json(value):
    """A value as a client reads it back from the JSON (dates as strings, decimals as
    numbers)."""
    return orjson.loads(orjson.dumps(value, default=orjson_default))


def check_body_fields(view, data, instance=None) -> None:
    """Refuse (400, ``unexpected_field``) each body field the write does not take: unknown
    to the resource, or read-only (on a create; on an update unless equal to what the API
    shows)."""
    if not isinstance(data, dict):
        return  # the serializer's own "expected an object"
    fields = view.get_serializer_class()(context=view.get_serializer_context()).fields
    writable = sorted(name for name, field in fields.items() if not field.read_only)
    errors = {}
    for name in data:
        if name not in fields:
            errors[name] = (
                f"Not a field of this resource: nothing was written. Fields it takes: "
                f"{', '.join(writable)}."
            )
    read_only = [name for name in data if name in fields and fields[name].read_only]
    if read_only and instance is not None:
        shown = shown_values(view, instance, read_only)
        read_only = [name for name in read_only if as_json(data[name]) != shown.get(name)]
    for name in read_only:
        why = WRITTEN_ELSEWHERE.get(name, "computed by the server")
        if instance is None:
            errors[name] = f"Read-only ({why}): leave it out of a create."
        else:
            errors[name] = f"Read-only ({why}): send it as the API shows it, or leave it out."
    if errors:
        raise serializers.ValidationError(
            {
                name: [serializers.ErrorDetail(text, code="unexpected_field")]
                for name, text in errors.items()
            }
        )


def shown_values(view, instance, names: list[str]) -> dict:
    """The named fields of the record as a GET answers them now (before the write)."""
    before = getattr(view, "sparse_fields", None)
    view.sparse_fields = set(names)
    try:
        record = view.record_answer(instance)
        if view.reader is None and hasattr(view, "as_known"):
            record = view.as_known(record)  # the disputes its values make, as a GET adds
    finally:
        view.sparse_fields = before
    return as_json({name: record.get(name) for name in names})
