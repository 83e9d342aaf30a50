"""What was known on a given day: the facts that the sources had published by then.

The rules, in one place for the API and the dashboard (``?known_as_of=YYYY-MM-DD``):

* A source counts from its publication day: ``published_on`` (printed, or inferred from the
  text), or the last day of its window when only a window is known (``published_on_end``).
  A source with no date at all never counts; answers say how many were left out.
* A fact (a round, an agenda item, a participant, a position, a deadline...) is known on D
  when at least one of its citations quotes a source published on or before D; it is shown
  with those citations only.
* A round dated after D is shown as planned: its summary and outcomes, written after it
  took place, are not shown, and an agenda reported before it was an announced one.
* An agenda none of whose items is known on D is not reported (unknown, not empty).
* A disagreement is known on D once two of its versions (claims) are.

Records are known as a whole: a known record's fields are shown as they are recorded now.
"""

import datetime
from typing import Annotated, TypedDict

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from negotiations.choices import AgendaBasis, AgendaStatus, RoundStatus
from negotiations.domain.shapes import Doc
from negotiations.models import AgendaItem, Disagreement, DisagreementClaim, Round, Source


class KnownAsOf(TypedDict):
    date: Annotated[str, Doc("Only sources published by this day were used.", format="date")]
    sources_published: Annotated[int, Doc("Sources published by that day.")]
    sources_undated: Annotated[
        int, Doc("Sources with no publication date, printed or inferred: left out.")
    ]


def published_by(day: datetime.date, prefix: str = "") -> Q:
    """Sources published on or before ``day`` (``prefix`` reaches a source from elsewhere,
    e.g. ``"citation__source__"``)."""
    return Q(**{f"{prefix}published_on_end__lte": day}) | Q(
        **{f"{prefix}published_on_end": None, f"{prefix}published_on__lte": day}
    )


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
    items was (for as_known_on)."""
    items = known(AgendaItem.objects.filter(round=OuterRef("pk")), day)
    return known(rounds, day).annotate(agenda_known=Exists(items))


def as_known_on(row: dict, day: datetime.date) -> dict:
    """A round's row as the sources published by ``day`` told it, in place.

    ``row`` has the round's ``status``, ``start_date``, ``agenda_status``, ``agenda_basis``
    and ``agenda_known`` (see known_rounds); ``summary`` and ``outcomes`` if the caller
    shows them.
    """
    if not row.pop("agenda_known"):
        row.update(agenda_status=AgendaStatus.NOT_REPORTED, agenda_basis="")
    if row["start_date"] is not None and row["start_date"] > day:
        if row["status"] != RoundStatus.PLANNED:
            row["status"] = RoundStatus.PLANNED
            # Written after the meeting took place (or was called off): not yet known.
            for name in ("summary", "outcomes"):
                if name in row:
                    row[name] = ""
        if row["agenda_status"] == AgendaStatus.REPORTED:
            row["agenda_basis"] = AgendaBasis.ANNOUNCED  # reported before the meeting
    return row


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


def status_as_known(day: datetime.date):
    """A round's status as known on ``day`` (as_known_on, in SQL): planned if dated after."""
    return Case(
        When(start_date__gt=day, then=Value(RoundStatus.PLANNED)),
        default=F("status"),
        output_field=CharField(),
    )


def agenda_status_as_known(day: datetime.date):
    """A round's agenda status as known on ``day`` (as_known_on, in SQL)."""
    items = known(AgendaItem.objects.filter(round=OuterRef("pk")), day)
    return Case(
        When(
            Q(agenda_status=AgendaStatus.REPORTED) & Exists(items),
            then=Value(AgendaStatus.REPORTED),
        ),
        default=Value(AgendaStatus.NOT_REPORTED),
        output_field=CharField(),
    )
