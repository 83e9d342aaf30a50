"""Reading the audit history: one record's changes, and the changes feed of everything.

django-simple-history writes a historical row for every create, update and delete; the
records that embed what changed get a "~" row of their own (negotiations.domain.writes).
These functions read the rows in a fixed number of queries and describe changes with slugs
and ids, as the API does.
"""

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Annotated, TypedDict

from django.db.models import OuterRef, Q, Subquery

from negotiations.domain.shapes import DATE_TIME, JSON, Doc
from negotiations.models import SlugHistory

ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}
RENAMED = "renamed"
SKIPPED_FIELDS = {"id", "created", "updated"}


class FieldChange(TypedDict):
    field: str
    old: Annotated[object, JSON]
    new: Annotated[object, JSON]


class HistoryEntry(TypedDict):
    history_id: int
    date: Annotated[str, DATE_TIME]
    action: Annotated[str, Doc(choices=["created", "updated", "deleted"])]
    user: Annotated[str | None, Doc("Who made the change; shown to authenticated clients only.")]
    reason: str | None
    changes: Annotated[list[FieldChange], Doc("Foreign keys and lists as slugs.")]


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
    type: Annotated[str, Doc("The resource, as in its URL (rounds, people...).")]
    id: Annotated[int, Doc("The record's id: it never changes.")]
    slug: Annotated[str, Doc("The record's slug at that moment.", format="slug")]
    previous_slug: Annotated[
        str | None,
        Doc("For a rename: the slug it had before (its old URL redirects).", format="slug"),
    ]
    action: Annotated[str, Doc(choices=["created", "updated", "renamed", "deleted"])]
    time: Annotated[str, DATE_TIME]
    user: str | None
    history_id: int


def changes_since(
    resources: Mapping[str, type],
    since: datetime.datetime,
    after: tuple[str, int] | None,
    limit: int,
) -> tuple[list[ChangeEvent], tuple[datetime.datetime, str, int] | None]:
    """Creations, updates, renames and deletions of every resource (``resources``: name ->
    model) since a time, oldest first.

    Each event names the record by its ``id`` (which never changes) and its slug at that
    moment; a rename is its own action, with the slug it had before. Events are ordered by
    (time, type, history id); ``after`` resumes after the last event of the previous page at
    the same time. One query per resource, whatever the history size (each reads at most
    ``limit + 1`` rows through the history_date index).
    """
    events = []
    for name, model in resources.items():
        condition = Q(history_date__gt=since)
        if after is None or name > after[0]:
            condition |= Q(history_date=since)
        elif name == after[0]:
            condition |= Q(history_date=since, history_id__gt=after[1])
        renamed_from = SlugHistory.objects.filter(
            model=model._meta.label, history_id=OuterRef("history_id")
        ).values("slug")[:1]
        rows = (
            model.history.model.objects.filter(condition)
            .annotate(previous_slug=Subquery(renamed_from))
            .order_by("history_date", "history_id")
            .values(
                "history_id",
                "history_date",
                "history_type",
                "id",
                "slug",
                "previous_slug",
                "history_user__username",
            )
        )[: limit + 1]
        events.extend((row["history_date"], name, row["history_id"], row) for row in rows)
    events.sort(key=lambda event: event[:3])
    page, more = events[:limit], len(events) > limit
    result: list[ChangeEvent] = [
        {
            "type": name,
            "id": row["id"],
            "slug": row["slug"],
            "previous_slug": row["previous_slug"],
            "action": RENAMED if row["previous_slug"] else ACTIONS[row["history_type"]],
            "time": date.isoformat(),
            "user": row["history_user__username"],
            "history_id": history_id,
        }
        for date, name, history_id, row in page
    ]
    resume = page[-1][:3] if more and page else None
    return result, resume
