"""Fast read paths for the hot resources: rounds, deadlines and people.

DRF serializers build every field of every nested object through per-object field
machinery; on a page of 50 rounds with their agendas that is most of the request time.
These readers produce exactly the same JSON from the ``.values()`` rows of a page (the
paginated query itself), in a fixed number of further queries, and skip the queries for
fields a sparse request (``?fields=``) leaves out (bench/READERS.md: 2x the serializer path
for a page of 50 rounds even with every prefetch tuned, 1.2-1.4x for deadlines and people).

The serializers stay the single description of the resources: they validate writes,
document the schema, and each reader's columns and flat fields are derived from its
serializer (``Shape``); a reader only writes the fields that need more than a column.
Tests assert that both paths give identical output.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property

from django.utils import timezone
from rest_framework import serializers

from negotiations import models
from negotiations.api.serializers import DeadlineSerializer, PersonSerializer, RoundSerializer
from negotiations.api.serializers.fields import OptionalChoiceField, RefField, TitledRefField
from negotiations.choices import AgendaStatus
from negotiations.domain.agenda_lists import add_computed_disputes, exclusion_rows
from negotiations.domain.citations import citations_for, citations_of
from negotiations.domain.deadlines import deadline_status
from negotiations.domain.known import as_known, known, known_disagreements, trimmed
from negotiations.domain.provenance import dispute_refs


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """A datetime as DRF renders it: in the current time zone, UTC written as Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def wants(fields: set[str] | None, *names: str) -> bool:
    return fields is None or any(name in fields for name in names)


class Shape:
    """A serializer's record, read from ``.values()`` rows: the columns its fields need, and
    each field's value from a row, in the serializer's order. Fields that are more than a
    column (nested lists, computed values) are named in ``computed`` and given by the reader;
    a field that is neither fails loudly on first use, so the reader cannot drift from the
    serializer. ``known_as_of`` is added by the view, not read."""

    def __init__(self, serializer_class, computed: set[str]):
        self.serializer_class = serializer_class
        self.computed = computed

    @cached_property
    def fields(self) -> list[tuple[str, Callable[[dict], object] | None]]:
        """(name, reader of a row) per field; None for the computed ones."""
        model = self.serializer_class.Meta.model
        declared = self.serializer_class().fields
        if stray := self.computed - set(declared):
            raise TypeError(f"{model.__name__}: no such fields to compute: {sorted(stray)}")
        fields = []
        for name, field in declared.items():
            if name in ("known_as_of", "unknown_fields"):  # given by the view, as known
                continue
            fields.append((name, None if name in self.computed else column(model, name, field)))
        return fields

    @cached_property
    def columns(self) -> tuple[str, ...]:
        names = [column for _, read in self.fields if read is not None for column in read.columns]
        return tuple(dict.fromkeys(["id", *names]))  # the id: nested lists are keyed by it

    def record(self, row: dict, computed: dict) -> dict:
        return {name: computed[name] if read is None else read(row) for name, read in self.fields}


def column(model, name: str, field) -> Callable[[dict], object]:
    """How a flat field is read from a ``.values()`` row, with the columns it needs."""
    source = field.source
    if isinstance(field, TitledRefField):
        slug, title = f"{source}__slug", f"{source}__title"

        def read(row):
            return {"slug": row[slug], "title": row[title]}

        read.columns = (slug, title)
    elif isinstance(field, RefField | serializers.ManyRelatedField | serializers.BaseSerializer):
        raise TypeError(f"{model.__name__}.{name}: a nested field, which the reader must give")
    elif isinstance(field, serializers.SlugRelatedField):
        key = f"{source}__{field.slug_field}"

        def read(row):
            return row[key]

        read.columns = (key,)
    elif isinstance(field, OptionalChoiceField):

        def read(row):
            return row[source] or None  # no value: null, as the serializer answers it

        read.columns = (source,)
    elif isinstance(field, serializers.DateTimeField):

        def read(row):
            return iso_datetime(row[source])

        read.columns = (source,)
    elif isinstance(field, serializers.DateField):

        def read(row):
            return iso_date(row[source])

        read.columns = (source,)
    elif isinstance(field, serializers.SerializerMethodField) or "." in source:
        raise TypeError(f"{model.__name__}.{name}: computed, which the reader must give")
    else:
        model._meta.get_field(source)  # a column of the model, or a FieldDoesNotExist now

        def read(row):
            return row[source]

        read.columns = (source,)
    return read


# The readers' shapes: their serializers' fields, less what each reader computes.
ROUND = Shape(RoundSerializer, {"agenda", "participants", "disputes", "citations"})
DEADLINE = Shape(DeadlineSerializer, {"days_remaining", "deadline_status", "disputes", "citations"})
PERSON = Shape(PersonSerializer, {"aliases", "roles"})


