"""Every value as each source told it: what each quote states, and what was known when.

The rules, in one place for every resource, the API, the admin, the dashboard and fixtures:

* **Facets.** A model declares the groups of fields a source states together (``facets`` on
  the model: a round's ``date`` is its start and end, their precision, the date as reported
  and how it was read). Models that declare none are cited as a whole.
* **Statements.** Each citation of a record is a link (negotiations.models.provenance) that
  names the facets its quote states (none: every facet, an old-style citation) and, where
  the source gives a value other than the record's current one, that value. A facet the
  link states without a value states the record's current value; a value that names only
  some fields of a facet leaves the others empty (that source did not give them).
* **What was known on D.** A facet is known on D when a link stating it quotes a source
  published by D (negotiations.domain.known.published_by). Its value is the latest such
  source's (by publication day, then citation slug), except that a date window a later
  source only confirms from further out (a month containing the day given before) keeps
  the finer one. A facet no source published by D states is unknown: its fields are null,
  and the record lists it in ``unknown_fields``.
* **How values relate** (the facet's kind): a *wording* (title, label, summary) is how each
  source put it, and a later one replaces an earlier one; a *progress* (status, agenda)
  moves on, and later values supersede earlier ones; a *window* (a date) is refined by a
  later window inside it; an *exact* fact (level, place, rate) is contradicted by any other
  value. A link that reports a change (a deadline moved) supersedes every earlier value.
* **Disputes.** Values that stand side by side at the end (neither superseding the other)
  are a dispute computed from the values, listed wherever the facet is shown; nobody has to
  write it down. Disagreements written by hand stay for what values cannot express.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models as db
from django.db.models import Q

from negotiations.models.provenance import EXACT, FACET_KINDS, PROGRESS, WINDOW, WORDING, Facet

UNKNOWN_REASON = "No source published by {day} states it."


def published_by(day: datetime.date, prefix: str = "") -> Q:
    """Sources published on or before ``day`` (``prefix`` reaches a source from elsewhere,
    e.g. ``"citation__source__"``)."""
    return Q(**{f"{prefix}published_on_end__lte": day}) | Q(
        **{f"{prefix}published_on_end": None, f"{prefix}published_on__lte": day}
    )


# --- Facets -------------------------------------------------------------------------------------


def facets_of(model) -> dict[str, Facet]:
    """The facets a model declares (none: its records are cited as a whole)."""
    return getattr(model, "facets", {})


def record_facets(model) -> dict[str, Facet]:
    """The facets whose fields are fields of the record (not a round's list of areas)."""
    return {name: facet for name, facet in facets_of(model).items() if not facet.virtual}


def facet_fields(model) -> set[str]:
    return {name for facet in record_facets(model).values() for name in facet.fields}


def editors_notes(model) -> tuple[str, ...]:
    """Fields the editors wrote with hindsight: left out of known-as-of answers."""
    return getattr(model, "editors_notes", ())


def empty_value(model, name: str):
    """What a field holds when a source did not give it: "" for text, null otherwise."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # a virtual facet's field
        return None
    if isinstance(field, db.BooleanField):
        return False
    if isinstance(field, db.CharField | db.TextField) and not field.null:
        return ""
    return None


def json_value(model, name: str, value):
    """A field's stored value as the API shows it (and as link values hold it): dates as
    ISO days, related records by slug, decimals as numbers."""
    model_field = model._meta.get_field(name)
    if value is None:
        return None
    if model_field.is_relation:
        related = model_field.related_model
        if isinstance(value, db.Model):
            return value.slug
        return related._base_manager.filter(pk=value).values_list("slug", flat=True).first()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def validate_link(model, facets, values) -> dict[str, list[str]]:
    """What is wrong with a link's facets and values for a record of ``model`` (field ->
    messages; empty when nothing is): the rule every write path applies."""
    declared = facets_of(model)
    problems: dict[str, list[str]] = {}
    if not isinstance(facets, list) or not all(isinstance(name, str) for name in facets):
        return {"facets": ["A list of facet names."]}
    if not isinstance(values, dict):
        return {"values": ["An object: facet -> {field: value}."]}
    if facets and not declared:
        problems["facets"] = [
            f"A {model._meta.verbose_name} is cited as a whole: it has no facets (leave "
            "this empty)."
        ]
    unknown = [name for name in facets if name not in declared]
    if unknown and declared:
        problems["facets"] = [
            f"Unknown facet{'s' if len(unknown) > 1 else ''} of a {model._meta.verbose_name}: "
            f"{', '.join(unknown)}. Its facets: {', '.join(declared)}."
        ]
    if len(set(facets)) != len(facets):
        problems.setdefault("facets", []).append("A facet is named twice.")
    value_problems = []
    for name, value in values.items():
        facet = declared.get(name)
        if facet is None:
            value_problems.append(f"“{name}” is not a facet of a {model._meta.verbose_name}.")
        elif facets and name not in facets:
            value_problems.append(f"A value for “{name}”, which this link does not state.")
        elif not isinstance(value, dict):
            value_problems.append(f"The value of “{name}” is an object: field -> value.")
        elif stray := sorted(set(value) - set(facet.fields)):
            value_problems.append(
                f"“{name}” has no field {', '.join(stray)} (its fields: {', '.join(facet.fields)})."
            )
    if value_problems:
        problems["values"] = value_problems
    return problems


# --- Statements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """What one quote states of one record: its citation (as embedded in facts), the day
    its source counts from, the facets it states and the values it gives."""

    citation: Mapping[str, Any]
    published: datetime.date | None
    facets: tuple[str, ...] = ()  # () = every facet
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    reports_change: bool = False

    def states(self, facet: str) -> bool:
        return not self.facets or facet in self.facets

    def published_by(self, day: datetime.date | None) -> bool:
        return day is None or (self.published is not None and self.published <= day)

    def value(self, model, facet: str, current: Mapping[str, Any]) -> dict:
        """The facet's value as this quote gives it (``current``: the record's fields)."""
        fields = facets_of(model)[facet].fields
        given = self.values.get(facet)
        if given is None:
            return {name: current.get(name) for name in fields}
        return {name: given.get(name, empty_value(model, name)) for name in fields}

    @property
    def order(self):
        return (self.published or datetime.date.max, self.citation["slug"])


# --- How two values relate ----------------------------------------------------------------------


def _normal(value):
    """A value as compared: text without case or spacing, dates as ISO days, numbers as
    floats (the API's 25 and a fixture's 25.00 are one rate)."""
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return float(value)
    return value


def _empty(value) -> bool:
    return value in (None, "", False)


def window(facet: Facet, value: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """A date facet's (first day, last day) as ISO strings (a day: the same twice)."""
    start, end = value.get(facet.fields[0]), value.get(facet.fields[1])
    start = start.isoformat() if isinstance(start, datetime.date) else start
    end = end.isoformat() if isinstance(end, datetime.date) else end
    return start, end or start


