"""What was known on a given day: the facts, and each of their values, as the sources
published by then told them.

The rules, in one place for the API and the dashboard (``?known_as_of=YYYY-MM-DD``):

* A source counts from its publication day: ``published_on`` (printed, or inferred from the
  text), or the last day of its window when only a window is known (``published_on_end``).
  A source with no date at all never counts; answers say how many were left out.
* A fact (a round, an agenda item, a participant, a position, a deadline...) is known on D
  when at least one of its citations quotes a source published on or before D; it is shown
  with those citations only.
* Each of its values is the one the latest of those sources gives, field group by field
  group (negotiations.domain.provenance): a value only a later source gives is not shown,
  and a field no source published by D states is null, named in ``unknown_fields``. The
  editors' notes, written with hindsight, are left out.
* A round dated after D (as known on D) is planned, and its outcomes are not known yet; an
  agenda reported before the round is an announced one.
* An agenda none of whose items is known on D is not reported (unknown, not empty).
* A disagreement is known on D once two of its versions (claims) are.
"""

import datetime
from typing import Annotated, TypedDict

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan

from negotiations.choices import AgendaBasis, AgendaStatus, RoundStatus
from negotiations.domain.citations import statement_from_ref, statements_of
from negotiations.domain.provenance import known_record, published_by
from negotiations.domain.shapes import Doc
from negotiations.models import (
    AgendaItem,
    Disagreement,
    DisagreementClaim,
    Participant,
    Round,
    Source,
)


class KnownAsOf(TypedDict):
    date: Annotated[str, Doc("Only sources published by this day were used.", format="date")]
    sources_published: Annotated[int, Doc("Sources published by that day.")]
    sources_undated: Annotated[
        int, Doc("Sources with no publication date, printed or inferred: left out.")
    ]


def known_links(model, day: datetime.date) -> QuerySet:
    """The citation links of ``model``'s facts whose quote was published by ``day``."""
    through = model._meta.get_field("citations").remote_field.through
    return through.objects.filter(published_by(day, "citation__source__"))


def is_known(model, day: datetime.date, outer: str = "pk") -> Exists:
    """An expression: the fact at ``outer`` has a citation published by ``day``."""
    column = f"{model._meta.model_name}_id"
    return Exists(known_links(model, day).filter(**{column: OuterRef(outer)}))


def known(queryset: QuerySet, day: datetime.date | None) -> QuerySet:
    """Only the facts of ``queryset`` known on ``day`` (all of them when ``day`` is None)."""
    if day is None:
        return queryset
    return queryset.filter(is_known(queryset.model, day))


def summary(day: datetime.date) -> KnownAsOf:
    """The day of a known-as-of answer, with how many sources it could and could not use."""
    counts = Source.objects.aggregate(
        published=Count("pk", filter=published_by(day)),
        undated=Count("pk", filter=Q(published_on=None)),
    )
    return {
        "date": day.isoformat(),
        "sources_published": counts["published"],
        "sources_undated": counts["undated"],
    }


def known_rounds(rounds: QuerySet, day: datetime.date) -> QuerySet:
    """The rounds known on ``day``, each with ``agenda_known``: whether any of its agenda
    items was (for round_as_known)."""
    items = known(AgendaItem.objects.filter(round=OuterRef("pk")), day)
    return known(rounds, day).annotate(agenda_known=Exists(items))


# Records shown inside others, as known on a day each by the rule of its own model.
NESTED = {Round: {"participants": Participant, "agenda": AgendaItem}}


def as_known(model, record: dict, day: datetime.date) -> dict:
    """A record in the API's shape (its citations: those published by ``day`` only, each
    with what it states), as the sources published by ``day`` told it, in place."""
    statements = [statement_from_ref(ref) for ref in record.get("citations") or ()]
    known_record(model, record, statements, day)
    for key, nested_model in NESTED.get(model, {}).items():
        for child in record.get(key) or ():
            as_known(nested_model, child, day)
    if model is Round:
        round_as_known(
            record,
            day,
            agenda_known=bool(record.get("agenda")),
            summary_stated=states_in_so_many_words(statements, "summary"),
        )
        if "agenda" in record and record["agenda_status"] != AgendaStatus.REPORTED:
            record["agenda"] = None
    return record


def trimmed(record: dict, wanted: set[str] | None) -> dict:
    """A record as known, trimmed to the fields a sparse answer asked for (``unknown_fields``
    kept, naming only those)."""
    if not wanted:
        return record
    trimmed_record = {key: value for key, value in record.items() if key in wanted}
    if "unknown_fields" in record:
        trimmed_record["unknown_fields"] = [
            name for name in record["unknown_fields"] if name in wanted
        ]
    return trimmed_record


AGENDA_FIELDS = ("agenda_status", "agenda_basis")


def states_in_so_many_words(statements, facet: str) -> bool:
    """Whether a link names ``facet`` (not merely supports the whole record)."""
    return any(facet in statement.facets for statement in statements)


