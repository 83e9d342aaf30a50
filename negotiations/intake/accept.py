"""accept(proposals, keys, corrections): write what the editor accepted, in one transaction.

Everything goes through the write services (negotiations.domain.writes): the source first
(or the stored one, when the article was entered before), then each accepted fact, cited by
the sentences it comes from as verbatim quotes of that source. A proposal that needs another
(a participant its round, a round its new negotiation) is refused unless that one is
accepted too or already recorded; any refusal names the proposal's key and the field, and
nothing is written.

Field-level provenance: each citation is linked with the facets its sentence states
(negotiations.models.provenance), and reported in ``Accepted.links``.
"""

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max, Model

from negotiations.choices import AgendaStatus
from negotiations.domain import writes
from negotiations.domain.provenance import facets_of
from negotiations.domain.slugs import unique_slug
from negotiations.intake import proposals as kinds
from negotiations.intake.proposals import Proposal, Proposals
from negotiations.models import (
    AgendaArea,
    AgendaAreaAlias,
    AgendaItem,
    Citation,
    Deadline,
    Negotiation,
    Organization,
    Participant,
    Party,
    Person,
    PersonAlias,
    Position,
    Role,
    Round,
    Source,
)

DATE_FIELDS = {"published_on", "published_on_end", "start_date", "end_date", "date", "stated_on"}


@dataclass
class Accepted:
    """What an accept wrote: the source, the record of each accepted key, and each citation
    link with the facets its sentence states (for field-level provenance)."""

    source: Source
    records: dict[str, Model] = field(default_factory=dict)
    links: list[tuple[str, Model, Citation, tuple[str, ...]]] = field(default_factory=list)


class Refused(ValidationError):
    """A refusal of one proposal, naming its key and the fields: ``fields`` is {key: {field:
    [messages]}}, ``message_dict`` {key: ["field: message", ...]}. (Django's ValidationError
    takes no dict nested in a dict.)"""

    def __init__(self, key: str, errors: Mapping):
        listed = {name: m if isinstance(m, list) else [m] for name, m in errors.items()}
        self.fields = {
            key: {str(name): [str(m) for m in messages] for name, messages in listed.items()}
        }
        super().__init__(
            {
                key: [
                    message if name == "__all__" else f"{name}: {message}"
                    for name, messages in self.fields[key].items()
                    for message in messages
                ]
            }
        )


def _values(proposal: Proposal, corrections: Mapping[str, Mapping]) -> dict:
    values = dict(proposal.values) | dict(corrections.get(proposal.key, {}))
    for name in DATE_FIELDS & values.keys():
        if isinstance(values[name], str) and values[name]:
            try:
                values[name] = datetime.date.fromisoformat(values[name])
            except ValueError as error:
                raise Refused(proposal.key, {name: "Not a date (YYYY-MM-DD)."}) from error
    return values


def _by_slug(model, slug: str, key: str, name: str):
    found = model.objects.filter(slug=slug).first() if slug else None
    if slug and found is None:
        raise Refused(key, {name: f"No {model._meta.verbose_name} \u201c{slug}\u201d."})
    return found


def _create(model, fields: dict, key: str, links: Mapping[str, Iterable] = {}):
    """Validate as a form would, then create through the write service."""
    record = model(**fields)
    if hasattr(record, "slug") and not record.slug:
        record.slug = unique_slug(model, fields)
    try:
        record.full_clean()
    except ValidationError as error:
        raise Refused(key, error.message_dict) from error
    values = {
        f.name: getattr(record, f.name) for f in model._meta.concrete_fields if not f.primary_key
    }
    values = {k: v for k, v in values.items() if k not in ("created", "updated")}
    return writes.create_record(model=model, fields=values, links=links)


