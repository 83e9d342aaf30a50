"""What the seed fixture records from each seed article: the facts citing one of its
citations (read from the fixture file, in any version of it: nothing here copies its
numbers)."""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from negotiations.intake.dates import PATTERNS, Window


def _citation_slugs(fields: dict) -> list[str]:
    """The citations of a record, in any shape the fixture gives them: natural keys
    ([["slug"]]), slugs, or link objects ({"citation": ["slug"], "facets": [...]})."""
    found = []
    for ref in fields.get("citations", []) or []:
        if isinstance(ref, dict):
            ref = ref.get("citation")
        if isinstance(ref, list | tuple):
            ref = ref[0] if ref else None
        if isinstance(ref, str):
            found.append(ref)
    return found


def _slug(value):
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def window(start, end=None, precision="day") -> Window | None:
    start, end = _day(start), _day(end)
    return Window(start, end or start, precision) if start else None


def has_date(text: str) -> bool:
    return any(pattern.search(text) for _, pattern in PATTERNS)


@dataclass
class Article:
    """A seed article and what the fixture records from it."""

    slug: str
    seed_file: str
    published: Window | None
    rounds: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)
    agenda: list[tuple[str, str]] = field(default_factory=list)
    deadlines: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)
    dates: list[Window] = field(default_factory=list)


def read_fixture(path: Path) -> list[Article]:
    records = json.loads(Path(path).read_text())
    by_model = defaultdict(list)
    for record in records:
        by_model[record["model"].split(".")[-1]].append(record["fields"])
    quote_of, source_of = {}, {}
    for citation in by_model["citation"]:
        quote_of[citation["slug"]] = citation["quote"]
        source_of[citation["slug"]] = _slug(citation["source"])
    areas_of = defaultdict(list)
    for link in by_model["agendaitemarea"]:
        areas_of[_slug(link["item"])].append(_slug(link["area"]))
    articles = {}
    for source in by_model["source"]:
        if source.get("seed_file"):
            articles[source["slug"]] = Article(
                source["slug"],
                source["seed_file"],
                window(source.get("published_on"), source.get("published_on_end")),
            )

    # Citation links as records of their own (``round_citations``: the record's natural key,
    # the citation's, the facets), as the fixture gives them since field-level provenance.
    linked = defaultdict(list)
    for name, links in by_model.items():
        if not name.endswith("_citations"):
            continue
        model = name.removesuffix("_citations")
        for link in links:
            record = link.get(model)
            key = tuple(record) if isinstance(record, list | tuple) else (record,)
            linked[(model, key)].append(_slug(link["citation"]))

    def natural_key(model, fields) -> tuple:
        if model == "participant":
            return (_slug(fields["round"]), _slug(fields["party"]), fields["name_as_reported"])
        return (fields.get("slug"),)

    def quotes(fields, article, model):
        cited = _citation_slugs(fields) + linked.get((model, natural_key(model, fields)), [])
        return [quote_of[c] for c in dict.fromkeys(cited) if source_of.get(c) == article]

    for slug, article in articles.items():
        if article.published:
            article.dates.append(article.published)
        for fields in by_model["round"]:
            cited = quotes(fields, slug, "round")
            if not cited:
                continue
            span = window(fields.get("start_date"), fields.get("end_date"))
            article.rounds.append(
                {
                    "slug": fields["slug"],
                    "window": span,
                    "city": fields.get("city", ""),
                    "country": fields.get("country", ""),
                }
            )
            if span and any(has_date(q) for q in cited):
                article.dates.append(span)
        for fields in by_model["participant"]:
            if quotes(fields, slug, "participant"):
                article.participants.append(
                    {
                        "round": _slug(fields["round"]),
                        "person": _slug(fields.get("person")),
                        "party": _slug(fields["party"]),
                        "name": fields["name_as_reported"],
                    }
                )
        for fields in by_model["agendaitem"]:
            if quotes(fields, slug, "agendaitem"):
                areas = [_slug(a) for a in fields.get("areas", [])] or areas_of[fields["slug"]]
                article.agenda += [(_slug(fields["round"]), area) for area in areas]
        for fields in by_model["deadline"]:
            cited = quotes(fields, slug, "deadline")
            if cited:
                span = window(fields["date"], fields.get("end_date"))
                article.deadlines.append({"kind": fields["kind"], "window": span, "quotes": cited})
                if any(has_date(q) for q in cited):
                    article.dates.append(span)
        for fields in by_model["position"]:
            cited = quotes(fields, slug, "position")
            if cited:
                article.positions.append(
                    {"party": _slug(fields["party"]), "kind": fields["kind"], "quotes": cited}
                )
                if fields.get("stated_on") and any(has_date(q) for q in cited):
                    article.dates.append(window(fields["stated_on"]))
        for fields in by_model["measure"]:
            cited = quotes(fields, slug, "measure")
            if cited and any(has_date(q) for q in cited):
                for name in ("announced_on", "start_date", "end_date"):
                    if fields.get(name):
                        article.dates.append(window(fields[name]))
        article.dates = list(dict.fromkeys((w.start, w.end) for w in article.dates if w))
    return sorted(articles.values(), key=lambda a: a.seed_file)


# --- The database ---------------------------------------------------------------------------------
