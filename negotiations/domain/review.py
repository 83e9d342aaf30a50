"""The review queue: what in the record needs an editor's eye, with suggested fixes.

Kinds of entry, in this order:

* ``unmapped_item``: agenda items mapped to no area (saved as unmapped, or never mapped),
  one entry per label (by the label rule's key), listing its items; suggestions: the areas
  whose names and aliases are closest to the label, and a new area proposed from it.
* ``unmatched_participant``, ``unmatched_speaker``: participants of rounds and speakers of
  positions whose name as reported is no person's name or alias. Those linked to a person are
  listed unless the name is part of one of that person's spellings ("Choi" for Choi
  Sang-mok); those linked to nobody are listed when the name is written as a personal name
  (every word capitalised) and is no party's or organization's name or alias, so that
  "director-level officials" or "South Korea" are not. Suggestions: the closest people.
* ``undated_source``: sources without a publication day.
* ``unverified_quote``: citations whose quote is not found verbatim (case and spacing
  included) in the stored text of their source; sources without stored text are not checked.
  Suggestion: the closest passage of the text.
* ``uncited_fact``: facts (of every kind that takes citations) without any citation.
* ``whole_record_citation``: facts of a kind whose sources state them facet by facet (a
  round's date, place, status...) that have a citation saying nothing of which facets its
  quote states: it counts for every facet, the later ones too, until an editor says which
  (an old-style citation, or one picked in a form). Suggestion: the facets the record has.

Suggestions are ranked by similarity (negotiations.domain.labels), best first, with their
score (0-100). Accepting one (``accept_suggestion``) records the spelling as an alias of the
chosen area or person, cited by the citations of the item, participant or position that
quote that spelling (all of its citations if none does), and maps the record to it (for a
label: every unmapped item with it, ``map_label``). ``create_area_for_label`` creates an area
for a label and maps its items to it, in one write.

The queue is paged without loading it whole: each kind counts its entries in one query and
loads only the rows of the asked page, so a page costs a bounded number of queries (the
taxonomy and the people are loaded once, for the suggestions).
"""

import re
from collections.abc import Iterable
from dataclasses import asdict
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, StrIndex
from rapidfuzz import fuzz

from negotiations import models as m
from negotiations import registry
from negotiations.domain import writes
from negotiations.domain.labels import AreaIndex, PersonIndex, label_key, words
from negotiations.domain.provenance import record_facets
from negotiations.domain.slugs import slug_text

UNMAPPED_ITEM = "unmapped_item"
UNMATCHED_PARTICIPANT = "unmatched_participant"
UNMATCHED_SPEAKER = "unmatched_speaker"
UNDATED_SOURCE = "undated_source"
UNVERIFIED_QUOTE = "unverified_quote"
UNCITED_FACT = "uncited_fact"
WHOLE_RECORD_CITATION = "whole_record_citation"
KINDS = (
    UNMAPPED_ITEM,
    UNMATCHED_PARTICIPANT,
    UNMATCHED_SPEAKER,
    UNDATED_SOURCE,
    UNVERIFIED_QUOTE,
    UNCITED_FACT,
    WHOLE_RECORD_CITATION,
)
KIND_TITLES = {
    UNMAPPED_ITEM: "Agenda items without an area",
    UNMATCHED_PARTICIPANT: "Participants whose name matches no person",
    UNMATCHED_SPEAKER: "Speakers whose name matches no person",
    UNDATED_SOURCE: "Sources without a date",
    UNVERIFIED_QUOTE: "Quotes not found in their source's text",
    UNCITED_FACT: "Facts without a citation",
    WHOLE_RECORD_CITATION: "Citations that do not say which facts they state",
}
# The kinds whose suggestions an editor can accept.
ACCEPTABLE = {UNMAPPED_ITEM, UNMATCHED_PARTICIPANT, UNMATCHED_SPEAKER}