def contains(facet: Facet, outer: Mapping, inner: Mapping) -> bool:
    """Whether the window of ``outer`` contains that of ``inner`` (unknown contains all)."""
    (outer_start, outer_end), (inner_start, inner_end) = window(facet, outer), window(facet, inner)
    if outer_start is None:
        return True
    if inner_start is None:
        return False
    return outer_start <= inner_start and inner_end <= outer_end


def same(facet: Facet, a: Mapping, b: Mapping) -> bool:
    if facet.kind == WINDOW:
        return window(facet, a) == window(facet, b)
    return all(_normal(a.get(name)) == _normal(b.get(name)) for name in facet.fields)


def compatible(facet: Facet, a: Mapping, b: Mapping) -> bool:
    """Whether two values can both be true: equal, one window inside the other, or (for an
    exact fact) one of them leaves every field it differs in empty."""
    if facet.kind == WINDOW:
        return contains(facet, a, b) or contains(facet, b, a)
    for name in facet.fields:
        left, right = _normal(a.get(name)), _normal(b.get(name))
        if left != right and not _empty(left) and not _empty(right):
            return False
    return True


# --- A facet as known on a day ------------------------------------------------------------------


@dataclass
class Version:
    """A value of a facet, with the statements that give it (or a finer one it refines)."""

    value: dict
    statements: list[Statement]
    state: str = "current"  # current, superseded, disputed
    superseded_by: list[str] = field(default_factory=list)  # citation slugs

    @property
    def latest(self) -> Statement:
        return max(self.statements, key=lambda statement: statement.order)


