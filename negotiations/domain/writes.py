"""Every write to the record, and everything a write changes, in one place.

A write (an API request, an admin form with its inlines, a fixture load, a revert) is one
transaction, run through the services at the bottom of this module. What it changes:

1. **The records themselves.** Saved and deleted by the services, which report each change
   to the open ``Write``. django-simple-history writes their audit rows as they are saved
   (its own signals: the only ones the project relies on).
2. **The records that embed them.** A change to an embedded record (an alias in its person,
   an agenda item in its round: ``embedded_in`` on the model, negotiations.registry) is a
   change to the resources that show it; so is a change to a citation's quote for the facts
   citing it, and to a source's publisher for its citations and their facts. Those records
   are *touched* once each when the write settles: ``updated`` moves to now and their audit
   history gets a "~" row with the reason ("Participant deleted: ..."), so that
   ``?updated_since=`` and the changes feed report them. A record deleted in the same write
   is not touched; a record whose reference is set to null by a deletion is.
3. **A renamed record's old slug** is kept (SlugHistory): its old URL redirects, and the
   changes feed reports a rename.
4. **The data version** moves once, when the outermost write settles, in its transaction
   (a rollback takes it back): conditional GETs never serve a stale answer. So do the
   versions of the scopes the write changed (negotiations.domain.scopes: the negotiations
   its records belong to, the shared vocabulary), under which answers about one negotiation
   are cached and tagged.

Writes nest: a service called inside an open write (an admin form saving its inlines, a
serializer setting areas after saving an item) joins it, and it settles at the end of the
outermost one. ``run_write`` runs a whole write again when PostgreSQL aborts it as a
deadlock or a serialization failure. Code that writes around these services (a bulk load,
a data migration) must call ``bump_data_version`` itself.
"""

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, router, transaction
from django.db.models import Exists, Model, OuterRef
from django.db.models.deletion import Collector
from django.utils import timezone

from negotiations import registry
from negotiations.choices import AgendaStatus, RoundStatus
from negotiations.domain.agenda import change_note_mismatch, round_agenda_changes
from negotiations.domain.fixtures import (
    FixtureRecordError,
    describe,
    record_name,
    validate_fixture_record,
)
from negotiations.domain.labels import AreaIndex
from negotiations.domain.provenance import (
    facet_fields,
    json_value,
    record_facets,
    validate_link,
)
from negotiations.domain.scopes import ChangedScopes
from negotiations.domain.slugs import unique_slug
from negotiations.domain.versioning import bump_data_version
from negotiations.models import (
    AgendaArea,
    AgendaChangeAnnotation,
    AgendaItem,
    AgendaItemArea,
    Citation,
    Round,
    Source,
)
from negotiations.models.agenda import area_clashes, areas_taken
from negotiations.models.versioning import SlugHistory

# A resource record, as (model, primary key).
Key = tuple[type[Model], int]

REASON_LENGTH = 100  # django-simple-history's history_change_reason
FIXTURE_LOAD = "Loaded from a fixture"
# Fields whose change changes what other records show (besides embedding foreign keys).
SHOWN_ELSEWHERE = {Citation: ("quote", "source_id"), Source: ("publisher",)}


# --- Who shows what ---------------------------------------------------------------------------


def embedding_fields(model) -> list:
    """The foreign keys of a model's records to the records that embed them."""
    return [model._meta.get_field(name) for name in registry.embedded_in().get(model, ())]


def embedding_records(model, values: Mapping[str, Any]) -> set[Key]:
    """The records embedding a record of ``model`` whose foreign keys (attname -> id) are
    these."""
    return {
        (field.related_model, values[field.attname])
        for field in embedding_fields(model)
        if values.get(field.attname) is not None
    }


def showing(model, pks: Iterable[int]) -> set[Key]:
    """The resources whose JSON shows these records of ``model``: the records themselves if
    they are resources, and the records embedding them (one query if they are embedded)."""
    pks = set(pks)
    keys: set[Key] = set()
    if not pks:
        return keys
    if model in registry.resource_models():
        keys.update((model, pk) for pk in pks)
    names = [field.attname for field in embedding_fields(model)]
    if names:
        for row in model._base_manager.filter(pk__in=pks).order_by().values(*names):
            keys |= embedding_records(model, row)
    return keys