def round_as_known(
    row: dict, day: datetime.date, *, agenda_known: bool, summary_stated: bool = False
) -> dict:
    """The rules of a round as known on ``day`` that follow from its known values, in place
    (``row``: its fields, already as known; ``agenda_known``: whether one of its agenda items
    was; ``summary_stated``: whether a source published by then gives its summary, rather
    than supporting the record as a whole)."""
    if not agenda_known or row.get("agenda_status") is None:
        # No source had reported its agenda: "not reported" is what is known (unknown is not
        # empty), with no basis, as for any round whose agenda is not reported.
        row.update(agenda_status=AgendaStatus.NOT_REPORTED, agenda_basis=None)
        if "unknown_fields" in row:
            row["unknown_fields"] = [
                name for name in row["unknown_fields"] if name not in AGENDA_FIELDS
            ]
    start = row.get("start_date")
    if isinstance(start, str):
        start = datetime.date.fromisoformat(start)
    if start is not None and start > day:
        if row.get("status") not in (None, RoundStatus.PLANNED):
            row["status"] = RoundStatus.PLANNED
        # No outcome before the meeting; a summary only as a source then wrote it (a
        # citation of the whole record does not say that its source summed it up so).
        for name in ("outcomes",) if summary_stated else ("summary", "outcomes"):
            if name in row:
                row[name] = None
                unknown = row.setdefault("unknown_fields", [])
                if name not in unknown:
                    unknown.append(name)
        if row["agenda_status"] == AgendaStatus.REPORTED:
            row["agenda_basis"] = AgendaBasis.ANNOUNCED  # reported before the meeting
    if not row.get("agenda_basis"):
        row["agenda_basis"] = None  # no value is null, as in every answer
    return row


def known_rows(model, rows: list[dict], day: datetime.date) -> list[dict]:
    """``.values()`` rows of a cited model (those known on ``day``) as known then: each
    facet's fields from the statements of their citations published by then, null where no
    source had stated it (named in ``unknown_fields``). Two queries."""
    stated = statements_of({model: [row["id"] for row in rows]}, day)[model]
    known = []
    for row in rows:
        row = dict(row)
        known_record(model, row, stated.get(row["id"], []), day, row=True)
        known.append(row)
    return known


def known_round_rows(rows: list[dict], day: datetime.date) -> list[dict]:
    """Rounds' ``.values()`` rows (from known_rounds(): with ``agenda_known``) as known on
    ``day``: their facets from the statements of their citations (two queries)."""
    stated = statements_of({Round: [row["id"] for row in rows]}, day)[Round]
    known_rows = []
    for row in rows:
        row = dict(row)
        agenda_known = row.pop("agenda_known")
        known_record(Round, row, stated.get(row["id"], []), day, row=True)
        statements = stated.get(row["id"], [])
        known_rows.append(
            round_as_known(
                row,
                day,
                agenda_known=agenda_known,
                summary_stated=states_in_so_many_words(statements, "summary"),
            )
        )
    return known_rows


def known_disagreements(disagreements: QuerySet, day: datetime.date) -> QuerySet:
    """The disagreements known on ``day``: two of their versions (claims) had been published."""
    claims = known(DisagreementClaim.objects.all(), day)
    disputed = (
        claims.order_by()
        .values("disagreement_id")
        .annotate(versions=Count("pk"))
        .filter(versions__gte=2)
        .values("disagreement_id")
    )
    return disagreements.filter(pk__in=disputed)


def known_records(queryset: QuerySet, day: datetime.date | None) -> QuerySet:
    """The records of any cited resource known on ``day``, by the rule of their kind."""
    if day is None:
        return queryset
    if queryset.model is Round:
        return known_rounds(queryset, day)
    if queryset.model is Disagreement:
        return known_disagreements(queryset, day)
    return known(queryset, day)


def field_as_known(model, facet: str, field: str, day: datetime.date, output_field):
    """A field of ``model``'s facet as known on ``day``, in SQL (the rule of as_known for
    lists' filters): the value the latest source published by then gives (its link's own
    value, else the record's), the record's own if none states it."""
    through = model._meta.get_field("citations").remote_field.through
    stating = (
        through.objects.filter(**{through.record_field: OuterRef("pk")})
        .filter(published_by(day, "citation__source__"))
        .filter(Q(facets=[]) | Q(facets__icontains=f'"{facet}"'))
        .order_by(
            Coalesce("citation__source__published_on_end", "citation__source__published_on").desc(),
            "-citation__slug",
        )
        # JSON gives text: typed as the column (PostgreSQL refuses COALESCE(text, date)).
        .annotate(given=Cast(KT(f"values__{facet}__{field}"), output_field))
        .values("given")[:1]
    )
    return Coalesce(Subquery(stating, output_field=output_field), F(field))


def status_as_known(day: datetime.date):
    """A round's status as known on ``day`` (round_as_known, in SQL): the status the latest
    source then gave, planned if the date it then had is after the day."""
    start = field_as_known(Round, "date", "start_date", day, DateField())
    return Case(
        When(GreaterThan(start, Value(day)), then=Value(RoundStatus.PLANNED)),
        default=field_as_known(Round, "status", "status", day, CharField()),
        output_field=CharField(),
    )


def agenda_status_as_known(day: datetime.date):
    """A round's agenda status as known on ``day`` (round_as_known, in SQL)."""
    items = known(AgendaItem.objects.filter(round=OuterRef("pk")), day)
    return Case(
        When(
            Q(agenda_status=AgendaStatus.REPORTED) & Exists(items),
            then=Value(AgendaStatus.REPORTED),
        ),
        default=Value(AgendaStatus.NOT_REPORTED),
        output_field=CharField(),
    )