# What each kind of fact shows of itself in the queue (uncited facts).
FACT_TEXT = {
    "rounds": "title",
    "participants": "name_as_reported",
    "agenda_items": "label",
    "agenda_change_annotations": "note",
    "deadlines": "title",
    "measures": "title",
    "positions": "summary",
    "roles": "title",
    "negotiations": "title",
    "negotiation_relations": "kind",
    "disagreement_claims": "claim",
    "person_aliases": "name",
    "party_aliases": "name",
    "organization_aliases": "name",
    "agenda_area_aliases": "name",
    "agenda_exclusions": "note",
}

_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*")


def written_as_a_name(text: str) -> bool:
    """Every word capitalised ("Anne Duk Gae-woon"), as a person's name is written, unlike a
    description of people ("director-level officials", "Trump's energy council")."""
    found = _WORD.findall(text or "")
    return bool(found) and all(word[0].isupper() for word in found)


def entry_key(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def record_ref(model: type[models.Model], pk: int, slug: str | None, text: str) -> dict:
    return {"type": model._meta.model_name, "id": pk, "slug": slug, "text": text}


class Names:
    """Who the names as reported can be: the people, and the names of parties and
    organizations (which are not people), loaded once."""

    def __init__(self):
        self.people = PersonIndex()
        keys = set()
        for model, fields in (
            (m.Party, ("name", "code")),
            (m.PartyAlias, ("name",)),
            (m.Organization, ("name", "acronym")),
            (m.OrganizationAlias, ("name",)),
        ):
            for row in model.objects.values_list(*fields):
                keys.update(label_key(value) for value in row if value)
        self.not_people = keys

    def needs_review(self, name: str, person_id: int | None) -> bool:
        """Whether a name as reported, linked to ``person_id`` (or to nobody), needs review."""
        if not name or self.people.resolve(name) is not None:
            return False
        if person_id is not None:
            # A part of one of the person's spellings ("Choi", "Ahn") is that person.
            reported = set(words(name).split())
            return not any(
                reported <= set(words(spelling).split())
                for spelling in self.people.spellings(person_id)
            )
        key = label_key(name)
        bare = label_key(re.sub(r"^\s*the\s+", "", name, flags=re.IGNORECASE))
        return written_as_a_name(name) and not {key, bare} & self.not_people


class Kind:
    """One kind of entry: its rows as a queryset (counted, then sliced), each row an entry."""

    kind = ""

    def __init__(self, queue: "ReviewQueue"):
        self.queue = queue

    def rows(self) -> models.QuerySet:
        raise NotImplementedError

    def count(self) -> int:
        return self.rows().count()

    def page(self, start: int, stop: int) -> list[dict]:
        return [self.entry(row) for row in self.rows()[start:stop]]

    def entry(self, row) -> dict:
        raise NotImplementedError

    def base(self, pk: int, record: dict, reason: str, round_=None) -> dict:
        return {
            "kind": self.kind,
            "key": entry_key(self.kind, pk),
            "title": KIND_TITLES[self.kind],
            "record": record,
            "round": ({"slug": round_.slug, "title": round_.title} if round_ is not None else None),
            "reason": reason,
            "items": [],
            "suggestions": [],
            "acceptable": self.kind in ACCEPTABLE,
        }


class UnmappedItems(Kind):
    """One entry per unmapped label (the label rule's key: "Non-tariff barriers" and
    "non-tariff  barriers" are one), listing the items it covers, in record order; the
    entry's key is its first item's. The unmapped items are loaded once (one query)."""

    kind = UNMAPPED_ITEM

    def rows(self):
        return (
            m.AgendaItem.objects.filter(area_links=None)
            .select_related("round")
            .order_by("round__negotiation_id", "round__sequence", "order", "pk")
        )

    @cached_property
    def groups(self) -> list[list[m.AgendaItem]]:
        return list(items_by_label(self.rows()).values())

    def count(self) -> int:
        return len(self.groups)

    def page(self, start: int, stop: int) -> list[dict]:
        return [self.entry(items) for items in self.groups[start:stop]]

    def entry(self, items):
        item = items[0]
        rounds = len({other.round_id for other in items})
        reason = (
            "Saved as unmapped: no area fitted the label."
            if all(other.unmapped for other in items)
            else "Mapped to no area, and not marked unmapped."
        )
        if len(items) > 1:
            reason += (
                f" {len(items)} items at {rounds} round{'' if rounds == 1 else 's'} have this "
                "label: accepting maps them all."
            )
        entry = self.base(
            item.pk, record_ref(m.AgendaItem, item.pk, item.slug, item.label), reason, item.round
        )
        entry["items"] = [
            {
                **record_ref(m.AgendaItem, other.pk, other.slug, other.label),
                "round": {"slug": other.round.slug, "title": other.round.title},
            }
            for other in items
        ]
        entry["suggestions"] = [asdict(s) for s in self.queue.areas.suggest(item.label)]
        entry["new_area"] = {"name": new_area_name(item.label), "slug": slug_text(item.label)}
        return entry


def items_by_label(items: Iterable[m.AgendaItem]) -> dict[str, list[m.AgendaItem]]:
    """Items grouped by their label's key (an empty label is a group of its own)."""
    groups: dict[str, list[m.AgendaItem]] = {}
    for item in items:
        groups.setdefault(label_key(item.label) or f"#{item.pk}", []).append(item)
    return groups


def new_area_name(label: str) -> str:
    """The name proposed for an area made from a label: its words, capitalised."""
    text = " ".join((label or "").split())
    return text[:1].upper() + text[1:]


class UnmatchedNames(Kind):
    """Participants or speakers: (name, person) pairs judged once, then their rows."""

    model: type[models.Model] = m.Participant
    name_field = "name_as_reported"
    person_field = "person_id"

    def flagged(self) -> Q | None:
        pairs = (
            self.model.objects.exclude(**{self.name_field: ""})
            .order_by()
            .values_list(self.name_field, self.person_field)
            .distinct()
        )
        names = self.queue.names
        unlinked, linked = [], {}
        for name, person_id in pairs:
            if names.needs_review(name, person_id):
                if person_id is None:
                    unlinked.append(name)
                else:
                    linked.setdefault(person_id, []).append(name)
        condition = Q(pk__in=[])
        if unlinked:
            condition |= Q(**{f"{self.name_field}__in": unlinked, self.person_field: None})
        for person_id, found in linked.items():
            condition |= Q(**{f"{self.name_field}__in": found, self.person_field: person_id})
        return condition

    @cached_property
    def condition(self) -> Q:
        return self.flagged()

    def rows(self):
        return (
            self.model.objects.filter(self.condition)
            .select_related("round", "person" if self.model is m.Participant else "speaker")
            .order_by(self.name_field, "pk")
        )


class UnmatchedParticipants(UnmatchedNames):
    kind = UNMATCHED_PARTICIPANT

    def entry(self, participant):
        person = participant.person
        reason = (
            f"Linked to {person.name}, but this spelling is none of theirs."
            if person
            else "No person has this name or alias."
        )
        name = participant.name_as_reported
        entry = self.base(
            participant.pk,
            record_ref(m.Participant, participant.pk, None, name),
            reason,
            participant.round,
        )
        entry["suggestions"] = [asdict(s) for s in self.queue.names.people.suggest(name)]
        return entry


class UnmatchedSpeakers(UnmatchedNames):
    kind = UNMATCHED_SPEAKER
    model = m.Position
    name_field = "speaker_name_as_reported"
    person_field = "speaker_id"

    def entry(self, position):
        person = position.speaker
        reason = (
            f"Linked to {person.name}, but this spelling is none of theirs."
            if person
            else "No person has this name or alias."
        )
        name = position.speaker_name_as_reported
        entry = self.base(
            position.pk,
            record_ref(m.Position, position.pk, position.slug, name),
            reason,
            position.round,
        )
        entry["suggestions"] = [asdict(s) for s in self.queue.names.people.suggest(name)]
        return entry


class UndatedSources(Kind):
    kind = UNDATED_SOURCE

    def rows(self):
        return m.Source.objects.filter(published_on=None).order_by("slug").only("slug", "title")

    def entry(self, source):
        return self.base(
            source.pk,
            record_ref(m.Source, source.pk, source.slug, source.title),
            "No publication day, printed or inferred: known-as-of answers leave it out.",
        )


def closest_passage(quote: str, text: str) -> dict | None:
    """The passage of ``text`` most like ``quote``, with its score (0-100)."""
    if not quote or not text:
        return None
    found = fuzz.partial_ratio_alignment(quote, text)
    if found is None:
        return None
    return {
        "passage": text[found.dest_start : found.dest_end],
        "score": round(found.score, 1),
    }


class UnverifiedQuotes(Kind):
    kind = UNVERIFIED_QUOTE

    def rows(self):
        return (
            m.Citation.objects.exclude(source__text="")
            .annotate(found_at=StrIndex(F("source__text"), F("quote")))
            .filter(found_at=0)
            .select_related("source")
            .order_by("slug")
        )

    def entry(self, citation):
        entry = self.base(
            citation.pk,
            record_ref(m.Citation, citation.pk, citation.slug, citation.quote),
            f"Not found verbatim in the stored text of {citation.source.slug}.",
        )
        closest = closest_passage(citation.quote, citation.source.text)
        if closest:
            entry["suggestions"] = [
                {
                    "pk": citation.source.pk,
                    "slug": citation.source.slug,
                    "name": closest["passage"],
                    "score": closest["score"],
                    "matched": closest["passage"],
                }
            ]
        return entry


class UncitedFacts(Kind):
    """Every kind of fact that takes citations, in one UNION query."""

    kind = UNCITED_FACT

    def rows(self):
        parts = [
            model.objects.filter(citations=None)
            .annotate(
                fact=Value(related_name, output_field=CharField()),
                text=Cast(FACT_TEXT[related_name], output_field=CharField()),
            )
            .values_list("fact", "pk", "text")
            .order_by()
            for related_name, model in sorted(registry.cited_models().items())
        ]
        return parts[0].union(*parts[1:], all=True).order_by("fact", "pk")

    def entry(self, row):
        fact, pk, text = row
        model = registry.cited_models()[fact]
        entry = self.base(
            pk,
            record_ref(model, pk, None, text or str(model._meta.verbose_name)),
            f"A {model._meta.verbose_name} without any citation: every fact needs a source.",
        )
        entry["key"] = f"{self.kind}:{fact}:{pk}"
        return entry


class WholeRecordCitations(Kind):
    """Facts with facets that a citation supports as a whole (its link names no facet): one
    UNION query over the kinds of fact that have facets."""

    kind = WHOLE_RECORD_CITATION

    def rows(self):
        parts = [
            model.objects.filter(
                Exists(
                    registry.link_models()[model].objects.filter(
                        **{registry.link_models()[model].record_field: OuterRef("pk")},
                        facets=[],
                    )
                )
            )
            .annotate(
                fact=Value(related_name, output_field=CharField()),
                text=Cast(FACT_TEXT[related_name], output_field=CharField()),
            )
            .values_list("fact", "pk", "text")
            .order_by()
            for related_name, model in sorted(registry.cited_models().items())
            if record_facets(model)
        ]
        return parts[0].union(*parts[1:], all=True).order_by("fact", "pk")

    def entry(self, row):
        fact, pk, text = row
        model = registry.cited_models()[fact]
        entry = self.base(
            pk,
            record_ref(model, pk, None, text or str(model._meta.verbose_name)),
            f"A {model._meta.verbose_name} with a citation that does not say which of its "
            f"facets ({', '.join(record_facets(model))}) the quote states: until it does, "
            "the quote counts for all of them on the day its source was published.",
        )
        entry["key"] = f"{self.kind}:{fact}:{pk}"
        return entry


KIND_CLASSES = {
    UNMAPPED_ITEM: UnmappedItems,
    UNMATCHED_PARTICIPANT: UnmatchedParticipants,
    UNMATCHED_SPEAKER: UnmatchedSpeakers,
    UNDATED_SOURCE: UndatedSources,
    UNVERIFIED_QUOTE: UnverifiedQuotes,
    UNCITED_FACT: UncitedFacts,
    WHOLE_RECORD_CITATION: WholeRecordCitations,
}


class ReviewQueue:
    """The queue (of some kinds) as a sequence Django's Paginator can page: ``count()`` and
    slices (the rows of the kinds the slice covers). ``counts()`` gives every kind's count
    (one query each), whichever kinds are listed."""

    def __init__(self, kinds: Iterable[str] = KINDS):
        wanted = set(kinds)
        self.every = [KIND_CLASSES[kind](self) for kind in KINDS]
        self.kinds = [kind for kind in self.every if kind.kind in wanted]
        self._counts: dict[str, int] | None = None

    @cached_property
    def areas(self) -> AreaIndex:
        return AreaIndex()

    @cached_property
    def names(self) -> Names:
        return Names()

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = {kind.kind: kind.count() for kind in self.every}
        return self._counts

    def count(self) -> int:
        counts = self.counts()
        return sum(counts[kind.kind] for kind in self.kinds)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        entries, offset = [], 0
        for kind in self.kinds:
            count = self.counts()[kind.kind]
            low, high = max(start - offset, 0), min(stop - offset, count)
            if low < high:
                entries.extend(kind.page(low, high))
            offset += count
            if offset >= stop:
                break
        return entries


# --- Accepting a suggestion -----------------------------------------------------------------


def spelling_citations(fact, spelling: str) -> list[m.Citation]:
    """The fact's (or facts') citations whose quote has this spelling (case and spacing
    aside); all of them if none has it."""
    facts = fact if isinstance(fact, list | tuple) else [fact]
    cited = list(dict.fromkeys(c for one in facts for c in one.citations.all()))
    wanted = words(spelling)
    quoting = [citation for citation in cited if wanted and wanted in words(citation.quote)]
    return quoting or cited


def add_alias(alias_model, owner_field: str, owner, spelling: str, fact, spellings) -> str:
    """Record ``spelling`` as an alias of ``owner`` (unless it already is one), cited where it
    was found (``fact``: the record, or a list of records, whose citations quote it); returns
    what was done. The one rule for a label or name mapped by hand: the review queue, intake
    and the admin's forms."""
    if label_key(spelling) in {label_key(known) for known in spellings}:
        return f"\u201c{spelling}\u201d was already a spelling of {owner}"
    fields = {owner_field: owner, "name": spelling.strip(), "note": "From the review queue."}
    alias_model(**fields).full_clean()
    citations = spelling_citations(fact, spelling)
    writes.create_record(model=alias_model, fields=fields, links={"citations": citations})
    quotes = f"{len(citations)} quote{'' if len(citations) == 1 else 's'}"
    return f"\u201c{spelling}\u201d recorded as an alias of {owner}, cited by {quotes}"


def parse_key(key: str) -> tuple[str, int]:
    kind, _, pk = (key or "").partition(":")
    if kind not in ACCEPTABLE or not pk.isascii() or not pk.isdigit():
        raise ValidationError({"entry": f"No review entry \u201c{key}\u201d can be accepted."})
    return kind, int(pk)


def accept_suggestion(*, key: str, target: str) -> str:
    """Accept a suggestion for an entry (``key`` as listed, ``target`` the slug of the
    suggested area or person): the spelling becomes a cited alias of it, and the item,
    participant or position is mapped to it, in one write. Raises ValidationError, having
    changed nothing, when either is unknown or the mapping breaks a rule."""
    with writes.writing():
        return accept(key, target)


def accept(key: str, target: str) -> str:
    kind, pk = parse_key(key)
    if kind == UNMAPPED_ITEM:
        area = m.AgendaArea.objects.filter(slug=target).first()
        if area is None:
            raise ValidationError({"target": "That area no longer exists."})
        return map_label(pk, area)
    model = m.Participant if kind == UNMATCHED_PARTICIPANT else m.Position
    record = model.objects.filter(pk=pk).first()
    person = m.Person.objects.filter(slug=target).first()
    if record is None or person is None:
        raise ValidationError({"target": "That record or person no longer exists."})
    name_field, person_field = (
        ("name_as_reported", "person")
        if model is m.Participant
        else ("speaker_name_as_reported", "speaker")
    )
    spelling = getattr(record, name_field)
    spellings = [person.name, *person.aliases.values_list("name", flat=True)]
    done = add_alias(m.PersonAlias, "person", person, spelling, record, spellings)
    setattr(record, person_field, person)
    record.full_clean()
    writes.update_record(record=record, fields={person_field: person})
    return f"{done}; \u201c{spelling}\u201d now linked to {person.name}."


def label_items(pk: int) -> list[m.AgendaItem]:
    """The unmapped items whose label is that of item ``pk`` (itself first): what one Accept
    maps."""
    item = m.AgendaItem.objects.filter(pk=pk, area_links=None).first()
    if item is None:
        raise ValidationError({"entry": "That item no longer exists or is mapped already."})
    key = label_key(item.label) or f"#{item.pk}"
    return items_by_label(UnmappedItems(None).rows()).get(key, [item])


def map_label(pk: int, area: m.AgendaArea) -> str:
    """Map every unmapped item labelled as item ``pk`` to ``area``, the label recorded as a
    cited alias of it (add_alias); inside the caller's write."""
    items = label_items(pk)
    label = items[0].label
    spellings = [area.name, area.slug, *area.aliases.values_list("name", flat=True)]
    done = add_alias(m.AgendaAreaAlias, "area", area, label, items, spellings)
    by_round: dict[int, list[m.AgendaItem]] = {}
    for item in items:
        by_round.setdefault(item.round_id, []).append(item)
    for round_items in by_round.values():
        writes.set_round_agenda_areas(
            round=round_items[0].round, areas_by_item={item: [area] for item in round_items}
        )
    if len(items) == 1:
        return f"{done}; \u201c{label}\u201d at {items[0].round} mapped to {area.name}."
    rounds = len(by_round)
    return (
        f"{done}; {len(items)} items \u201c{label}\u201d at {rounds} "
        f"round{'' if rounds == 1 else 's'} mapped to {area.name}."
    )


def create_area_for_label(*, key: str, name: str, slug: str = "", description: str = "") -> str:
    """Create an agenda area (``slug`` proposed from the name when empty) and map every
    unmapped item with the entry's label to it, the label an alias of it, in one write.
    A name or slug another area has is refused on that field, naming that area (to map the
    label to it instead); nothing is written on any refusal."""
    kind, pk = parse_key(key)
    if kind != UNMAPPED_ITEM:
        raise ValidationError({"entry": "Only an agenda label can be given a new area."})
    name = " ".join((name or "").split())
    slug = (slug or "").strip() or slug_text(name)
    if not name:
        raise ValidationError({"name": "Give the new area a name."})
    index = AreaIndex()
    taken = index.by_name.get(label_key(name))
    if taken is not None:
        raise ValidationError(
            {
                "name": f"An area is already named \u201c{taken.name}\u201d ({taken.slug}): "
                "map the label to it instead, or choose another name."
            }
        )
    by_slug = m.AgendaArea.objects.filter(slug=slug).first()
    if by_slug is not None:
        raise ValidationError(
            {
                "slug": f"The slug \u201c{slug}\u201d is {by_slug.name}'s: map the label to "
                "it instead, or choose another slug."
            }
        )
    with writes.writing():
        label_items(pk)  # refused before anything is written if the entry is gone
        area = m.AgendaArea(name=name, slug=slug, description=(description or "").strip())
        area.full_clean()
        writes.create_record(
            model=m.AgendaArea,
            fields={"name": area.name, "slug": area.slug, "description": area.description},
        )
        area = m.AgendaArea.objects.get(slug=slug)
        done = map_label(pk, area)
    return f"Area {area.name} ({area.slug}) created; {done}"