def citing_records(citation_ids: Iterable[int]) -> set[Key]:
    """The resources that show these citations: the facts citing them, or the records
    embedding those facts. One query per kind of fact."""
    citation_ids = list(citation_ids)
    keys: set[Key] = set()
    if not citation_ids:
        return keys
    for model in registry.cited_models().values():
        names = [field.attname for field in embedding_fields(model)]
        rows = (
            model._base_manager.filter(citations__in=citation_ids)
            .order_by()
            .values("pk", *names)
            .distinct()
        )
        for row in rows:
            if model in registry.resource_models():
                keys.add((model, row["pk"]))
            keys |= embedding_records(model, row)
    return keys


def reason(record: Model, what: str) -> str:
    """The audit reason of a touch: what changed, e.g. "Agenda item changed: tariffs"."""
    text = f"{record._meta.verbose_name} {what}"
    slug = getattr(record, "slug", None)
    return (text[0].upper() + text[1:] + (f": {slug}" if slug else ""))[:REASON_LENGTH]


# --- One write ----------------------------------------------------------------------------------


class Write:
    """The changes of one write, as the services report them, and what follows at its end."""

    def __init__(self):
        self.changed = False
        self.touches: dict[Key, str] = {}  # record -> the reason (the last one given)
        self.copies: dict[Key, list[Model]] = defaultdict(list)  # in memory, to keep in step
        self.deleted: set[Key] = set()
        self.scopes = ChangedScopes()

    def touch(self, keys: Iterable[Key], why: str) -> None:
        for key in keys:
            self.touches[key] = why

    def saved(self, record: Model, *, created: bool, previous: Mapping[str, Any]) -> None:
        """``record`` was just created or changed; ``previous``: the old values (attname ->
        value) of the fields that changed."""
        self.changed = True
        model = type(record)
        if getattr(model, "is_citation_link", False):  # what a quote states of its record
            self.link_changed(record)
            return
        if not created and previous:
            keep_what_sources_said(record, previous)
        self.scopes.saved(record, created=created, previous=previous)
        why = reason(record, "added" if created else "changed")
        keys = embedding_records(model, record.__dict__)
        # Moved to another parent: the old one changed too.
        keys |= embedding_records(model, {**record.__dict__, **previous})
        shown = SHOWN_ELSEWHERE.get(model, ())
        if not created and any(name in previous for name in shown):
            if model is Source:
                citations = list(record.citations.values_list("pk", flat=True))
                keys |= {(Citation, pk) for pk in citations} | citing_records(citations)
            else:
                keys |= citing_records([record.pk])
        self.touch(keys, why)
        if model in registry.resource_models():
            self.copies[(model, record.pk)].append(record)
        old_slug = previous.get("slug")
        if not created and old_slug and old_slug != record.slug:
            remember_slug(record, old_slug)

    def link_changed(self, link: Model, why: str = "") -> None:
        """A citation link was written: its record (and what embeds it) changed, and its
        audit row (a snapshot of its links) is written when the write settles."""
        record_model = link._meta.get_field(link.record_field).related_model
        record_id = getattr(link, f"{link.record_field}_id")
        why = why or f"{record_model._meta.verbose_name} citations changed".capitalize()
        self.changed = True
        self.touch({(record_model, record_id)} | showing(record_model, [record_id]), why)

    def deleting(self, record: Model) -> None:
        """``record`` is about to be deleted, with what cascades from it."""
        self.changed = True
        if getattr(type(record), "is_citation_link", False):
            self.link_changed(record)
            return
        why = reason(record, "deleted")
        collector = Collector(using=router.db_for_write(type(record)))
        collector.collect([record])
        keys: set[Key] = set()
        self.scopes.deleting(collector.data)
        for model, instances in collector.data.items():
            for instance in instances:
                self.deleted.add((model, instance.pk))
                keys |= embedding_records(model, instance.__dict__)
            if model is Citation:  # its links go with it: read who shows it now
                keys |= citing_records(instance.pk for instance in instances)
        # References set to null (a round's positions, a measure's deadlines): those records
        # change. Collector.field_updates: (field, value) -> groups of records.
        for (field, _value), groups in collector.field_updates.items():
            for group in groups:
                keys |= showing(field.model, [instance.pk for instance in group])
        self.touch(keys, why)

    def linked(self, record: Model, field_name: str) -> None:
        """The many-to-many list ``field_name`` of ``record`` (its citations, mostly) changed."""
        self.changed = True
        model = type(record)
        self.scopes.record(model, record.pk, record.__dict__)
        why = f"{model._meta.verbose_name} {field_name} changed".capitalize()[:REASON_LENGTH]
        if model in registry.resource_models():
            if field_name in getattr(model, "_history_m2m_fields", ()):
                # django-simple-history wrote the row: only ``updated`` has to move.
                record.updated = timezone.now()
                model._base_manager.filter(pk=record.pk).update(updated=record.updated)
            else:
                self.touch([(model, record.pk)], why)
                self.copies[(model, record.pk)].append(record)
        self.touch(embedding_records(model, record.__dict__), why)

    def settle(self) -> None:
        """Touch what the write changed, once each, and move the data version once."""
        touches = {key: why for key, why in self.touches.items() if key not in self.deleted}
        by_model: dict[type[Model], dict[int, str]] = defaultdict(dict)
        for (model, pk), why in touches.items():
            if pk is not None:
                by_model[model][pk] = why
        for model in sorted(by_model, key=lambda model: model._meta.label):
            reasons = by_model[model]
            # Fresh rows, locked in primary-key order: the audit row is a snapshot of the
            # record as it is, not of a stale copy in memory.
            rows = model._base_manager.filter(pk__in=list(reasons)).order_by("pk")
            rows = rows.select_for_update(
                of=("self",), no_key=connection.features.has_select_for_no_key_update
            )
            for row in rows:
                self.scopes.record(model, row.pk, row.__dict__)
                row._change_reason = reasons[row.pk]
                row.save(update_fields=["updated"])
                for copy in self.copies.get((model, row.pk), ()):
                    copy.updated = row.updated
        if self.changed:
            # A write that reported no record (touch() with none) moves every scope.
            bump_data_version(self.scopes.scopes())
        self.scopes.clear()
        self.touches.clear()
        self.deleted.clear()
        self.changed = False


