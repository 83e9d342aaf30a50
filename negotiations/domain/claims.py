"""A record's claims: for each facet, every value the sources gave, each with its citations
and their publication days, and whether it is current, superseded (by which quote) or
disputed (negotiations.domain.provenance has the rules).

``GET /api/v1/{resource}/{slug}/claims/`` on every cited resource, the admin's record page
("which quote backs each field") and the dashboard's hover read it from here.
"""

import datetime
from typing import Annotated, Any, TypedDict

from django.db.models import Model

from negotiations.choices import RoundStatus
from negotiations.domain.citations import CitationRef, statements_of
from negotiations.domain.provenance import (
    FACET_KINDS,
    facet_state,
    json_value,
    record_facets,
)
from negotiations.domain.shapes import Doc
from negotiations.models import AgendaItem, Participant, Round

VERSION_STATES = ("current", "superseded", "disputed")


class ClaimedValue(TypedDict):
    value: Annotated[
        dict[str, Any],
        Doc("The facet's fields as these sources give them (field -> value).", format="json"),
    ]
    state: Annotated[
        str,
        Doc(
            "current: the value shown; superseded: replaced by a later value (a refinement, "
            "a change, a later wording: see superseded_by); disputed: sources disagree and "
            "this is one of the versions that stand.",
            choices=VERSION_STATES,
        ),
    ]
    superseded_by: Annotated[list[str], Doc("The citations (slugs) whose value replaced it.")]
    citations: Annotated[list[CitationRef], Doc("The quotes giving it, oldest source first.")]


class FacetClaims(TypedDict):
    facet: Annotated[str, Doc("A group of fields a source states together.")]
    fields: list[str]
    kind: Annotated[
        str,
        Doc(
            "How two sources' values relate: wording (a later one replaces), progress (it "
            "moves on), window (a finer date inside refines), exact (a different value "
            "contradicts).",
            choices=FACET_KINDS,
        ),
    ]
    known: Annotated[bool, Doc("Whether any source (published by known_as_of) states it.")]
    disputed: bool
    value: Annotated[
        dict[str, Any] | None,
        Doc("The value shown (null: not known).", format="json"),
    ]
    values: Annotated[list[ClaimedValue], Doc("Every value given, oldest first.")]


class EmbeddedClaims(TypedDict):
    kind: Annotated[str, Doc("participant or agenda_item.")]
    record: Annotated[dict[str, Any], Doc("type, slug and id of the record.", format="json")]
    label: Annotated[str, Doc("Which one: the name or the label as recorded now.")]
    facets: list[FacetClaims]


class RecordClaims(TypedDict):
    record: Annotated[dict[str, Any], Doc("type, slug and id of the record.", format="json")]
    facets: list[FacetClaims]
    cited_as_a_whole: Annotated[
        list[CitationRef],
        Doc(
            "Citations that say nothing of which facets their quote states: each counts for "
            "every facet until an editor says which (the review queue lists them)."
        ),
    ]
    embedded: Annotated[
        list[EmbeddedClaims],
        Doc(
            "The claims of the records shown inside this one: a round's participants and "
            "agenda items."
        ),
    ]


# The records shown inside a resource, whose claims come with its own.
EMBEDDED = {Round: (("participants", Participant), ("agenda_items", AgendaItem))}


def current_values(record: Model) -> dict[str, Any]:
    """The record's facet fields now, as the API shows them (related records by slug)."""
    model = type(record)
    names = {name for facet in record_facets(model).values() for name in facet.fields}
    return {name: json_value(model, name, getattr(record, name)) for name in names}


def facet_claims(model, statements, current: dict, day: datetime.date | None) -> list:
    claims = []
    for name, facet in record_facets(model).items():
        state = facet_state(model, name, statements, current, day)
        claims.append(
            {
                "facet": name,
                "fields": list(facet.fields),
                "kind": facet.kind,
                "known": state.known,
                "disputed": state.disputed,
                "value": state.value,
                "values": [
                    {
                        "value": version.value,
                        "state": version.state,
                        "superseded_by": version.superseded_by,
                        "citations": [dict(s.citation) for s in version.statements],
                    }
                    for version in state.versions
                ],
            }
        )
    return claims


def record_claims(record: Model, *, known_as_of: datetime.date | None = None) -> RecordClaims:
    """Every facet of ``record`` (and of the records it embeds) with every value the sources
    published by ``known_as_of`` gave (all of them if None): four queries."""
    model = type(record)
    embedded = {
        key: list(
            getattr(record, key).select_related(
                *(f.name for f in nested._meta.concrete_fields if f.is_relation)
            )
        )
        for key, nested in EMBEDDED.get(model, ())
    }
    facts: dict[type[Model], list[int]] = {model: [record.pk]}
    for key, nested in EMBEDDED.get(model, ()):
        facts[nested] = [child.pk for child in embedded[key]]
    stated = statements_of(facts, known_as_of)
    own = stated[model].get(record.pk, [])
    answer: RecordClaims = {
        "record": {
            "type": model._meta.model_name,
            "slug": getattr(record, "slug", None),  # a participant has none
            "id": record.pk,
        },
        "facets": facet_claims(model, own, current_values(record), known_as_of),
        "cited_as_a_whole": [dict(s.citation) for s in own if not s.facets],
        "embedded": [],
    }
    for key, nested in EMBEDDED.get(model, ()):
        for child in embedded[key]:
            statements = stated[nested].get(child.pk, [])
            if known_as_of is not None and not statements:
                continue  # not known yet
            answer["embedded"].append(
                {
                    "kind": nested._meta.model_name.replace("agendaitem", "agenda_item"),
                    "record": {
                        "type": nested._meta.model_name,
                        "slug": getattr(child, "slug", None),  # a participant has none
                        "id": child.pk,
                    },
                    "label": child.label if nested is AgendaItem else child.name_as_reported,
                    "facets": facet_claims(nested, statements, current_values(child), known_as_of),
                }
            )
    if model is Round and known_as_of is not None:
        planned_until_held(answer, known_as_of)
    return answer


def planned_until_held(answer: RecordClaims, day: datetime.date) -> None:
    """The round rule of what was known: a round dated after the day was planned then."""
    facets = {claim["facet"]: claim for claim in answer["facets"]}
    date, status = facets.get("date"), facets.get("status")
    start = (date or {}).get("value") and date["value"].get("start_date")
    if status and status["value"] and start and start > day.isoformat():
        status["value"] = {"status": RoundStatus.PLANNED}
