"""Writes that keep the record consistent, shared by the API and the admin."""

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Model

from negotiations.choices import AgendaStatus, RoundStatus
from negotiations.domain.audit import Key
from negotiations.domain.labels import AreaIndex
from negotiations.domain.labels import resolve_agenda_areas as resolve_agenda_areas
from negotiations.domain.slugs import unique_slug
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
    # An item given areas is mapped: it is no longer "unmapped".
    mapped = [item.pk for item, areas in wanted.items() if areas and item.unmapped]
    if mapped:
        AgendaItem.objects.filter(pk__in=mapped).update(unmapped=False)
        for item in wanted:
            if item.pk in mapped:
                item.unmapped = False
                changed.add(item)
    if changed:
        # The items and the round embed their areas: dashboards syncing by "updated" or by
        # the changes feed must see it (bulk_create sends no signal: touch them here).
        touch(*changed, round, reason="Agenda areas changed")
        bump_data_version()


def set_agenda_item_areas(*, item: AgendaItem, areas: Iterable[AgendaArea]) -> None:
    """Replace the canonical areas one agenda item maps to (see set_round_agenda_areas)."""
    set_round_agenda_areas(round=item.round, areas_by_item={item: areas})


def unmapped_label_error(label: str) -> str:
    return (
        f"No agenda area is named \u201c{label}\u201d (by its name, slug or an alias): "
        "choose its areas, or save it as unmapped to map it later from the review queue."
    )


def map_items_from_labels(item_ids: Iterable[int]) -> None:
    """Map the given agenda items that have no area and are not marked unmapped from their
    labels (what fixture loading does for items whose areas it does not list). An item whose
    label names no area raises ValidationError naming it, and nothing is mapped."""

    items = list(
        AgendaItem.objects.filter(pk__in=list(item_ids), unmapped=False, area_links=None)
        .select_related("round")
        .order_by("round_id", "order", "pk")
    )
    if not items:
        return
    index = AreaIndex()
    by_round: dict[Round, dict[AgendaItem, list[AgendaArea]]] = defaultdict(dict)
    errors = []
    for item in items:
        areas = index.resolve(item.label)
        if not areas:
            errors.append(
                f"Agenda item \u201c{item.slug}\u201d: {unmapped_label_error(item.label)}"
            )
        by_round[item.round][item] = areas
    if errors:
        raise ValidationError(errors)
    for round_, areas_by_item in by_round.items():
        set_round_agenda_areas(round=round_, areas_by_item=areas_by_item)


def previous_reported_round(round: Round) -> Round | None:
    """The latest earlier round of the negotiation whose agenda was reported (not cancelled):
    the agenda an editor starts from for a new round."""
    return (
        Round.objects.filter(
            negotiation_id=round.negotiation_id,
            sequence__lt=round.sequence,
            agenda_status=AgendaStatus.REPORTED,
        )
        .exclude(status=RoundStatus.CANCELLED)
        .order_by("-sequence")
        .first()
    )


@transaction.atomic
def copy_previous_agenda(*, round: Round) -> tuple[Round, list[AgendaItem]]:
    """Give a round with no agenda yet the agenda of the previous reported round: the same
    labels, order and areas (an unmapped item stays unmapped), slugs by the rule. Citations
    are not copied: the editor cites this round's own sources. Raises ValidationError, and
    changes nothing, if the round has items already, its agenda is not marked reported, or
    no earlier round has a reported agenda."""
    if round.agenda_items.exists():
        raise ValidationError("This round already has an agenda: nothing was copied.")
    if round.agenda_status != AgendaStatus.REPORTED:
        raise ValidationError(
            "Mark this round's agenda reported (with its basis) before copying an agenda to it."
        )
    previous = previous_reported_round(round)
    if previous is None:
        raise ValidationError("No earlier round of this negotiation has a reported agenda.")
    reserved: set[str] = set()
    copied: dict[AgendaItem, list[AgendaArea]] = {}
    for item in previous.agenda_items.prefetch_related("areas").order_by("order", "pk"):
        slug = unique_slug(AgendaItem, {"round": round, "label": item.label}, reserved=reserved)
        reserved.add(slug)
        new = AgendaItem.objects.create(
            round=round,
            label=item.label,
            order=item.order,
            slug=slug,
            unmapped=item.unmapped,
            notes=f"Copied from {previous.title}: cite this round's source.",
        )
        copied[new] = list(item.areas.all())
    set_round_agenda_areas(round=round, areas_by_item=copied)
    return previous, list(copied)
