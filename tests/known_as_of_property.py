"""The property every answer as known on a day must have, checked independently of the rules
that build it: nothing shown on day D comes only from a source published after D.

For each answer: every citation it shows was published by D; every value of a sourced field
(a facet's field) of every record it shows is a value that a citation published by D gives
for that record (its link's own value, or the record's current one for a link that gives
none), or one the rules of what was known derive from those (a round dated after D is
planned, its agenda announced; an unknown value is null). Used on the seed
(tests/end_to_end) and on synthetic talks (tests/platform).
"""

import datetime
from collections import defaultdict

from rest_framework.test import APIClient

from negotiations import models, registry
from negotiations.domain.claims import current_values
from negotiations.domain.provenance import empty_value, facets_of, record_facets

# What the rules derive from the known values, beside what sources give (domain/known.py).
DERIVED = {
    (models.Round, "status"): {"planned"},
    (models.Round, "agenda_status"): {"not_reported"},
    (models.Round, "agenda_basis"): {"", None, "announced"},
}


class Allowed:
    """For each model with facets: each record's links (day, facets, values) and current
    values, loaded once; ``values(model, pk, field, day)``: what sources published by then
    give for that field."""

    def __init__(self):
        self.links: dict = {}
        self.current: dict = {}
        self.by_slug: dict = {}
        for model, link in registry.link_models().items():
            if not record_facets(model):
                continue
            rows = link.objects.values_list(
                link.record_field + "_id",
                "citation__source__published_on",
                "citation__source__published_on_end",
                "facets",
                "values",
            )
            found = defaultdict(list)
            for pk, on, end, facets, values in rows:
                found[pk].append((end or on, facets, values))
            self.links[model] = found
            related = [
                name
                for name in {f for spec in record_facets(model).values() for f in spec.fields}
                if model._meta.get_field(name).is_relation
            ]
            records = model.objects.select_related(*related)
            self.current[model] = {record.pk: current_values(record) for record in records}
            if hasattr(model, "slug"):
                self.by_slug[model] = {record.slug: record.pk for record in records}

    def values(self, model, pk: int, field: str, day: datetime.date) -> set:
        facet = next(name for name, spec in facets_of(model).items() if field in spec.fields)
        given = set()
        for published, facets, values in self.links[model].get(pk, []):
            if published is None or published > day:
                continue
            implied = [other for other, spec in facets_of(model).items() if facet in spec.implies]
            if facets and facet not in facets and not set(implied) & set(facets):
                continue
            if facet in values:
                # A value naming only some fields of its facet leaves the others empty.
                given.add(repr(values[facet].get(field, empty_value(model, field))))
            else:
                given.add(repr(self.current[model][pk].get(field)))
        return given | {repr(value) for value in DERIVED.get((model, field), ())}


def check_record(allowed: Allowed, model, pk, record: dict, day, where: str) -> list[str]:
    """The values of ``record`` (the API's shape) that no source published by ``day`` gives."""
    problems = []
    fields = {name for spec in record_facets(model).values() for name in spec.fields}
    for field in sorted(fields & set(record)):
        value = record[field]
        if value is None:
            continue  # unknown
        if repr(value) not in allowed.values(model, pk, field, day):
            problems.append(f"{where}: {model.__name__} {pk} {field}={value!r} on {day}")
    return problems