@dataclass
class FacetState:
    name: str
    known: bool
    value: dict | None  # None: unknown
    versions: list[Version]  # every value, oldest first; the standing ones are current/disputed

    @property
    def disputed(self) -> bool:
        return sum(version.state == "disputed" for version in self.versions) > 1

    @property
    def standing(self) -> list[Version]:
        return [version for version in self.versions if version.state != "superseded"]


def facet_state(
    model,
    name: str,
    statements: Iterable[Statement],
    current: Mapping[str, Any],
    day: datetime.date | None = None,
) -> FacetState:
    """One facet of one record as the sources published by ``day`` tell it (all of them if
    None), with every version and how they relate (see the module's rules)."""
    facet = facets_of(model)[name]
    implied_by = [other for other, spec in facets_of(model).items() if name in spec.implies]
    stating = sorted(
        (
            s
            for s in statements
            if (s.states(name) or any(other in s.facets for other in implied_by))
            and s.published_by(day)
        ),
        key=lambda s: s.order,
    )
    versions: list[Version] = []
    for statement in stating:
        value = statement.value(model, name, current)
        standing = [version for version in versions if version.state != "superseded"]
        if statement.reports_change or facet.kind in (WORDING, PROGRESS):
            matching = next((v for v in standing if same(facet, v.value, value)), None)
            if matching is not None and not statement.reports_change:
                matching.statements.append(statement)
                # The latest wording is the one shown: move it last.
                versions.remove(matching)
                versions.append(matching)
                continue
            for version in standing:
                version.state = "superseded"
                version.superseded_by.append(statement.citation["slug"])
            versions.append(Version(value, [statement]))
            continue
        same_value = next((v for v in standing if same(facet, v.value, value)), None)
        if same_value is not None:
            same_value.statements.append(statement)
            continue
        if facet.kind == WINDOW:
            coarser = [v for v in standing if contains(facet, v.value, value)]
            finer = [v for v in standing if contains(facet, value, v.value)]
            if finer and not coarser:
                # Consistent with a finer value given before: it confirms that one.
                finer[-1].statements.append(statement)
                continue
            for version in coarser:  # refined by this finer value
                version.state = "superseded"
                version.superseded_by.append(statement.citation["slug"])
            versions.append(Version(value, [statement]))
        else:
            agreeing = [v for v in standing if compatible(facet, v.value, value)]
            if agreeing:
                # One fact, more of it known: what either source gives.
                version = agreeing[-1]
                version.statements.append(statement)
                version.value = {
                    name: version.value[name] if _empty(value[name]) else value[name]
                    for name in facet.fields
                }
                continue
            versions.append(Version(value, [statement]))
    standing = [version for version in versions if version.state != "superseded"]
    if len(standing) > 1:
        for version in standing:
            version.state = "disputed"
    if not versions:
        return FacetState(name, False, None, [])
    shown = max(standing, key=lambda version: version.latest.order)
    return FacetState(name, True, dict(shown.value), versions)


