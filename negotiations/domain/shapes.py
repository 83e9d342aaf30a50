"""The shapes of the domain's answers are declared once, as TypedDicts, and what the API
documents about a field (its help, its choices, that it is a slug or a date) rides along in
``Annotated`` metadata. negotiations.api.serializers.shapes turns each TypedDict into the
serializer that documents it in the OpenAPI schema, so no answer's shape is written twice.

    class RoundRef(TypedDict):
        slug: Slug
        level: Annotated[str, Doc(choices=RoundLevel.choices)]
        start_date: Annotated[str | None, DATE]
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated


@dataclass(frozen=True)
class Doc:
    """What the schema says about a field of an answer."""

    help: str = ""
    choices: Sequence | None = None  # the values (or Django's (value, label) pairs)
    format: str | None = None  # "slug", "date", "date-time" or "json" (any JSON value)


SLUG, DATE, DATE_TIME, JSON = (
    Doc(format="slug"),
    Doc(format="date"),
    Doc(format="date-time"),
    Doc(format="json"),
)
Slug = Annotated[str, SLUG]