def citations_in(answer):
    """Every citation anywhere in an answer (a dict with a quote and a source)."""
    if isinstance(answer, dict):
        if "quote" in answer and "source" in answer:
            yield answer
        for value in answer.values():
            yield from citations_in(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from citations_in(value)


def round_refs_in(answer):
    """Every round as an agenda answer names it (a dict with a slug, a sequence, a level)."""
    if isinstance(answer, dict):
        if {"slug", "sequence", "agenda_status"} <= set(answer) and "agenda" not in answer:
            yield answer
        for value in answer.values():
            yield from round_refs_in(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from round_refs_in(value)


def reported_items_in(answer):
    """Every agenda item as an agenda answer reports it (a matrix cell off the agenda has
    none)."""
    if isinstance(answer, dict):
        if {"item", "label", "citations"} <= set(answer) and answer["item"] is not None:
            yield answer
        for value in answer.values():
            yield from reported_items_in(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from reported_items_in(value)


def check_answer(allowed: Allowed, published: dict, url: str, body, day) -> list[str]:
    """Everything ``body`` (the answer to ``url`` as known on ``day``) shows that no source
    published by then gives."""
    problems = [
        f"{url}: a citation of {citation['source']} (published {published[citation['source']]})"
        for citation in citations_in(body)
        if published[citation["source"]] is None or published[citation["source"]] > day
    ]
    rounds = allowed.by_slug[models.Round]
    items = allowed.by_slug[models.AgendaItem]
    for ref in round_refs_in(body):
        problems += check_record(allowed, models.Round, rounds[ref["slug"]], ref, day, url)
    for item in reported_items_in(body):
        problems += check_record(allowed, models.AgendaItem, items[item["item"]], item, day, url)
    records = body.get("results", [body]) if isinstance(body, dict) else []
    for record in records:
        model = RESOURCE_OF.get(url.split("?")[0].split("/")[3])
        if model is None or "id" not in record:
            continue
        problems += check_record(allowed, model, record["id"], record, day, url)
        for item in record.get("agenda") or ():
            problems += check_record(
                allowed, models.AgendaItem, items[item["slug"]], item, day, url
            )
    return problems


RESOURCE_OF = {
    "rounds": models.Round,
    "deadlines": models.Deadline,
    "measures": models.Measure,
    "positions": models.Position,
}


def answers_to_check(negotiations, rounds, areas) -> list[str]:
    """Every answer that takes known_as_of, for these records."""
    urls = [
        "/api/v1/rounds/?page_size=500",
        "/api/v1/deadlines/?page_size=500",
        "/api/v1/measures/?page_size=500",
        "/api/v1/positions/?page_size=500",
        "/api/v1/agenda-exclusions/?page_size=500",
        "/api/v1/conflicts/?page_size=500",
    ]
    for slug in negotiations:
        urls += [
            f"/api/v1/negotiations/{slug}/agenda-changes/",
            f"/api/v1/negotiations/{slug}/agenda-matrix/",
        ]
    for slug in rounds:
        urls += [f"/api/v1/rounds/{slug}/", f"/api/v1/rounds/{slug}/agenda-changes/"]
    urls += [f"/api/v1/agenda-areas/{slug}/history/?page_size=100" for slug in areas]
    return urls


def days_that_differ(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The days from ``first`` to ``last`` whose answers can differ from the day before's:
    an answer as known on D depends on D only through "published by D" and "dated after D",
    so between two consecutive source days or record dates every day answers alike. Every
    such day and the day before it stand for all the others (the first day is kept too)."""
    breaks = {first, last}
    for on, end in models.Source.objects.values_list("published_on", "published_on_end"):
        breaks |= {on, end}
    for model, fields in (
        (models.Round, ("start_date", "end_date")),
        (models.Deadline, ("date", "end_date")),
    ):
        for row in model.objects.values_list(*fields):
            breaks |= set(row)
    days = set()
    for day in breaks - {None}:
        days |= {day, day - datetime.timedelta(days=1)}
    return sorted(day for day in days if first <= day <= last + datetime.timedelta(days=1))


def check_days(days, urls) -> list[str]:
    """Ask every answer on every day; the problems found (empty: the property holds). The
    answers' shapes are the contract tests' business: here a plain client, for speed."""
    api = APIClient()
    allowed = Allowed()
    published = {source.slug: source.known_from for source in models.Source.objects.all()}
    problems = []
    for day in days:
        for url in urls:
            separator = "&" if "?" in url else "?"
            response = api.get(f"{url}{separator}known_as_of={day.isoformat()}")
            if response.status_code == 404:
                continue  # not known yet
            assert response.status_code == 200, (url, day, response.content[:300])
            problems += check_answer(allowed, published, url, response.json(), day)
    return problems
