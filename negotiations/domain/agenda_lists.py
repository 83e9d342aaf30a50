"""What each source listed, and left off, of a round's agenda: exclusions, and the disputes
that the lists themselves make.

* **Excluded.** A source may say an area is off an agenda (an AgendaExclusion): off one
  round's ("the discussion did not include defense costs"), or off a whole negotiation's
  ("defense costs are not part of trade negotiations"), sometimes with where it is handled
  instead. Such an area is *excluded* at that round (at every round of the negotiation, for
  one off the whole negotiation) unless an item lists it there: not the same as *absent*
  (a reported list without it) or *unknown* (no list reported).
* **Disputed by the lists.** A source that gives a round's whole list of areas (its link to
  the round names the facet ``agenda_list``) says that an area it leaves out was not on it:
  its list is the areas of the items it cites at that round, unless its value says which.
  When another source lists an area that such a list leaves out, or that an exclusion says
  was off, the sources dispute that area at that round, and only that area: a dispute
  computed from the values (``computed: true``), nobody has to write it down.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, TypedDict

from negotiations.domain.citations import CitationRef
from negotiations.domain.provenance import Statement, dispute_refs
from negotiations.domain.shapes import Doc, Slug
from negotiations.models import AgendaExclusion, Round

AGENDA_LIST = "agenda_list"


class ExcludedArea(TypedDict):
    slug: Annotated[str, Doc("The area said to be off the agenda.", format="slug")]
    name: str
    exclusion: Annotated[str, Doc("The exclusion (agenda-exclusions/{slug}/).", format="slug")]
    scope: Annotated[
        str,
        Doc(
            "round: off this round's agenda; negotiation: off the whole negotiation's.",
            choices=("round", "negotiation"),
        ),
    ]
    handled_in: Annotated[
        str | None,
        Doc("The negotiation a source says handles it instead, if one.", format="slug"),
    ]
    note: str
    citations: list[CitationRef]


def exclusion_rows(round_ids: list[int]) -> list[dict]:
    """The exclusions of these rounds and of the whole negotiations they belong to (one
    query)."""
    from django.db.models import Q

    return list(
        AgendaExclusion.objects.filter(
            Q(round_id__in=round_ids) | Q(round=None, negotiation__rounds__in=round_ids)
        )
        .distinct()
        .order_by("area__name", "pk")
        .values(
            "id",
            "slug",
            "round_id",
            "negotiation_id",
            "negotiation__slug",
            "note",
            "area__slug",
            "area__name",
            "handled_in__slug",
        )
    )


def excluded_area(exclusion: dict, citations: list) -> ExcludedArea:
    return {
        "slug": exclusion["area__slug"],
        "name": exclusion["area__name"],
        "exclusion": exclusion["slug"],
        "scope": "round" if exclusion["round_id"] else "negotiation",
        "handled_in": exclusion["handled_in__slug"],
        "note": exclusion["note"],
        "citations": citations,
    }


def list_disputes(
    row: dict,
    agenda: Mapping[str, dict],
    item_statements: Mapping[str, list[Statement]],
    round_statements: Iterable[Statement],
    exclusions: Iterable[ExcludedArea],
) -> list[dict]:
    """The disputes about ``row``'s agenda that the sources' lists make (see the rules),
    one per area, in the shape of a recorded disagreement about that area.

    ``agenda``: area slug -> {"name", "reported"} of the round's listed areas; ``item
    statements``: area slug -> the statements of the items listing it; ``round statements``:
    the round's own."""
    listed_by = {
        area: {statement.citation["source"] for statement in statements}
        for area, statements in item_statements.items()
    }
    lists: dict[str, tuple[set[str], list[dict]]] = {}
    for statement in round_statements:
        if AGENDA_LIST not in statement.facets:
            continue
        source = statement.citation["source"]
        given = statement.values.get(AGENDA_LIST, {}).get("areas")
        areas = (
            set(given)
            if given is not None
            else {area for area, sources in listed_by.items() if source in sources}
        )
        known_areas, quotes = lists.setdefault(source, (set(), []))
        known_areas |= areas
        quotes.append(dict(statement.citation))
    excluded = {entry["slug"]: entry for entry in exclusions}
    disputes = []
    for area, area_data in sorted(agenda.items(), key=lambda pair: pair[1]["name"]):
        against = [
            quote
            for source, (areas, quotes) in sorted(lists.items())
            if area not in areas and source not in listed_by.get(area, set())
            for quote in quotes
        ]
        if area in excluded:
            against.extend(excluded[area]["citations"])
        if not against:
            continue
        name = area_data["name"]
        disputes.append(
            {
                "slug": f"{row['slug']}--{area}--listed",
                "title": f"Was {name} on the agenda of {row['title']}?",
                "status": "open",
                "topic": "agenda",
                "round": row["slug"],
                "area": area,
                "computed": True,
                "claims": [
                    {
                        "label": "A",
                        "claim": f"{name} was on the agenda: these sources list it.",
                        "citations": sorted(
                            {
                                s.citation["slug"]: dict(s.citation)
                                for s in item_statements.get(area, [])
                            }.values(),
                            key=lambda citation: citation["slug"],
                        ),
                    },
                    {
                        "label": "B",
                        "claim": f"{name} was not on the agenda: these sources give the list "
                        "without it, or say it was off.",
                        "citations": sorted(
                            {quote["slug"]: quote for quote in against}.values(),
                            key=lambda citation: citation["slug"],
                        ),
                    },
                ],
            }
        )
    return disputes