class _Acceptor:
    def __init__(self, found: Proposals, keys: list[str], corrections):
        self.found, self.keys, self.corrections = found, keys, corrections or {}
        self.accepted: Accepted | None = None

    def record_for(self, key: str, referrer: str, model=None):
        """The record a reference names: an accepted proposal's, or a stored one's slug."""
        if key in self.accepted.records:
            return self.accepted.records[key]
        if model is not None and key and ":" not in key:
            return _by_slug(model, key, referrer, model._meta.model_name)
        raise ValidationError(
            {referrer: f"It needs \u201c{key}\u201d: accept that proposal too, or reject this one."}
        )

    def cite(self, key: str, record: Model, proposal: Proposal) -> None:
        """Cite each sentence of the proposal on ``record``, saying which of its facets the
        sentence states (the whole record for a kind cited as a whole); a sentence giving
        a round's whole list of areas, cited on an item, also states its round's list."""
        if isinstance(record, Person):
            # A person is not cited: the role the sentence introduces them with is.
            record = record.roles.order_by("-pk").first()
        if record is None or not hasattr(record, "citation_links"):
            return
        source = self.accepted.source
        stated: dict[Model, dict[Citation, list[str]]] = {}
        for support in proposal.support:
            if not support.sentence:
                continue
            citation = Citation.objects.filter(source=source, quote=support.sentence).first()
            if citation is None:
                citation = writes.create_record(
                    model=Citation,
                    fields={
                        "source": source,
                        "quote": support.sentence,
                        "slug": unique_slug(
                            Citation, {"source": source, "quote": support.sentence}
                        ),
                    },
                )
            facets = [name for name in support.facets if name in facets_of(type(record))]
            stated.setdefault(record, {}).setdefault(citation, []).extend(facets)
            if "agenda_list" in support.facets and isinstance(record, AgendaItem):
                stated.setdefault(record.round, {}).setdefault(citation, []).append("agenda_list")
            self.accepted.links.append((key, record, citation, tuple(facets)))
        for cited, by_citation in stated.items():
            kept = [
                writes.CitationLinkSpec(
                    citation=link.citation,
                    facets=tuple(link.facets),
                    values=link.values,
                    reports_change=link.reports_change,
                )
                for link in cited.citation_links.select_related("citation")
                if link.citation not in by_citation
            ]
            # A deadline moved: the sentence reports a change (the old day was true when
            # earlier sources said it: superseded, not disputed).
            moves = proposal.kind == kinds.DEADLINE and bool(proposal.values.get("previous_date"))
            added = [
                writes.CitationLinkSpec(
                    citation=citation,
                    facets=tuple(dict.fromkeys(facets)),
                    reports_change=moves,
                )
                for citation, facets in by_citation.items()
            ]
            writes.set_citation_links(record=cited, links=[*kept, *added])

    # --- One method per kind -------------------------------------------------------------

    def source(self) -> Source:
        if self.found.source_slug:
            stored = Source.objects.get(slug=self.found.source_slug)
            if "source:publication" not in self.keys:
                return stored
            # Entered before its facts (the API and the admin store the article first): its
            # publication day as accepted.
            values = _values(self.found.get("source:publication"), self.corrections)
            candidate = copy.copy(stored)
            for name, value in values.items():
                setattr(candidate, name, value)
            try:
                candidate.full_clean()
            except ValidationError as error:
                raise Refused("source:publication", error.message_dict) from error
            return writes.update_record(record=stored, fields=values)
        article = self.found.article
        fields = {
            "title": article.title or (article.text or "").strip().splitlines()[0][:400],
            "publisher": article.publisher,
            "url": article.url,
            "text": article.text,
            "published_on": article.published_on,
            "published_on_end": article.published_on_end,
            "published_on_precision": article.published_on_precision,
            "date_note": article.date_note,
        }
        if "source:publication" in self.keys:
            proposal = self.found.get("source:publication")
            fields |= _values(proposal, self.corrections)
        return _create(Source, fields, "source:publication")

    def negotiation(self, key, values):
        parties = list(Party.objects.filter(slug__in=values["parties"]))
        return _create(Negotiation, {"title": values["title"]}, key, {"parties": parties})

    def person(self, key, values):
        party = _by_slug(Party, values.get("party", ""), key, "party")
        person = _create(Person, {"name": values["name"], "party": party}, key)
        organization = _by_slug(Organization, values.get("organization", ""), key, "organization")
        if organization and values.get("title"):
            _create(
                Role,
                {"person": person, "organization": organization, "title": values["title"]},
                key,
            )
        return person

    def person_alias(self, key, values):
        person = _by_slug(Person, values["person"], key, "person")
        return _create(
            PersonAlias, {"person": person, "name": values["name"], "kind": values["kind"]}, key
        )

    def round(self, key, values, proposal):
        if proposal.existing:
            record = Round.objects.get(slug=proposal.existing)
            blanks = {
                name: values[name]
                for name in ("venue", "occasion", "city", "country", "date_as_reported")
                if values.get(name) and not getattr(record, name)
            } | {k: v for k, v in self.corrections.get(key, {}).items() if k != "parties"}
            return writes.update_record(record=record, fields=blanks) if blanks else record
        negotiation = self.record_for(values["negotiation"] or proposal.refers[0], key, Negotiation)
        sequence = (negotiation.rounds.aggregate(top=Max("sequence"))["top"] or 0) + 1
        fields = {
            name: values[name]
            for name in (
                "title",
                "level",
                "status",
                "start_date",
                "end_date",
                "date_precision",
                "date_as_reported",
                "date_note",
                "city",
                "country",
                "venue",
                "occasion",
            )
        }
        return _create(Round, fields | {"negotiation": negotiation, "sequence": sequence}, key)

    def participant(self, key, values, proposal):
        round_ = self.record_for(values["round"], key, Round)
        corrected = self.corrections.get(key, {}).get("person")
        person = (
            self.record_for(proposal.refers[1], key)
            if len(proposal.refers) > 1 and not corrected  # a new person, unless one picked
            else _by_slug(Person, values.get("person", ""), key, "person")
        )
        same = Participant.objects.filter(round=round_, person=person).first() if person else None
        if same is not None:
            return same
        return _create(
            Participant,
            {
                "round": round_,
                "person": person,
                "party": _by_slug(Party, values["party"], key, "party"),
                "organization": _by_slug(
                    Organization, values.get("organization", ""), key, "organization"
                ),
                "organization_inferred": values.get("organization_inferred", False),
                "name_as_reported": values["name_as_reported"],
                "role": values.get("role", ""),
            },
            key,
        )

    def agenda_item(self, key, values):
        round_ = self.record_for(values["round"], key, Round)
        if round_.agenda_status != AgendaStatus.REPORTED:
            writes.update_record(
                record=round_,
                fields={"agenda_status": AgendaStatus.REPORTED, "agenda_basis": values["basis"]},
            )
        item = _create(
            AgendaItem,
            {
                "round": round_,
                "label": values["label"],
                "order": values.get("order", 0),
                "unmapped": not values["areas"],
            },
            key,
        )
        if values["areas"]:
            areas = [_by_slug(AgendaArea, slug, key, "areas") for slug in values["areas"]]
            try:
                writes.set_agenda_item_areas(item=item, areas=areas)
            except ValidationError as error:
                raise Refused(key, {"areas": error.messages}) from error
        return item

    def map_label(self, key: str, item: AgendaItem, proposal: Proposal) -> None:
        """A label no area knew, mapped by the editor (a correction's ``areas``): it becomes
        an alias of each of them, cited by the sentence it was found in, so that the next
        item with this label maps (negotiations.domain.review.add_alias)."""
        from negotiations.domain.review import add_alias

        areas = self.corrections.get(key, {}).get("areas")
        if not proposal.values.get("unmapped") or not areas:
            return
        for area in AgendaArea.objects.filter(slug__in=areas).prefetch_related("aliases"):
            spellings = [area.name, area.slug, *(alias.name for alias in area.aliases.all())]
            try:
                add_alias(AgendaAreaAlias, "area", area, item.label, item, spellings)
            except ValidationError as error:
                raise Refused(key, {"areas": error.messages}) from error

    def deadline(self, key, values):
        if not values.get("date"):
            raise Refused(key, {"date": "No date is known: give it as a correction."})
        negotiation = (
            self.record_for(values["negotiation"], key, Negotiation)
            if values["negotiation"]
            else None
        )
        fields = {
            name: values[name]
            for name in (
                "title",
                "kind",
                "date",
                "end_date",
                "date_precision",
                "date_as_reported",
                "date_note",
                "description",
            )
        }
        if values.get("previous_date") is not None:
            return self.move_deadline(key, values, fields)
        return _create(Deadline, fields | {"negotiation": negotiation}, key)

    def move_deadline(self, key, values, fields):
        """A recorded deadline moved to another day: its date changes (a new version in its
        history); the quotes that stated the old day keep it (writes.keep_what_sources_said),
        and this sentence is cited for the new one."""
        slug = key.split(":")[1]
        stored = Deadline.objects.filter(slug=slug).first()
        if stored is None:
            raise Refused(key, {"date": "The deadline it moves is no longer recorded."})
        changed = {
            name: fields[name]
            for name in ("date", "end_date", "date_precision", "date_as_reported", "date_note")
        }
        for name, value in changed.items():
            setattr(stored, name, value)
        try:
            stored.full_clean()
        except ValidationError as error:
            raise Refused(key, error.message_dict) from error
        stored.refresh_from_db()
        return writes.update_record(record=stored, fields=changed)

    def position(self, key, values):
        fields = {
            "party": _by_slug(Party, values["party"], key, "party"),
            "kind": values["kind"],
            "summary": values["summary"],
            "speaker": _by_slug(Person, values.get("speaker", ""), key, "speaker"),
            "speaker_name_as_reported": values.get("speaker_name_as_reported", ""),
            "organization": _by_slug(
                Organization, values.get("organization", ""), key, "organization"
            ),
            "negotiation": self.record_for(values["negotiation"], key, Negotiation)
            if values.get("negotiation")
            else None,
            "round": self.record_for(values["round"], key, Round) if values.get("round") else None,
            "stated_on": values.get("stated_on"),
        }
        areas = list(AgendaArea.objects.filter(slug__in=values.get("areas", [])))
        return _create(Position, fields, key, {"areas": areas})

    def run(self) -> Accepted:
        unknown = [key for key in self.keys if key not in self.found.keys]
        if unknown:
            raise ValidationError({"keys": [f"No proposal \u201c{key}\u201d." for key in unknown]})
        with writes.writing():
            self.accepted = Accepted(self.source())
            for kind in kinds.WRITTEN_KINDS[1:]:
                for proposal in self.found.of_kind(kind):
                    if proposal.key not in self.keys:
                        continue
                    values = _values(proposal, self.corrections)
                    method = getattr(self, kind)
                    takes_proposal = kind in (kinds.ROUND, kinds.PARTICIPANT)
                    record = (
                        method(proposal.key, values, proposal)
                        if takes_proposal
                        else method(proposal.key, values)
                    )
                    self.accepted.records[proposal.key] = record
                    self.cite(proposal.key, record, proposal)
                    if kind == kinds.AGENDA_ITEM:
                        self.map_label(proposal.key, record, proposal)
        return self.accepted


def accept(
    found: Proposals, keys: Iterable[str], corrections: Mapping[str, Mapping] | None = None
) -> Accepted:
    """Write the accepted proposals (by key), with the editor's corrections (key -> {field:
    value}), in one transaction; raises ValidationError naming the key and the field, and
    then nothing is written."""
    return _Acceptor(found, list(keys), corrections).run()