_current: ContextVar[Write | None] = ContextVar("write", default=None)


@contextmanager
def writing() -> Iterator[Write]:
    """Open a write (one transaction), or join the one already open; the outermost write
    settles at its end."""
    current = _current.get()
    if current is not None:
        yield current
        return
    write = Write()
    token = _current.set(write)
    try:
        with transaction.atomic():
            yield write
            write.settle()
    finally:
        _current.reset(token)


# PostgreSQL aborts one of two transactions that wait on each other (40P01) or that would
# not serialize (40001): the other one went through, so the write can simply run again.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


def is_transient(error) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in TRANSIENT_SQLSTATES


def settle_now() -> None:
    """Settle the open write before it ends: an API write answers with the record's ETag,
    which must include the touches (the record itself may be one of them)."""
    current = _current.get()
    if current is not None:
        current.settle()


def run_write(write: Callable[[], Any], attempts: int = 3):
    """Run a whole write (an API request's, an admin form's) in one transaction, again if
    the database aborted it as a deadlock or a serialization failure."""
    for attempt in range(1, attempts + 1):
        try:
            with writing():
                return write()
        except OperationalError as error:
            if attempt == attempts or not is_transient(error):
                raise
            time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")


def remember_slug(record: Model, old_slug: str) -> None:
    """Keep a renamed record's old slug, tied to the audit row of the rename."""
    label = record._meta.label
    latest = (
        record.history.filter(id=record.pk).order_by("-history_date", "-history_id").first()
        if hasattr(record, "history")
        else None
    )
    SlugHistory.objects.create(
        model=label,
        record_id=record.pk,
        slug=old_slug,
        renamed_to=record.slug,
        history_id=latest.history_id if latest else None,
        renamed_at=timezone.now(),
    )


# --- The services: one per kind of write --------------------------------------------------------


