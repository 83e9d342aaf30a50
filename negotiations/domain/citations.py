"""Loading the citations of many facts at once, in one query."""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Any, TypedDict

from django.db import models
from django.db.models import CharField, F, Prefetch, Value

from negotiations import registry
from negotiations.domain.provenance import Statement, published_by
from negotiations.domain.shapes import Doc, Slug
from negotiations.models import Citation


class CitationRef(TypedDict):
    """A citation as embedded in a fact: the source, the verbatim quote, and what the quote
    states of the fact (negotiations.domain.provenance)."""

    slug: Slug
    source: Annotated[str, Doc("Slug of the source document.", format="slug")]
    publisher: str
    quote: Annotated[str, Doc("The words of the source, verbatim.")]
    published_on: Annotated[
        str | None,
        Doc(
            "The day the source counts from: its publication day, or the last day of the "
            "window it was published in; null if it has no date (known_as_of leaves it out).",
            format="date",
        ),
    ]
    facets: Annotated[
        list[str],
        Doc(
            "What the quote states of the record: the names of its facets (a round's date, "
            "place, status...; its claims/ list them). Empty: the whole record."
        ),
    ]
    values: Annotated[
        dict[str, dict[str, Any]],
        Doc(
            "Where the source gives another value than the record's current one: facet -> "
            "{field: the value as this source gave it}.",
            format="json",
        ),
    ]
    reports_change: Annotated[
        bool,
        Doc(
            "The source reports that the value changed: what earlier sources said was true "
            "when they said it."
        ),
    ]


CITATION_VALUES = ("slug", "source__slug", "source__publisher", "quote")
SOURCE_DAYS = ("source__published_on", "source__published_on_end")


def citation_data(row: dict, prefix: str = "") -> CitationRef:
    """A citation row as embedded in a fact, for a link that states the whole record."""
    return {
        "slug": row[f"{prefix}slug"],
        "source": row[f"{prefix}source__slug"],
        "publisher": row[f"{prefix}source__publisher"],
        "quote": row[f"{prefix}quote"],
        "published_on": iso_day(
            row.get(f"{prefix}source__published_on_end") or row.get(f"{prefix}source__published_on")
        ),
        "facets": [],
        "values": {},
        "reports_change": False,
    }


def iso_day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def link_ref(link) -> CitationRef:
    """A citation link (with its citation and source loaded) as embedded in its fact."""
    source = link.citation.source
    return {
        "slug": link.citation.slug,
        "source": source.slug,
        "publisher": source.publisher,
        "quote": link.citation.quote,
        "published_on": iso_day(source.known_from),
        "facets": list(link.facets),
        "values": dict(link.values),
        "reports_change": link.reports_change,
    }


def statement_from_ref(ref: CitationRef) -> Statement:
    """What a citation as embedded in a fact states (the API's shape)."""
    day = ref.get("published_on")
    return Statement(
        citation=ref,
        published=datetime.date.fromisoformat(day) if day else None,
        facets=tuple(ref.get("facets") or ()),
        values=ref.get("values") or {},
        reports_change=bool(ref.get("reports_change")),
    )


def link_prefetch(model, path: str = "", known_as_of: datetime.date | None = None) -> Prefetch:
    """Prefetch the citation links of ``model``'s facts at a relation path (none: the
    queryset's own), with their citations and sources; with ``known_as_of``, only those of
    sources published by then."""
    through = model._meta.get_field("citations").remote_field.through
    links = through.objects.select_related("citation__source").order_by("citation__slug")
    if known_as_of is not None:
        links = links.filter(published_by(known_as_of, "citation__source__"))
    return Prefetch(f"{path}__citation_links" if path else "citation_links", queryset=links)


def statements_of(
    facts: dict[type[models.Model], Iterable[int]],
    known_as_of: datetime.date | None = None,
) -> dict[type[models.Model], dict[int, list[Statement]]]:
    """What the citations of facts of several kinds state, by kind and fact id, in two
    queries.

    First the links of every kind (UNION ALL of the link tables, index scans only), then
    each distinct citation once, by primary key: a quote cited by many facts travels once,
    and no plan joins a whole citations table. A fact's statements come in citation slug
    order (citation slugs start with their source's slug, so they are grouped by source).
    With ``known_as_of``, only the citations of sources published by that day.
    """
    parts = []
    for model, ids in facts.items():
        ids = list(ids)
        if not ids:
            continue
        through = model._meta.get_field("citations").remote_field.through
        fact_column = f"{model._meta.model_name}_id"
        fact_links = through.objects.filter(**{f"{fact_column}__in": ids}).order_by()
        if known_as_of is not None:
            fact_links = fact_links.filter(published_by(known_as_of, "citation__source__"))
        parts.append(
            fact_links.annotate(
                kind=Value(model._meta.label, output_field=CharField()),
                fact=F(fact_column),
            ).values_list("kind", "fact", "citation_id", "facets", "values", "reports_change")
        )
    found: dict[type[models.Model], dict[int, list[Statement]]] = {
        model: defaultdict(list) for model in facts
    }
    if not parts:
        return found
    links = list(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    if not links:
        return found
    quotes = {
        row["id"]: row
        for row in Citation.objects.filter(pk__in={link[2] for link in links})
        .order_by()  # sorted per fact below; no sort on the server
        .values("id", *CITATION_VALUES, *SOURCE_DAYS)
    }
    by_label = {model._meta.label: found[model] for model in facts}
    for kind, fact, citation_id, facets, values, reports_change in links:
        row = quotes[citation_id]
        facets, values = as_json(facets, list), as_json(values, dict)
        citation = {
            **citation_data(row),
            "facets": facets,
            "values": values,
            "reports_change": bool(reports_change),
        }
        by_label[kind][fact].append(
            Statement(
                citation=citation,
                published=row["source__published_on_end"] or row["source__published_on"],
                facets=tuple(facets),
                values=values,
                reports_change=bool(reports_change),
            )
        )
    for by_fact in found.values():
        for stated in by_fact.values():
            stated.sort(key=lambda statement: statement.citation["slug"])
    return found


def as_json(value, kind):
    """A JSON column's value as read through UNION ALL (SQLite may hand back the text)."""
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, kind) else kind()


def citations_of(
    facts: dict[type[models.Model], Iterable[int]],
    known_as_of: datetime.date | None = None,
) -> dict[type[models.Model], dict[int, list[CitationRef]]]:
    """Citations of facts of several kinds, by kind and fact id, in two queries (see
    statements_of)."""
    return {
        model: defaultdict(
            list,
            {
                fact: [statement.citation for statement in stated]
                for fact, stated in by_fact.items()
            },
        )
        for model, by_fact in statements_of(facts, known_as_of).items()
    }


def citations_for(
    model: type[models.Model], ids, known_as_of: datetime.date | None = None
) -> dict[int, list[CitationRef]]:
    """Citations of the given facts of one model, keyed by fact id, in two queries."""
    return citations_of({model: ids}, known_as_of)[model]


def facts_citing(source) -> list[tuple[str, models.Model, Citation]]:
    """Everything that cites a source: (kind of fact, fact, citation), one query per kind."""
    found = []
    for model in registry.cited_models().values():
        through = model._meta.get_field("citations").remote_field.through
        fact_field = model._meta.model_name
        links = through.objects.filter(citation__source=source).select_related(
            fact_field, "citation"
        )
        found.extend(
            (str(model._meta.verbose_name), getattr(link, fact_field), link.citation)
            for link in links
        )
    return found
