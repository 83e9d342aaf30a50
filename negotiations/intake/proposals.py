"""What intake proposes: facts, each with the sentence it comes from and a stable key.

A proposal is what an editor accepts, corrects or rejects. Its ``key`` is made from what it
states (the same article proposes the same keys every time), its ``sentences`` are verbatim
slices of the article, each with the *facets* of the record it states (the facets of
field-level provenance: a round's "date", "place", "level"...), and ``values`` are the
fields the accept step writes. ``refers`` names the keys of the proposals it needs (a
participant needs its round; a round its negotiation): accepting it without them is refused.
Some kinds only inform the editor and write nothing themselves (``writes`` False): the
dates of the text, the parties, organizations and areas it names.
"""

import hashlib
from dataclasses import dataclass, field

from negotiations.domain.labels import label_key

# Kinds of proposal, in the order the accept step writes them.
SOURCE = "source"
NEGOTIATION = "negotiation"
PERSON = "person"
PERSON_ALIAS = "person_alias"
ROUND = "round"
PARTICIPANT = "participant"
AGENDA_ITEM = "agenda_item"
DEADLINE = "deadline"
POSITION = "position"
# Informative: what the text names and dates, written only as part of the facts above.
DATE = "date"
PARTY = "party"
ORGANIZATION = "organization"
AREA = "area"
WRITTEN_KINDS = (
    SOURCE,
    NEGOTIATION,
    PERSON,
    PERSON_ALIAS,
    ROUND,
    PARTICIPANT,
    AGENDA_ITEM,
    DEADLINE,
    POSITION,
)


@dataclass
class Support:
    """A sentence of the article (verbatim) and the facets of the fact it states."""

    sentence: str
    facets: tuple[str, ...] = ()


@dataclass
class Proposal:
    key: str
    kind: str
    values: dict
    support: list[Support] = field(default_factory=list)
    refers: tuple[str, ...] = ()
    note: str = ""
    existing: str = ""  # slug of the record it matches in the database, if any

    @property
    def writes(self) -> bool:
        return self.kind in WRITTEN_KINDS

    @property
    def sentence(self) -> str:
        return self.support[0].sentence if self.support else ""

    def add_support(self, sentence: str, facets=()) -> None:
        for support in self.support:
            if support.sentence == sentence:
                support.facets = tuple(dict.fromkeys(support.facets + tuple(facets)))
                return
        self.support.append(Support(sentence, tuple(facets)))


@dataclass
class Proposals:
    """Everything intake proposes for one article, in the article's order within each kind."""

    source: dict
    items: list[Proposal] = field(default_factory=list)
    source_slug: str = ""  # the stored source, when the article was entered before
    article: object = None  # the Source given to propose() (unsaved: what accept stores)

    def add(self, proposal: Proposal) -> Proposal:
        for existing in self.items:
            if existing.key == proposal.key:
                for support in proposal.support:
                    existing.add_support(support.sentence, support.facets)
                return existing
        self.items.append(proposal)
        return proposal

    def get(self, key: str) -> Proposal:
        for proposal in self.items:
            if proposal.key == key:
                return proposal
        raise KeyError(key)

    def of_kind(self, kind: str) -> list[Proposal]:
        return [proposal for proposal in self.items if proposal.kind == kind]

    @property
    def keys(self) -> list[str]:
        return [proposal.key for proposal in self.items]

    def as_dict(self) -> dict:
        """A plain rendering (for the API and the admin's review page)."""
        return {
            "source": self.source,
            "proposals": [
                {
                    "key": p.key,
                    "kind": p.kind,
                    "writes": p.writes,
                    "values": p.values,
                    "existing": p.existing,
                    "refers": list(p.refers),
                    "note": p.note,
                    "support": [
                        {"sentence": s.sentence, "facets": list(s.facets)} for s in p.support
                    ],
                }
                for p in self.items
            ],
        }


def digest(text: str, length: int = 8) -> str:
    """A short stable digest of some words (keys of sentence-level facts)."""
    return hashlib.sha1(label_key(text).encode()).hexdigest()[:length]