def round_list_disputes(record: dict, exclusions: Iterable[ExcludedArea], day=None) -> list[dict]:
    """The disputes the sources' lists make about a round in the API's shape (its agenda
    items with their areas and citations, its own citations), as its ``disputes`` list them
    (versions: the round's agenda answers and claims/)."""
    from negotiations.domain.citations import statement_from_ref

    if not record.get("agenda"):
        return []
    # Only what a source says of this round contradicts its list (as in agenda.Evidence).
    exclusions = [entry for entry in exclusions if entry["scope"] == "round"]
    statements = [statement_from_ref(ref) for ref in record.get("citations") or ()]
    gives_a_list = any(AGENDA_LIST in statement.facets for statement in statements)
    if not gives_a_list and not exclusions:
        return []
    agenda: dict[str, dict] = {}
    item_statements: dict[str, list[Statement]] = {}
    for item in record["agenda"]:
        stated = [statement_from_ref(ref) for ref in item.get("citations") or ()]
        for area in item.get("areas") or ():
            agenda[area["slug"]] = {"name": area["name"]}
            item_statements.setdefault(area["slug"], []).extend(stated)
    listed = set(agenda)
    disputes = list_disputes(
        record,
        agenda,
        item_statements,
        statements,
        [entry for entry in exclusions if entry["slug"] in listed],
    )
    return [
        {
            "slug": dispute["slug"],
            "title": dispute["title"],
            "topic": dispute["topic"],
            "status": dispute["status"],
            "area": dispute["area"],
            "facet": AGENDA_LIST,
            "computed": True,
        }
        for dispute in disputes
    ]


__all__ = [
    "AGENDA_LIST",
    "ExcludedArea",
    "Slug",
    "excluded_area",
    "exclusion_rows",
    "list_disputes",
]


def round_exclusions(
    records: Sequence[dict], rows: list[dict], cited: dict, known_as_of: datetime.date | None
) -> dict[str, list]:
    """The areas sources say were off each round's agenda or its negotiation's (by round
    slug): ``rows``, the exclusions of these rounds and of their negotiations; ``cited``,
    their citations by id (one not yet cited on the day is not known)."""
    found: dict[str, list] = defaultdict(list)
    for row in rows:
        if known_as_of is not None and not cited.get(row["id"]):
            continue
        entry = excluded_area(row, cited.get(row["id"], []))
        for record in records:
            same_round = row["round_id"] == record["id"]
            whole = row["round_id"] is None and row["negotiation__slug"] == (
                record["negotiation"] or {}
            ).get("slug")
            if same_round or whole:
                found[record["slug"]].append(entry)
    return found


def add_computed_disputes(
    records: list[dict], exclusions: list[dict], cited: dict, known_as_of=None
) -> None:
    """What the values and the lists make disputed, beside what the editors recorded, added
    to each round's ``disputes`` (``exclusions``: exclusion_rows() of these rounds;
    ``cited``: their citations by id)."""
    excluded = round_exclusions(records, exclusions, cited, known_as_of)
    for record in records:
        record["disputes"] = [
            *record["disputes"],
            *dispute_refs(Round, record, known_as_of),
            *round_list_disputes(record, excluded.get(record["slug"], ())),
        ]


def computed_round_disputes(records: list[dict]) -> None:
    """add_computed_disputes() for rounds shaped by RoundSerializer (two queries)."""
    from negotiations.domain.citations import citations_of

    exclusions = exclusion_rows([record["id"] for record in records])
    ids = [row["id"] for row in exclusions]
    cited = citations_of({AgendaExclusion: ids}, None)[AgendaExclusion]
    add_computed_disputes(records, exclusions, cited)