# --- Rounds -----------------------------------------------------------------------------------


def round_agendas(
    ids: Sequence[int], known_as_of: datetime.date | None = None
) -> tuple[dict[int, list[dict]], list[int]]:
    """Agenda items of rounds with their areas, in one query (one row per item and area);
    also returns the item ids, whose citations the caller loads with the others."""
    agendas: dict[int, list[dict]] = defaultdict(list)
    items: dict[int, dict] = {}
    for row in (
        known(models.AgendaItem.objects.filter(round_id__in=ids), known_as_of)
        .order_by("order", "pk", "area_links__area__name", "area_links__area_id")
        .values(
            "id",
            "round_id",
            "slug",
            "label",
            "order",
            "notes",
            "area_links__area__slug",
            "area_links__area__name",
        )
    ):
        item = items.get(row["id"])
        if item is None:
            item = items[row["id"]] = {
                "slug": row["slug"],
                "label": row["label"],
                "order": row["order"],
                "areas": [],
                "notes": row["notes"],
                "citations": [],
            }
            agendas[row["round_id"]].append(item)
        if row["area_links__area__slug"] is not None:
            item["areas"].append(
                {"slug": row["area_links__area__slug"], "name": row["area_links__area__name"]}
            )
    return agendas, items


def round_participants(
    ids: Sequence[int], known_as_of: datetime.date | None = None
) -> tuple[dict[int, list[dict]], dict[int, dict]]:
    """Participants of rounds; also returns them by id, for their citations."""
    participants: dict[int, list[dict]] = defaultdict(list)
    by_id: dict[int, dict] = {}
    for row in (
        known(models.Participant.objects.filter(round_id__in=ids), known_as_of)
        .order_by("party__code", "name_as_reported", "pk")
        .values(
            "id",
            "round_id",
            "person__slug",
            "person__name",
            "name_as_reported",
            "party__slug",
            "organization__slug",
            "organization_inferred",
            "role",
        )
    ):
        participant = by_id[row["id"]] = {
            "person": (
                {"slug": row["person__slug"], "name": row["person__name"]}
                if row["person__slug"]
                else None
            ),
            "name_as_reported": row["name_as_reported"],
            "party": row["party__slug"],
            "organization": row["organization__slug"],
            "organization_inferred": row["organization_inferred"],
            "role": row["role"],
            "citations": [],
        }
        participants[row["round_id"]].append(participant)
    return participants, by_id


def round_disputes(
    ids: Sequence[int], known_as_of: datetime.date | None = None
) -> dict[int, list[dict]]:
    """The disagreements about rounds (known on the day, if given), in one query."""
    disagreements = models.Disagreement.objects.filter(round_id__in=ids)
    if known_as_of is not None:
        disagreements = known_disagreements(disagreements, known_as_of)
    disputes: dict[int, list[dict]] = defaultdict(list)
    for row in disagreements.order_by("title", "pk").values(
        "round_id", "slug", "title", "topic", "status", "area__slug"
    ):
        disputes[row["round_id"]].append(
            {
                "slug": row["slug"],
                "title": row["title"],
                "topic": row["topic"],
                "status": row["status"],
                "area": row["area__slug"],
                "facet": None,
                "computed": False,
            }
        )
    return disputes


def read_rounds(
    rows: Sequence[dict],
    fields: set[str] | None = None,
    known_as_of: datetime.date | None = None,
) -> list[dict]:
    """Rounds from ``.values(*read_rounds.columns)`` rows, shaped like RoundSerializer; as
    known on a day if given (negotiations.domain.known.as_known: every field from the
    citations published by then, which are all loaded for it)."""
    wanted = fields
    if known_as_of is not None or wants(wanted, "disputes"):
        fields = None  # the values of every field, and their citations, decide
    ids = [row["id"] for row in rows]
    wants_agenda, wants_people = wants(fields, "agenda"), wants(fields, "participants")
    agendas, items = round_agendas(ids, known_as_of) if wants_agenda else ({}, {})
    participants, people = round_participants(ids, known_as_of) if wants_people else ({}, {})
    disputes = round_disputes(ids, known_as_of) if wants(fields, "disputes") else {}
    # Areas said to be off (for the disputes the lists make): only if an agenda is shown.
    exclusions = exclusion_rows(ids) if wants(wanted, "disputes") and agendas else []
    # The citations of the rounds, their agenda items, their participants and those
    # exclusions: two queries.
    cited = citations_of(
        {
            models.Round: ids if wants(fields, "citations") else [],
            models.AgendaItem: items,
            models.Participant: people,
            models.AgendaExclusion: [row["id"] for row in exclusions],
        },
        known_as_of,
    )
    for kind, records in ((models.AgendaItem, items), (models.Participant, people)):
        for pk, record in records.items():
            record["citations"] = cited[kind].get(pk, [])
    citations = cited[models.Round]
    records = []
    for row in rows:
        pk = row["id"]
        reported = row["agenda_status"] == AgendaStatus.REPORTED or known_as_of is not None
        record = ROUND.record(
            row,
            {
                "agenda": agendas.get(pk, []) if reported else None,
                "participants": participants.get(pk, []),
                "disputes": disputes.get(pk, []),
                "citations": citations.get(pk, []),
            },
        )
        if known_as_of is not None:
            as_known(models.Round, record, known_as_of)
        records.append(record)
    if wants(wanted, "disputes"):
        add_computed_disputes(records, exclusions, cited[models.AgendaExclusion], known_as_of)
    return [trimmed(record, wanted) for record in records]


