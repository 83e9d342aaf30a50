"""Loading the citations of many facts at once, in one query."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, TypedDict

from django.db import models
from django.db.models import CharField, F, Value

from negotiations import registry
from negotiations.domain.known import published_by
from negotiations.domain.shapes import Doc, Slug
from negotiations.models import Citation


class CitationRef(TypedDict):
    """A citation as embedded in a fact: the source and the verbatim quote."""

    slug: Slug
    source: Annotated[str, Doc("Slug of the source document.", format="slug")]
    publisher: str
    quote: Annotated[str, Doc("The words of the source, verbatim.")]


CITATION_VALUES = ("slug", "source__slug", "source__publisher", "quote")


def citation_data(row: dict, prefix: str = "") -> CitationRef:
    return {
        "slug": row[f"{prefix}slug"],
        "source": row[f"{prefix}source__slug"],
        "publisher": row[f"{prefix}source__publisher"],
        "quote": row[f"{prefix}quote"],
    }


def citations_of(
    facts: dict[type[models.Model], Iterable[int]],
    known_as_of: datetime.date | None = None,
) -> dict[type[models.Model], dict[int, list[CitationRef]]]:
    """Citations of facts of several kinds, by kind and fact id, in two queries.

    First the links of every kind (UNION ALL of the link tables, index scans only), then
    each distinct citation once, by primary key: a quote cited by many facts travels once,
    and no plan joins a whole citations table. A fact's citations come in slug order
    (citation slugs start with their source's slug, so they are grouped by source).
    With ``known_as_of``, only the citations of sources published by that day.
    """
    parts = []
    for model, ids in facts.items():
        ids = list(ids)
        if not ids:
            continue
        through = model._meta.get_field("citations").remote_field.through
        fact_column = f"{model._meta.model_name}_id"
        fact_links = through.objects.filter(**{f"{fact_column}__in": ids})
        if known_as_of is not None:
            fact_links = fact_links.filter(published_by(known_as_of, "citation__source__"))
        parts.append(
            fact_links.annotate(
                kind=Value(model._meta.label, output_field=CharField()),
                fact=F(fact_column),
            ).values_list("kind", "fact", "citation_id")
        )
    found: dict[type[models.Model], dict[int, list[CitationRef]]] = {
        model: defaultdict(list) for model in facts
    }
    if not parts:
        return found
    links = list(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    if not links:
        return found
    quotes = {
        row["id"]: citation_data(row)
        for row in Citation.objects.filter(pk__in={link[2] for link in links})
        .order_by()  # sorted per fact below; no sort on the server
        .values("id", *CITATION_VALUES)
    }
    by_label = {model._meta.label: found[model] for model in facts}
    for kind, fact, citation_id in links:
        by_label[kind][fact].append(quotes[citation_id])
    for by_fact in found.values():
        for cited in by_fact.values():
            cited.sort(key=lambda citation: citation["slug"])
    return found


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