def changed_values(record: Model, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The old values (attname -> value) of the fields that ``fields`` would change."""
    previous = {}
    for name, value in fields.items():
        field = record._meta.get_field(name)
        attname = field.attname
        new = value.pk if field.is_relation and isinstance(value, Model) else value
        if getattr(record, attname) != new:
            previous[attname] = getattr(record, attname)
    return previous


def set_links(record: Model, links: Mapping[str, Iterable]) -> None:
    """Replace many-to-many lists of a saved record, reporting those that changed."""
    for name, values in links.items():
        if name == "citations":
            set_citation_links(record=record, links=values)
            continue
        manager = getattr(record, name)
        wanted = {value.pk if isinstance(value, Model) else value for value in values}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(list(values))
            record_links_changed(record, name)


@dataclasses.dataclass(frozen=True)
class CitationLinkSpec:
    """A citation of a record and what its quote states (negotiations.models.provenance):
    the facets (none: the whole record), the values as the source gave them where they
    differ from the record's, and whether it reports a change."""

    citation: Citation
    facets: tuple[str, ...] = ()
    values: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    reports_change: bool = False


def link_model(model) -> type[Model]:
    return model._meta.get_field("citations").remote_field.through


def set_citation_links(*, record: Model, links: Iterable[Citation | CitationLinkSpec]) -> None:
    """Replace the citations of a saved record, in one write. A plain citation is linked to
    the whole record, or kept as its link says if it is linked already; a CitationLinkSpec
    says what its quote states (checked by negotiations.domain.provenance.validate_link:
    ValidationError naming the citation, and nothing is changed)."""
    model = type(record)
    through = link_model(model)
    record_field = through.record_field
    specs: dict[int, CitationLinkSpec | None] = {}
    for item in links:
        if isinstance(item, CitationLinkSpec):
            problems = validate_link(model, list(item.facets), dict(item.values))
            if problems:
                raise ValidationError(
                    {
                        "citations": [
                            f"{item.citation.slug}: {name}: {' '.join(messages)}"
                            for name, messages in problems.items()
                        ]
                    }
                )
            specs[item.citation.pk] = item
        else:
            citation_id = item.pk if isinstance(item, Model) else int(item)
            specs.setdefault(citation_id, None)
    with writing() as write:
        existing = {
            link.citation_id: link for link in through.objects.filter(**{record_field: record})
        }
        changed = False
        gone = [
            pk
            for citation_id, link in existing.items()
            if citation_id not in specs
            for pk in [link.pk]
        ]
        if gone:
            through.objects.filter(pk__in=gone).delete()
            changed = True
        for citation_id, spec in specs.items():
            link = existing.get(citation_id)
            wanted = (
                {
                    "facets": list(spec.facets),
                    "values": dict(spec.values),
                    "reports_change": spec.reports_change,
                }
                if spec is not None
                else None
            )
            if link is None:
                through.objects.create(
                    **{record_field: record, "citation_id": citation_id, **(wanted or {})}
                )
                changed = True
            elif wanted is not None and any(
                getattr(link, name) != value for name, value in wanted.items()
            ):
                for name, value in wanted.items():
                    setattr(link, name, value)
                link.save(update_fields=list(wanted))
                changed = True
        if changed:
            write.link_changed(through(**{record_field: record}))


def keep_what_sources_said(record: Model, previous: Mapping[str, Any]) -> None:
    """A record's facet changed (``previous``: the old values by attname): every link that
    states it with no value of its own stated the old value, which it now keeps (those
    sources said the old value; the new one needs a source of its own)."""
    model = type(record)
    attnames = {name: model._meta.get_field(name).attname for name in facet_fields(model)}
    changed = {
        name: facet
        for name, facet in record_facets(model).items()
        if any(attnames[f] in previous for f in facet.fields)
    }
    if not changed:
        return
    old = {
        f: json_value(model, f, previous.get(attnames[f], getattr(record, attnames[f])))
        for facet in changed.values()
        for f in facet.fields
    }
    through = link_model(model)
    for link in through.objects.filter(**{through.record_field: record}):
        frozen = {
            name: {f: old[f] for f in facet.fields}
            for name, facet in changed.items()
            if (not link.facets or name in link.facets) and name not in link.values
        }
        if frozen:
            link.values = {**link.values, **frozen}
            link.save(update_fields=["values"])


def record_saved(
    record: Model, *, created: bool, previous: Mapping[str, Any] | None = None
) -> None:
    """Report a save made elsewhere (the admin's forms save their instances themselves)."""
    with writing() as write:
        write.saved(record, created=created, previous=previous or {})


def record_links_changed(record: Model, field_name: str) -> None:
    with writing() as write:
        write.linked(record, field_name)


def create_record(
    *, model: type[Model], fields: Mapping[str, Any], links: Mapping[str, Iterable] = {}
) -> Model:
    """Create a record of any kind with its many-to-many lists, in one write."""
    with writing() as write:
        record = model(**fields)
        record.save()
        write.saved(record, created=True, previous={})
        set_links(record, links)
        return record


def update_record(
    *, record: Model, fields: Mapping[str, Any], links: Mapping[str, Iterable] = {}
) -> Model:
    """Change fields and many-to-many lists of a record, in one write."""
    with writing() as write:
        previous = changed_values(record, fields)
        for name, value in fields.items():
            setattr(record, name, value)
        record.save()
        write.saved(record, created=False, previous=previous)
        set_links(record, links)
        return record


def save_record(record: Model, *, previous: Mapping[str, Any] | None = None) -> Model:
    """Save a record whose fields are already set (an admin form's instance); ``previous``:
    the old values of the fields that changed, when it is not new."""
    with writing() as write:
        created = record._state.adding
        record.save()
        write.saved(record, created=created, previous={} if created else (previous or {}))
        return record


def delete_record(*, record: Model) -> None:
    """Delete a record and what cascades from it, in one write."""
    with writing() as write:
        write.deleting(record)
        record.delete()


def touch(*records: Model, why: str) -> None:
    """Record that these records changed through something they show (tests, admin actions
    that change what a record shows without saving it)."""
    with writing() as write:
        write.changed = True
        write.touch(((type(record), record.pk) for record in records), why)
        for record in records:
            write.copies[(type(record), record.pk)].append(record)


# --- Agenda areas: an area appears once per round ------------------------------------------------


def set_round_agenda_areas(
    *, round: Round, areas_by_item: Mapping[AgendaItem, Iterable[AgendaArea]]
) -> None:
    """Replace the canonical areas of some agenda items of one round, all at once.

    An area may appear only once on a round's agenda. A clash, within the new mapping or
    with another item of the round, raises ValidationError naming both items, and nothing
    is changed. Removals happen before additions, so an area can move between items.
    """
    with writing() as write:
        wanted = {item: list(dict.fromkeys(areas)) for item, areas in areas_by_item.items()}
        for item in wanted:
            if item.round_id != round.pk:
                raise ValidationError(
                    {"round": f"\u201c{item.label}\u201d belongs to another round."}
                )
        errors = area_clashes(
            areas_taken(round.pk, excluding_items=[item.pk for item in wanted]),
            [(item.label, areas) for item, areas in wanted.items()],
        )
        if errors:
            raise ValidationError({"areas": errors})
        changed: list[AgendaItem] = []
        for item, areas in wanted.items():
            deleted, _ = AgendaItemArea.objects.filter(item=item).exclude(area__in=areas).delete()
            if deleted:
                changed.append(item)
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
        changed.extend(link.item for link in links)
        # An item given areas is mapped: it is no longer "unmapped".
        mapped = [item.pk for item, areas in wanted.items() if areas and item.unmapped]
        if mapped:
            AgendaItem.objects.filter(pk__in=mapped).update(unmapped=False)
            for item in wanted:
                if item.pk in mapped:
                    item.unmapped = False
                    changed.append(item)
        if changed:
            # The items and the round show their areas (bulk_create saves no audit row).
            write.changed = True
            write.touch(
                [(AgendaItem, item.pk) for item in changed] + [(Round, round.pk)],
                "Agenda areas changed",
            )
            for item in changed:
                write.copies[(AgendaItem, item.pk)].append(item)


def set_agenda_item_areas(*, item: AgendaItem, areas: Iterable[AgendaArea]) -> None:
    """Replace the canonical areas one agenda item maps to (see set_round_agenda_areas)."""
    set_round_agenda_areas(round=item.round, areas_by_item={item: areas})


def unmapped_label_error(label: str, index: AreaIndex | None = None) -> str:
    """The refusal of a label that names no area, with the closest areas (name, slug,
    score): the same words in the admin, the API and fixture loading."""
    closest = (index or AreaIndex()).suggest(label, limit=3)
    hint = (
        " Closest: " + ", ".join(f"{s.name} ({s.slug}, {s.score:.0f})" for s in closest) + "."
        if closest
        else ""
    )
    return (
        f"No agenda area is named \u201c{label}\u201d (by its name, slug or an alias): "
        "choose its areas, or save it as unmapped to map it later from the review queue." + hint
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
                f"Agenda item \u201c{item.slug}\u201d: {unmapped_label_error(item.label, index)}"
            )
        by_round[item.round][item] = areas
    if errors:
        raise ValidationError(errors)
    with writing():
        for round_, areas_by_item in by_round.items():
            set_round_agenda_areas(round=round_, areas_by_item=areas_by_item)


EMPTY_REPORTED_AGENDA = (
    "The agenda is marked reported but lists no items: a reported agenda with nothing on it "
    "would read as every earlier area dropped. Add its items (or copy the previous round's), "
    "or set the agenda status to not reported."
)


def refuse_empty_reported_agendas(round_ids: Iterable[int]) -> None:
    """Raise ValidationError (on ``agenda_status``, naming the rounds) if any of these rounds
    has its agenda marked reported and no agenda item: where a write gives a round and its
    items together (the admin's round page with its items, a fixture), both or neither. The
    API writes a round and then its items, one request each, and so is not held to it."""
    empty = (
        Round.objects.filter(pk__in=list(round_ids), agenda_status=AgendaStatus.REPORTED)
        .exclude(Exists(AgendaItem.objects.filter(round=OuterRef("pk"))))
        .values_list("slug", flat=True)
    )
    if slugs := sorted(empty):
        raise ValidationError(
            {"agenda_status": f"{EMPTY_REPORTED_AGENDA} ({', '.join(slugs)})"},
            code="empty_reported_agenda",
        )


def refuse_unmatched_change_notes(note_ids: Iterable[int]) -> None:
    """Raise ValidationError (on ``change``, naming each note) if an editors' note on an
    agenda change matches no change of its round (agenda.change_note_mismatch)."""
    problems, changes = [], {}
    notes = AgendaChangeAnnotation.objects.filter(pk__in=list(note_ids)).select_related(
        "round", "area"
    )
    for note in notes.order_by("round__sequence", "pk"):
        if note.round_id not in changes:
            changes[note.round_id] = round_agenda_changes(note.round)
        if problem := change_note_mismatch(changes[note.round_id], note.area, note.change):
            problems.append(f"{note.round.slug} / {note.area.slug}: {problem}")
    if problems:
        raise ValidationError({"change": " ".join(problems)}, code="unmatched_change_note")


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
    with writing():
        reserved: set[str] = set()
        copied: dict[AgendaItem, list[AgendaArea]] = {}
        for item in previous.agenda_items.prefetch_related("areas").order_by("order", "pk"):
            slug = unique_slug(AgendaItem, {"round": round, "label": item.label}, reserved=reserved)
            reserved.add(slug)
            copy = create_record(
                model=AgendaItem,
                fields={
                    "round": round,
                    "label": item.label,
                    "order": item.order,
                    "slug": slug,
                    "unmapped": item.unmapped,
                    # No note: an uncited copy is listed by the review queue (uncited_fact)
                    # until the editor cites this round's source, and no note outlives that.
                },
            )
            copied[copy] = list(item.areas.all())
        set_round_agenda_areas(round=round, areas_by_item=copied)
    return previous, list(copied)


# --- Fixtures -------------------------------------------------------------------------------------


def load_record(deserialized, using: str) -> None:
    """Save one record of a fixture as any other write would: audited, its ``updated``
    moving to now (never back to the fixture's time), the records embedding it touched; a
    record identical to the stored one is left alone (a reload changes nothing)."""
    record = deserialized.object
    model = type(record)
    validate_fixture_record(record, using)  # as the admin would
    stored = (
        model._base_manager.using(using).filter(pk=record.pk).first()
        if record.pk is not None
        else None
    )
    m2m = dict(deserialized.m2m_data or {})
    fields = [f for f in model._meta.concrete_fields if f.attname not in ("created", "updated")]
    if stored is not None:
        record._state.adding = False
        if hasattr(stored, "created"):  # a citation link has no timestamps
            record.created = stored.created
        previous = {
            f.attname: getattr(stored, f.attname)
            for f in fields
            if getattr(stored, f.attname) != getattr(record, f.attname)
        }
        links_same = all(
            set(getattr(stored, name).values_list("pk", flat=True)) == set(map(int, values))
            for name, values in m2m.items()
        )
        if not previous and links_same:
            return
    else:
        previous = {}
    with writing() as write:
        record._change_reason = FIXTURE_LOAD
        record.save(using=using)
        write.saved(record, created=stored is None, previous=previous)
        for name, values in m2m.items():
            manager = getattr(record, name)
            if set(manager.values_list("pk", flat=True)) == set(map(int, values)):
                continue
            if isinstance(record, AgendaItem) and name == "areas":
                # Through the write service, as the admin and the API: the item-area rows
                # carry the round, and an area taken by another item is refused by name.
                try:
                    set_agenda_item_areas(
                        item=record, areas=AgendaArea.objects.filter(pk__in=values)
                    )
                except ValidationError as error:
                    raise FixtureRecordError(f"{record_name(record)}: {describe(error)}") from error
                continue
            manager.set(values)
            write.linked(record, name)
