"""Fast read paths for the hot resources: rounds, deadlines and people.

DRF serializers build every field of every nested object through per-object field
machinery; on a page of 50 rounds with their agendas that is most of the request time.
These readers produce exactly the same JSON from the ``.values()`` rows of a page (the
paginated query itself), in a fixed number of further queries, and skip the queries for
fields a sparse request (``?fields=``) leaves out. The
serializers stay the single description of the resources: they validate writes, document
the schema, and tests assert that both paths give identical output.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.utils import timezone

from negotiations import models
from negotiations.choices import AgendaStatus
from negotiations.domain.citations import citations_for, citations_of
from negotiations.domain.deadlines import deadline_status
from negotiations.domain.known import as_known_on, known, known_disagreements


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


def trim(record: dict, fields: set[str] | None) -> dict:
    if fields is None:
        return record
    return {key: value for key, value in record.items() if key in fields}


# --- Rounds -----------------------------------------------------------------------------------

ROUND_COLUMNS = (
    "id",
    "slug",
    "negotiation__slug",
    "negotiation__title",
    "sequence",
    "title",
    "level",
    "status",
    "start_date",
    "end_date",
    "date_precision",
    "date_as_reported",
    "date_note",
    "city",
    "region",
    "country",
    "venue",
    "occasion",
    "summary",
    "outcomes",
    "agenda_status",
    "agenda_basis",
    "created",
    "updated",
)


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
            }
        )
    return disputes


def read_rounds(
    rows: Sequence[dict],
    fields: set[str] | None = None,
    known_as_of: datetime.date | None = None,
) -> list[dict]:
    """Rounds from ``.values(*read_rounds.columns)`` rows, shaped like RoundSerializer; as
    known on a day if given (the rows then come from known_rounds(), with agenda_known)."""
    if known_as_of is not None:
        rows = [as_known_on(dict(row), known_as_of) for row in rows]
    ids = [row["id"] for row in rows]
    wants_agenda, wants_people = wants(fields, "agenda"), wants(fields, "participants")
    agendas, items = round_agendas(ids, known_as_of) if wants_agenda else ({}, {})
    participants, people = round_participants(ids, known_as_of) if wants_people else ({}, {})
    disputes = round_disputes(ids, known_as_of) if wants(fields, "disputes") else {}
    # The citations of the rounds, their agenda items and their participants: one query.
    cited = citations_of(
        {
            models.Round: ids if wants(fields, "citations") else [],
            models.AgendaItem: items,
            models.Participant: people,
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
        reported = row["agenda_status"] == AgendaStatus.REPORTED
        record = {
            "id": pk,
            "slug": row["slug"],
            "negotiation": {"slug": row["negotiation__slug"], "title": row["negotiation__title"]},
            "sequence": row["sequence"],
            "title": row["title"],
            "level": row["level"],
            "status": row["status"],
            "start_date": iso_date(row["start_date"]),
            "end_date": iso_date(row["end_date"]),
            "date_precision": row["date_precision"],
            "date_as_reported": row["date_as_reported"],
            "date_note": row["date_note"],
            "city": row["city"],
            "region": row["region"],
            "country": row["country"],
            "venue": row["venue"],
            "occasion": row["occasion"],
            "summary": row["summary"],
            "outcomes": row["outcomes"],
            "agenda_status": row["agenda_status"],
            "agenda_basis": row["agenda_basis"],
            "agenda": agendas.get(pk, []) if reported else None,
            "participants": participants.get(pk, []),
            "disputes": disputes.get(pk, []),
            "citations": citations.get(pk, []),
            "created": iso_datetime(row["created"]),
            "updated": iso_datetime(row["updated"]),
        }
        records.append(trim(record, fields))
    return records


read_rounds.columns = ROUND_COLUMNS


# --- Deadlines --------------------------------------------------------------------------------


def read_deadlines(
    rows: Sequence[dict],
    as_of: datetime.date,
    fields: set[str] | None = None,
    known_as_of: datetime.date | None = None,
) -> list[dict]:
    """Deadlines from ``.values(*read_deadlines.columns)`` rows, like DeadlineSerializer."""
    ids = [row["id"] for row in rows]
    citations = (
        citations_for(models.Deadline, ids, known_as_of) if wants(fields, "citations") else {}
    )
    records = []
    for row in rows:
        status = deadline_status(row["date"], row["end_date"], as_of)
        record = {
            "id": row["id"],
            "slug": row["slug"],
            "title": row["title"],
            "kind": row["kind"],
            "negotiation": row["negotiation__slug"],
            "measure": row["measure__slug"],
            "date": iso_date(row["date"]),
            "end_date": iso_date(row["end_date"]),
            "date_precision": row["date_precision"],
            "date_as_reported": row["date_as_reported"],
            "date_note": row["date_note"],
            "description": row["description"],
            "days_remaining": status["days_remaining"],
            "deadline_status": status["status"],
            "citations": citations.get(row["id"], []),
            "created": iso_datetime(row["created"]),
            "updated": iso_datetime(row["updated"]),
        }
        records.append(trim(record, fields))
    return records


read_deadlines.columns = (
    "id",
    "slug",
    "title",
    "kind",
    "negotiation__slug",
    "measure__slug",
    "date",
    "end_date",
    "date_precision",
    "date_as_reported",
    "date_note",
    "description",
    "created",
    "updated",
)


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
        trim(
            {
                "id": row["id"],
                "slug": row["slug"],
                "name": row["name"],
                "party": row["party__slug"],
                "aliases": aliases.get(row["id"], []),
                "roles": roles.get(row["id"], []),
                "notes": row["notes"],
                "created": iso_datetime(row["created"]),
                "updated": iso_datetime(row["updated"]),
            },
            fields,
        )
        for row in rows
    ]


read_people.columns = ("id", "slug", "name", "party__slug", "notes", "created", "updated")
