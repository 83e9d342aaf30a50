"""Reading the audit history: one record's changes, and the changes feed of everything.

django-simple-history writes a historical row for every create, update and delete (API,
admin and fixture loads alike, see negotiations.signals). These functions read it in a
fixed number of queries and describe changes with slugs, as the API does.

Records embedded in a resource (a round's agenda items and participants, a person's
aliases and roles, the citations of any fact...) are not resources of their own: a change
to one is a change to the resources that embed it, which are "touched" (their ``updated``
moves and their history gets a row, see negotiations.domain.services.touch), so that
``?updated_since=`` and the changes feed report them. EMBEDDED_IN says which.
"""

import datetime
from collections import defaultdict
from typing import TypedDict

from django.db.models import Q

from negotiations import models

ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}

# The API's resources, by URL prefix: what the changes feed reports.
RESOURCES = {
    "parties": models.Party,
    "organizations": models.Organization,
    "people": models.Person,
    "negotiations": models.Negotiation,
    "rounds": models.Round,
    "agenda-areas": models.AgendaArea,
    "agenda-items": models.AgendaItem,
    "deadlines": models.Deadline,
    "measures": models.Measure,
    "positions": models.Position,
    "sources": models.Source,
    "citations": models.Citation,
    "conflicts": models.Disagreement,
}
RESOURCE_MODELS = frozenset(RESOURCES.values())
SKIPPED_FIELDS = {"id", "created", "updated"}

# Records embedded in the JSON (or the agenda story) of other records, by the foreign keys
# to the records that embed them. Every value names a resource.
EMBEDDED_IN: dict[type, tuple[str, ...]] = {
    models.PartyAlias: ("party",),
    models.OrganizationAlias: ("organization",),
    models.PersonAlias: ("person",),
    models.Role: ("person",),
    models.NegotiationRelation: ("from_negotiation", "to_negotiation"),
    models.Participant: ("round",),
    models.AgendaAreaAlias: ("area",),
    models.AgendaItem: ("round",),
    models.AgendaItemArea: ("item", "round"),
    models.AgendaChangeAnnotation: ("round",),
    models.DisagreementClaim: ("disagreement",),
}

# A resource record, as (model, primary key).
Key = tuple[type, int]


def embedding_fields(model) -> list:
    """The foreign keys of a model's records to the records that embed them."""
    return [model._meta.get_field(name) for name in EMBEDDED_IN.get(model, ())]


def embedding_records(model, foreign_keys: dict[str, int | None]) -> set[Key]:
    """The records embedding a record of ``model`` whose foreign keys (attname -> id) are
    these."""
    return {
        (field.related_model, foreign_keys[field.attname])
        for field in embedding_fields(model)
        if foreign_keys.get(field.attname) is not None
    }


def affected_records(model, pks) -> set[Key]:
    """The resources whose JSON shows records of ``model``: the records themselves if they
    are resources, and the records embedding them (one query if they are embedded)."""
    pks = set(pks)
    keys: set[Key] = set()
    if not pks:
        return keys
    if model in RESOURCE_MODELS:
        keys.update((model, pk) for pk in pks)
    fields = embedding_fields(model)
    if fields:
        names = [field.attname for field in fields]
        for row in model._default_manager.filter(pk__in=pks).order_by().values(*names):
            keys |= embedding_records(model, row)
    return keys


def citing_records(citation_ids) -> set[Key]:
    """The resources that show these citations: the facts citing them, or the records
    embedding those facts. One query per kind of fact."""
    citation_ids = list(citation_ids)
    keys: set[Key] = set()
    if not citation_ids:
        return keys
    for model in models.CITED_MODELS.values():
        names = [field.attname for field in embedding_fields(model)]
        rows = (
            model._default_manager.filter(citations__in=citation_ids)
            .order_by()
            .values("pk", *names)
            .distinct()
        )
        for row in rows:
            if model in RESOURCE_MODELS:
                keys.add((model, row["pk"]))
            keys |= embedding_records(model, row)
    return keys


class FieldChange(TypedDict):
    field: str
    old: object
    new: object


class HistoryEntry(TypedDict):
    history_id: int
    date: str
    action: str
    user: str | None
    reason: str | None
    changes: list[FieldChange]


def plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def object_history(model, pk: int) -> list[HistoryEntry]:
    """Every change of one record, newest first, each with what changed (slugs for links)."""
    historical = model.history.model
    records = list(
        historical.objects.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    concrete = [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]
    slugs = related_slugs(model, concrete, records)
    m2m = m2m_snapshots(model, records)

    def value(record, field):
        raw = getattr(record, field.attname)
        if field.is_relation:
            return slugs[field.name].get(raw, raw)
        return plain(raw)

    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        changes: list[FieldChange] = []
        for field in concrete:
            new = value(record, field)
            old = value(previous, field) if previous is not None else None
            if previous is None or old != new:
                if previous is None and new in (None, "", []):
                    continue
                changes.append({"field": field.name, "old": old, "new": new})
        for name, snapshots in m2m.items():
            new = snapshots.get(record.history_id, [])
            old = snapshots.get(previous.history_id, []) if previous is not None else []
            if new != old:
                changes.append({"field": name, "old": old, "new": new})
        entries.append(
            {
                "history_id": record.history_id,
                "date": record.history_date.isoformat(),
                "action": ACTIONS[record.history_type],
                "user": record.history_user.get_username() if record.history_user else None,
                "reason": record.history_change_reason,
                "changes": changes if record.history_type != "-" else [],
            }
        )
        previous = record
    return list(reversed(entries))


def related_slugs(model, fields, records) -> dict[str, dict]:
    """For each foreign key: related id -> slug, one query per related model."""
    found: dict[str, dict] = {}
    for field in fields:
        if not field.is_relation:
            continue
        target = field.related_model
        ids = {getattr(record, field.attname) for record in records} - {None}
        if "slug" in {f.name for f in target._meta.fields}:
            found[field.name] = dict(target.objects.filter(pk__in=ids).values_list("pk", "slug"))
        else:
            found[field.name] = {}
    return found


def m2m_snapshots(model, records) -> dict[str, dict[int, list[str]]]:
    """For each tracked many-to-many field: history id -> sorted slugs at that moment."""
    snapshots: dict[str, dict[int, list[str]]] = {}
    history_ids = [record.history_id for record in records]
    for name in getattr(model, "_history_m2m_fields", []):
        field = model._meta.get_field(name)
        m2m_model = getattr(model.history.model, name).model
        target_column = f"{field.m2m_reverse_field_name()}_id"
        rows = list(
            m2m_model.objects.filter(history_id__in=history_ids).values("history_id", target_column)
        )
        ids = {row[target_column] for row in rows}
        slug_of = dict(field.related_model.objects.filter(pk__in=ids).values_list("pk", "slug"))
        by_record: dict[int, list[str]] = defaultdict(list)
        for row in rows:
            by_record[row["history_id"]].append(
                slug_of.get(row[target_column], str(row[target_column]))
            )
        snapshots[name] = {key: sorted(values) for key, values in by_record.items()}
    return snapshots


class ChangeEvent(TypedDict):
    type: str
    slug: str
    action: str
    time: str
    user: str | None
    history_id: int


def changes_since(
    since: datetime.datetime, after: tuple[str, int] | None, limit: int
) -> tuple[list[ChangeEvent], tuple[datetime.datetime, str, int] | None]:
    """Creations, updates and deletions of every resource since a time, oldest first.

    Events are ordered by (time, type, history id); ``after`` resumes after the last event
    of the previous page at the same time. One query per resource, whatever the history
    size (each reads at most ``limit + 1`` rows through the history_date index).
    """
    events = []
    for name, model in RESOURCES.items():
        condition = Q(history_date__gt=since)
        if after is None or name > after[0]:
            condition |= Q(history_date=since)
        elif name == after[0]:
            condition |= Q(history_date=since, history_id__gt=after[1])
        rows = (
            model.history.model.objects.filter(condition)
            .order_by("history_date", "history_id")
            .values("history_id", "history_date", "history_type", "slug", "history_user__username")
        )[: limit + 1]
        events.extend((row["history_date"], name, row["history_id"], row) for row in rows)
    events.sort(key=lambda event: event[:3])
    page, more = events[:limit], len(events) > limit
    result: list[ChangeEvent] = [
        {
            "type": name,
            "slug": row["slug"],
            "action": ACTIONS[row["history_type"]],
            "time": date.isoformat(),
            "user": row["history_user__username"],
            "history_id": history_id,
        }
        for date, name, history_id, row in page
    ]
    resume = page[-1][:3] if more and page else None
    return result, resume