def known_record(
    model,
    record: dict,
    statements: Iterable[Statement],
    day: datetime.date,
    *,
    row: bool = False,
) -> dict:
    """``record`` (the API's shape, current values) as the sources published by ``day``
    told it, in place: each facet's fields from its known value, null where unknown (named
    in ``unknown_fields``), the editors' notes left out, only the citations published by
    then (the caller loads only those). ``row``: ``record`` is a ``.values()`` row, whose
    dates are dates, not text."""
    statements = list(statements)
    current = dict(record)
    unknown = []
    for name, facet in record_facets(model).items():
        state = facet_state(model, name, statements, current, day)
        present = [field_name for field_name in facet.fields if field_name in record]
        if not present:
            continue  # a sparse answer that left the facet out
        if state.known:
            for field_name in present:
                value = state.value[field_name]
                record[field_name] = python_value(model, field_name, value) if row else value
        else:
            unknown.append(name)
            for field_name in present:
                record[field_name] = None
    for name in editors_notes(model):
        if name in record:
            record[name] = ""
    if record_facets(model):
        record["unknown_fields"] = [
            field_name
            for name in unknown
            for field_name in record_facets(model)[name].fields
            if field_name in record
        ]
    return record


def python_value(model, name: str, value):
    """A JSON value (as links hold them) as a ``.values()`` row holds the field."""
    if value is None:
        return None
    field = model._meta.get_field(name)
    if isinstance(field, db.DateField) and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if isinstance(field, db.DecimalField) and isinstance(value, int | float | str):
        return Decimal(str(value))
    return value


# What a dispute about a facet is about (negotiations.choices.DisagreementTopic).
FACET_TOPICS = {
    "date": "date_place",
    "place": "date_place",
    "venue": "date_place",
    "party": "participants",
    "organization": "participants",
    "rate": "measure",
    "dates": "measure",
    "parties": "measure",
    "status": "measure",
}


def dispute_refs(model, record: dict, day: datetime.date | None = None) -> list[dict]:
    """The disputes that a record's values make (one per disputed facet), as the record
    lists them beside the recorded ones: each version is in its claims/ answer. ``record``:
    the API's shape, its citations with what each states."""
    from negotiations.domain.citations import statement_from_ref

    statements = [statement_from_ref(ref) for ref in record.get("citations") or ()]
    if not statements or not record_facets(model):
        return []
    title = record.get("title") or record.get("slug") or model._meta.verbose_name
    return [
        {
            "slug": f"{record.get('slug', model._meta.model_name)}--{dispute['facet']}",
            "title": f"The sources give different {dispute['facet'].replace('_', ' ')} for "
            f"{title} (see claims/).",
            "topic": FACET_TOPICS.get(dispute["facet"], "other"),
            "status": "open",
            "area": None,
            "facet": dispute["facet"],
            "computed": True,
        }
        for dispute in computed_disputes(model, record, statements, day)
    ]


def computed_disputes(
    model, record: dict, statements: Iterable[Statement], day: datetime.date | None = None
) -> list[dict]:
    """The disputes the values of a record's facets make (see the rules): one per disputed
    facet, each version with its citations, in the shape of a recorded disagreement."""
    statements = list(statements)
    disputes = []
    for name in record_facets(model):
        if facets_of(model)[name].kind in (WORDING, PROGRESS):
            continue
        state = facet_state(model, name, statements, record, day)
        if not state.disputed:
            continue
        disputes.append(
            {
                "facet": name,
                "versions": [
                    {
                        "value": version.value,
                        "citations": [dict(s.citation) for s in version.statements],
                    }
                    for version in state.standing
                ],
            }
        )
    return disputes


__all__ = [
    "EXACT",
    "FACET_KINDS",
    "PROGRESS",
    "UNKNOWN_REASON",
    "WINDOW",
    "WORDING",
    "FacetState",
    "Statement",
    "Version",
    "compatible",
    "computed_disputes",
    "facet_state",
    "facets_of",
    "known_record",
    "validate_link",
]
