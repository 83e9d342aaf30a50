"""Reported words to records: agenda labels to canonical areas, names to people.

One rule for every write path (the API, the admin, fixture loading) and for the review queue:
two spellings are the same words when they are equal once transliterated to ASCII, case
folded, and stripped of spacing and punctuation ("Non-tariff measures", "non–tariff
measures" and "nontariff  measures" are one label). A label names an area when it is the
area's name or slug; otherwise it names every area it is an alias of (an alias shared by
several areas is a label that covers them all: "major and non-tariff measures").

Suggestions for words that match nothing are ranked by similarity (``similarity``, 0-100),
best first, against every name and alias of each candidate: whole words and tokens count,
shared prefixes and substrings do not (WRatio's partial match put "Tariffs" at 86 for
"non-tariff barriers", as high as the fitting area). This is the one scorer of every
"closest" list: the review queue, the admin, intake, and the API's and fixtures' refusals.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz import fuzz

from negotiations.models import AgendaArea, AgendaAreaAlias, Person, PersonAlias

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")

# Suggestions below this score are noise (two unrelated two-word labels score about 40).
MIN_SCORE = 45.0
MAX_SUGGESTIONS = 5


def words(text: str) -> str:
    """The words of a text for comparing: ASCII, lower case, single spaces, no punctuation."""
    return _NOT_ALPHANUMERIC.sub(" ", anyascii(text or "").casefold()).strip()


def label_key(text: str) -> str:
    """What two spellings must share to be the same label: words() without the spaces."""
    return words(text).replace(" ", "")


def _word_overlap(a: list[str], b: list[str]) -> float:
    """How much of each side's words the other has, word against whole word (each word's
    best ratio with a word of the other side: "defense"/"defence" 86, "trade"/"tariffs"
    less), averaged over both sides, so that extra words on either side cost."""

    def cover(these: list[str], those: list[str]) -> float:
        return sum(max(fuzz.ratio(w, other) for other in those) for w in these) / len(these)

    return (cover(a, b) + cover(b, a)) / 2


def similarity(a: str, b: str) -> float:
    """How alike two spellings are, 0-100 (100: the same words): the best of the whole
    labels compared without their spaces ("nontariff" and "non-tariff"), their words in any
    order, and word-for-word overlap. No partial (substring) match: a shared prefix or a
    word inside another scores no more than its letters in common."""
    if label_key(a) == label_key(b):
        return 100.0
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    score = max(
        fuzz.ratio(wa.replace(" ", ""), wb.replace(" ", "")),
        fuzz.token_sort_ratio(wa, wb),
        _word_overlap(wa.split(), wb.split()),
    )
    return round(min(score, 99.9), 1)


@dataclass
class Candidate:
    """Something words can point to (an area, a person), with all the spellings it has."""

    pk: int
    slug: str
    name: str
    spellings: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    pk: int
    slug: str
    name: str
    score: float
    matched: str  # the name or alias that scored best


def rank(text: str, candidates: Iterable[Candidate], limit: int = MAX_SUGGESTIONS):
    """Candidates ranked by their best-scoring spelling against ``text``, best first (ties
    by name); those under MIN_SCORE are left out."""
    found = []
    for candidate in candidates:
        score, matched = max(
            ((similarity(text, spelling), spelling) for spelling in candidate.spellings),
            default=(0.0, ""),
        )
        if score >= MIN_SCORE:
            found.append(Suggestion(candidate.pk, candidate.slug, candidate.name, score, matched))
    found.sort(key=lambda suggestion: (-suggestion.score, suggestion.name))
    return found[:limit]


# --- Agenda areas --------------------------------------------------------------------------


class AreaIndex:
    """Every agenda area with its names and aliases, loaded once (two queries), to resolve
    and rank many labels."""

    def __init__(self):
        self.areas = {area.pk: area for area in AgendaArea.objects.order_by("name", "pk")}
        self.by_name: dict[str, AgendaArea] = {}
        for area in self.areas.values():
            self.by_name.setdefault(label_key(area.name), area)
            self.by_name.setdefault(label_key(area.slug), area)
        self.by_alias: dict[str, list[AgendaArea]] = defaultdict(list)
        self.candidates = {
            pk: Candidate(pk, area.slug, area.name, [area.name]) for pk, area in self.areas.items()
        }
        for area_id, name in AgendaAreaAlias.objects.order_by("name", "pk").values_list(
            "area_id", "name"
        ):
            area = self.areas[area_id]
            if area not in self.by_alias[label_key(name)]:
                self.by_alias[label_key(name)].append(area)
            self.candidates[area_id].spellings.append(name)

    def resolve(self, label: str) -> list[AgendaArea]:
        key = label_key(label)
        if not key:
            return []
        if key in self.by_name:
            return [self.by_name[key]]
        return sorted(self.by_alias.get(key, []), key=lambda area: (area.name, area.pk))

    def suggest(self, label: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        return rank(label, self.candidates.values(), limit)

    def named_by_another(self, text: str, area_id: int | None) -> AgendaArea | None:
        """The area, other than ``area_id``, whose name or slug these words are."""
        area = self.by_name.get(label_key(text))
        return area if area is not None and area.pk != area_id else None


def resolve_agenda_areas(label: str) -> list[AgendaArea]:
    """The canonical areas a reported label names: the area whose name or slug it is; else
    every area it is an alias of; else none. Case, spacing and punctuation are ignored."""
    return AreaIndex().resolve(label)


# --- People --------------------------------------------------------------------------------


class PersonIndex:
    """Every person with their name and aliases, loaded once (two queries)."""

    def __init__(self):
        self.people = {person.pk: person for person in Person.objects.order_by("name", "pk")}
        self.by_key: dict[str, Person] = {}
        self.candidates = {
            pk: Candidate(pk, person.slug, person.name, [person.name])
            for pk, person in self.people.items()
        }
        for person in self.people.values():
            self.by_key.setdefault(label_key(person.name), person)
        for person_id, name in PersonAlias.objects.order_by("name", "pk").values_list(
            "person_id", "name"
        ):
            self.by_key.setdefault(label_key(name), self.people[person_id])
            self.candidates[person_id].spellings.append(name)

    def resolve(self, name: str) -> Person | None:
        return self.by_key.get(label_key(name))

    def spellings(self, person_id: int) -> list[str]:
        return self.candidates[person_id].spellings

    def suggest(self, name: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        return rank(name, self.candidates.values(), limit)
