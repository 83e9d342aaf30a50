"""Writes that keep the record consistent, shared by the API and the admin."""

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Model, Q

from negotiations.domain.audit import Key
from negotiations.domain.versioning import bump_data_version
from negotiations.models import AgendaArea, AgendaItem, AgendaItemArea, Round

# --- Touching: a change to an embedded record is a change to the records that embed it -----

# Set on the instances touch() saves: the signals neither propagate nor re-bump them.
TOUCHING = "_touching"
REASON_LENGTH = 100  # django-simple-history's history_change_reason

# Touches collected by deferred_touches(): key -> (reason, in-memory copies to refresh).
_deferred: ContextVar[dict[Key, tuple[str, list[Model]]] | None] = ContextVar(
    "deferred_touches", default=None
)


def touch(*records: Model, reason: str) -> None:
    """Record that these records changed through a record they embed: their ``updated``
    moves to now and their audit history gets a "~" row with this reason (and the user of
    the request), in the current transaction, so that ``?updated_since=`` and the changes
    feed report them. The given instances get the new ``updated`` too (an ETag built from
    them stays right).

    A touch never touches anything else (the signals skip its saves), so it cannot recurse.
    It does not move the data version: it follows a write that did.
    """
    keys: dict[Key, list[Model]] = defaultdict(list)
    for record in records:
        keys[(type(record), record.pk)].append(record)
    touch_keys(keys, reason=reason)


def touch_keys(keys: Iterable[Key] | Mapping[Key, list[Model]], *, reason: str) -> None:
    """touch() by (model, primary key); a mapping also gives in-memory copies to refresh.

    Each record is touched once per call (or once per deferred_touches() block). Records
    that no longer exist are skipped.
    """
    copies = keys if isinstance(keys, Mapping) else dict.fromkeys(keys, ())
    reason = reason[:REASON_LENGTH]
    deferred = _deferred.get()
    if deferred is not None:
        for key, instances in copies.items():
            earlier = deferred.get(key, ("", []))[1]
            deferred[key] = (reason, [*earlier, *instances])
        return
    _touch_now({key: (reason, list(instances)) for key, instances in copies.items()})


# PostgreSQL aborts one of two transactions that wait on each other (40P01) or that would
# not serialize (40001): the other one went through, so the write can simply run again.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


def is_transient(error) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in TRANSIENT_SQLSTATES


def one_write(write, attempts: int = 3):
    """Run a write (an API request's or an admin form's) in one transaction, touching the
    records that embed what it changed once each, at its end; run it again if the database
    aborted it as a deadlock or a serialization failure."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(), deferred_touches():
                return write()
        except OperationalError as error:
            if attempt == attempts or not is_transient(error):
                raise
            time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")


@contextmanager
def deferred_touches() -> Iterator[None]:
    """Make the touches asked for within the block at its end, once per record (with the
    last reason given), if it ends without an exception. Nested blocks join the outer one."""
    if _deferred.get() is not None:
        yield
        return
    pending: dict[Key, tuple[str, list[Model]]] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    _touch_now(pending)


def flush_touches() -> None:
    """Make the touches deferred so far now (a write about to answer with the records it
    changed: their ``updated`` and ETag must already include the touches)."""
    pending = _deferred.get()
    if pending:
        _touch_now(dict(pending))
        pending.clear()


def _touch_now(pending: Mapping[Key, tuple[str, list[Model]]]) -> None:
    by_model: dict[type[Model], dict[int, tuple[str, list[Model]]]] = defaultdict(dict)
    for (model, pk), entry in pending.items():
        if pk is not None:
            by_model[model][pk] = entry
    if not by_model:
        return
    with transaction.atomic(savepoint=False):
        for model in sorted(by_model, key=lambda model: model._meta.label):
            entries = by_model[model]
            # Fresh rows, locked in primary-key order: the history row is a snapshot of
            # the record as it is, not of a stale copy.
            rows = model._default_manager.filter(pk__in=list(entries)).order_by("pk")
            rows = rows.select_for_update(
                of=("self",), no_key=connection.features.has_select_for_no_key_update
            )
            for record in rows:
                reason, instances = entries[record.pk]
                record._change_reason = reason
                setattr(record, TOUCHING, True)
                record.save(update_fields=["updated"])
                for instance in instances:
                    instance.updated = record.updated


def resolve_agenda_areas(label: str) -> list[AgendaArea]:
    """The canonical areas a reported label names (any case): the area whose slug or name
    it is; else every area it is an alias of ("major and non-tariff measures" covers two)."""
    text = label.strip()
    named = AgendaArea.objects.filter(Q(slug__iexact=text) | Q(name__iexact=text)).first()
    if named is not None:
        return [named]
    return list(AgendaArea.objects.filter(aliases__name__iexact=text).distinct().order_by("name"))


@transaction.atomic
def set_round_agenda_areas(
    *, round: Round, areas_by_item: Mapping[AgendaItem, Iterable[AgendaArea]]
) -> None:
    """Replace the canonical areas of some agenda items of one round, all at once.

    An area may appear only once on a round's agenda. A clash, within the new mapping or
    with another item of the round, raises ValidationError naming both items, and nothing
    is changed. Removals happen before additions, so an area can move between items.
    """
    with deferred_touches():
        _set_round_agenda_areas(round, areas_by_item)


def _set_round_agenda_areas(round: Round, areas_by_item) -> None:
    wanted = {item: list(dict.fromkeys(areas)) for item, areas in areas_by_item.items()}
    for item in wanted:
        if item.round_id != round.pk:
            raise ValidationError({"round": f"\u201c{item.label}\u201d belongs to another round."})
    owner: dict[int, tuple[AgendaArea, str]] = {}
    kept_links = (
        AgendaItemArea.objects.filter(round=round)
        .exclude(item__in=[item.pk for item in wanted])
        .select_related("area", "item")
    )
    for link in kept_links:
        owner[link.area_id] = (link.area, link.item.label)
    errors = []
    for item, areas in wanted.items():
        for area in areas:
            if area.pk in owner:
                errors.append(
                    f"{area.name} is already on this round's agenda as "
                    f"\u201c{owner[area.pk][1]}\u201d; an area may appear once per round."
                )
            owner[area.pk] = (area, item.label)
    if errors:
        raise ValidationError({"areas": errors})
    changed = set()
    for item, areas in wanted.items():
        deleted, _ = AgendaItemArea.objects.filter(item=item).exclude(area__in=areas).delete()
        if deleted:
            changed.add(item)
    existing = set(
        AgendaItemArea.objects.filter(item__in=list(wanted)).values_list("item_id", "area_id")
    )
    links = [
        AgendaItemArea(item=item, area=area, round_id=round.pk)
        for item, areas in wanted.items()
        for area in areas
        if (item.pk, area.pk) not in existing
    ]
    AgendaItemArea.objects.bulk_create(links)
    changed.update(link.item for link in links)
    if changed:
        # The items and the round embed their areas: dashboards syncing by "updated" or by
        # the changes feed must see it (bulk_create sends no signal: touch them here).
        touch(*changed, round, reason="Agenda areas changed")
        bump_data_version()


def set_agenda_item_areas(*, item: AgendaItem, areas: Iterable[AgendaArea]) -> None:
    """Replace the canonical areas one agenda item maps to (see set_round_agenda_areas)."""
    set_round_agenda_areas(round=item.round, areas_by_item={item: areas})