read_rounds.columns = ROUND.columns


# --- Deadlines --------------------------------------------------------------------------------


def read_deadlines(
    rows: Sequence[dict],
    as_of: datetime.date,
    fields: set[str] | None = None,
    known_as_of: datetime.date | None = None,
) -> list[dict]:
    """Deadlines from ``.values(*read_deadlines.columns)`` rows, like DeadlineSerializer; as
    known on a day if given (its date as the sources published by then gave it)."""
    ids = [row["id"] for row in rows]
    needs_citations = wants(fields, "citations", "disputes") or known_as_of is not None
    citations = citations_for(models.Deadline, ids, known_as_of) if needs_citations else {}
    records = []
    for row in rows:
        record = DEADLINE.record(
            row,
            {
                "days_remaining": None,
                "deadline_status": None,
                "disputes": [],
                "citations": citations.get(row["id"], []),
            },
        )
        if known_as_of is not None:
            as_known(models.Deadline, record, known_as_of)
        record["disputes"] = dispute_refs(models.Deadline, record, known_as_of)
        record.update(deadline_countdown(record, as_of))
        records.append(trimmed(record, fields))
    return records


def deadline_countdown(record: dict, as_of: datetime.date) -> dict:
    """days_remaining and deadline_status of a deadline record (its dates as ISO text), or
    null for both when its date is not known."""
    if record.get("date") is None:
        return {"days_remaining": None, "deadline_status": None}
    end = record.get("end_date")
    status = deadline_status(
        datetime.date.fromisoformat(record["date"]),
        datetime.date.fromisoformat(end) if end else None,
        as_of,
    )
    return {"days_remaining": status["days_remaining"], "deadline_status": status["status"]}


read_deadlines.columns = DEADLINE.columns


# --- People -----------------------------------------------------------------------------------


def read_people(rows: Sequence[dict], fields: set[str] | None = None) -> list[dict]:
    """People from ``.values(*read_people.columns)`` rows, shaped like PersonSerializer."""
    ids = [row["id"] for row in rows]
    alias_rows = (
        list(
            models.PersonAlias.objects.filter(person_id__in=ids)
            .order_by("name", "pk")
            .values("id", "person_id", "name", "kind")
        )
        if wants(fields, "aliases")
        else []
    )
    role_rows = (
        list(
            models.Role.objects.filter(person_id__in=ids)
            .order_by(*models.Role._meta.ordering, "pk")
            .values(
                "id",
                "person_id",
                "organization__slug",
                "organization__name",
                "title",
                "is_acting",
                "start_date",
                "end_date",
            )
        )
        if wants(fields, "roles")
        else []
    )
    # The citations of the aliases and of the roles: one query.
    cited = citations_of(
        {
            models.PersonAlias: [alias["id"] for alias in alias_rows],
            models.Role: [role["id"] for role in role_rows],
        }
    )
    aliases: dict[int, list[dict]] = defaultdict(list)
    for alias in alias_rows:
        aliases[alias["person_id"]].append(
            {
                "name": alias["name"],
                "kind": alias["kind"],
                "citations": cited[models.PersonAlias].get(alias["id"], []),
            }
        )
    roles: dict[int, list[dict]] = defaultdict(list)
    for role in role_rows:
        roles[role["person_id"]].append(
            {
                "organization": role["organization__slug"],
                "organization_name": role["organization__name"],
                "title": role["title"],
                "is_acting": role["is_acting"],
                "start_date": iso_date(role["start_date"]),
                "end_date": iso_date(role["end_date"]),
                "citations": cited[models.Role].get(role["id"], []),
            }
        )
    return [
        trimmed(
            PERSON.record(
                row,
                {"aliases": aliases.get(row["id"], []), "roles": roles.get(row["id"], [])},
            ),
            fields,
        )
        for row in rows
    ]


read_people.columns = PERSON.columns
