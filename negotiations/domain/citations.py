"""Loading the citations of many facts at once, in one query per kind of fact."""

from collections import defaultdict
from typing import TypedDict

from django.db import models

from negotiations.models import CITED_MODELS, Citation


class CitationData(TypedDict):
    slug: str
    source: str
    publisher: str
    quote: str


CITATION_VALUES = ("slug", "source__slug", "source__publisher", "quote")


def citation_data(row: dict, prefix: str = "") -> CitationData:
    return {
        "slug": row[f"{prefix}slug"],
        "source": row[f"{prefix}source__slug"],
        "publisher": row[f"{prefix}source__publisher"],
        "quote": row[f"{prefix}quote"],
    }


def citations_for(model: type[models.Model], ids) -> dict[int, list[CitationData]]:
    """Citations of the given facts of one model, keyed by fact id, in one query."""
    through = model._meta.get_field("citations").remote_field.through
    fact_column = f"{model._meta.model_name}_id"
    rows = (
        through.objects.filter(**{f"{fact_column}__in": list(ids)})
        .order_by(fact_column, "citation__slug")
        .values(fact_column, *(f"citation__{name}" for name in CITATION_VALUES))
    )
    by_fact: dict[int, list[CitationData]] = defaultdict(list)
    for row in rows:
        by_fact[row[fact_column]].append(citation_data(row, prefix="citation__"))
    return by_fact


def facts_citing(source) -> list[tuple[str, models.Model, Citation]]:
    """Everything that cites a source: (kind of fact, fact, citation), one query per kind."""
    found = []
    for model in CITED_MODELS.values():
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
