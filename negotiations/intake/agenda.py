"""Agenda areas in an article: lists of them ("four main areas: tariffs, non-tariffs,
economic security and investment cooperation") as a round's proposed agenda, and references
back to a list by its count ("in six key areas").

Each label goes through the label rule (negotiations.domain.labels.AreaIndex): the area it
names or is an alias of; else, for a shared head noun ("tariff and nontariff measures",
"tariff- and non-tariff measures"), the areas of each part with the noun restored; else it
is proposed unmapped, with the closest areas.
"""

import re
from dataclasses import dataclass, field

from negotiations.choices import AgendaBasis
from negotiations.domain.labels import AreaIndex
from negotiations.intake.text import Sentence

NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_COUNT = r"(?P<count>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
_NOUNS = r"(?:areas|categories|sectors|issues|topics|fields|pillars|items|agenda items|tracks)"
_LIST = re.compile(
    rf"\b{_COUNT}\s+(?:[\w-]+\s+){{0,2}}?{_NOUNS}\b(?P<gap>[^:—–.;]{{0,60}}?)\s*[:—–]\s*"
    r"(?P<list>[^.;]+)",
    re.IGNORECASE,
)
_COUNT_REFERENCE = re.compile(
    rf"\b(?:in|on|to|across)\s+(?:the\s+|those\s+|these\s+)?{_COUNT}\s+(?P<adjective>(?:key|main|"
    rf"major|core|agreed)\s+)?(?P<noun>{_NOUNS})\b(?!\s*[:—–])",
    re.IGNORECASE,
)


@dataclass
class Label:
    """One reported agenda label and the areas it maps to."""

    label: str
    areas: list[str]  # slugs
    how: str  # "name or alias", "shared noun", "parts", "count", "unmapped"
    suggestions: list[dict] = field(default_factory=list)


@dataclass
class AgendaList:
    sentence: Sentence
    count: int | None
    labels: list[Label]
    offset: int  # where the list starts in the article
    basis: str = ""


def count_of(word: str) -> int:
    return NUMBERS.get(word.casefold()) or int(word)


def split_list(text: str, count: int | None = None) -> list[str]:
    """ "a, b, c and d" -> [a, b, c, d]; an item's own "and" ("tariff and nontariff measures")
    is kept when the count says so."""
    text = re.sub(r"\s+as well as\s+", ", ", text.strip().rstrip(".,"))
    pieces = [piece.strip() for piece in re.split(r",\s*", text) if piece.strip()]
    if pieces:
        last = re.split(r"\s+and\s+", pieces[-1])
        if len(last) > 1:
            pieces = [*pieces[:-1], " and ".join(last[:-1]), last[-1]]
    pieces = [re.sub(r"^(?:and|or)\s+", "", piece) for piece in pieces]
    if count is not None and len(pieces) < count:
        # Split the items that hold an "and" until the count is reached, last first.
        for index in range(len(pieces) - 1, -1, -1):
            if len(pieces) >= count:
                break
            parts = re.split(r"\s+and\s+", pieces[index])
            if len(parts) > 1:
                pieces[index : index + 1] = parts
    return [piece for piece in pieces if piece]


def resolve_label(label: str, index: AreaIndex) -> Label:
    areas = index.resolve(label)
    if areas:
        return Label(label, [area.slug for area in areas], "name or alias")
    shared = re.match(r"^(?P<first>[\w-]+?)-?\s+and\s+(?P<second>[\w-]+(?:\s+[\w-]+)+)$", label)
    if shared:
        noun = shared.group("second").split()[-1]
        first = index.resolve(f"{shared.group('first')} {noun}")
        second = index.resolve(shared.group("second"))
        if first and second:
            slugs = list(dict.fromkeys(area.slug for area in first + second))
            return Label(label, slugs, "shared noun")
    parts = [index.resolve(part) for part in re.split(r"\s+and\s+|,\s*", label)]
    if len(parts) > 1 and all(parts):
        slugs = list(dict.fromkeys(area.slug for found in parts for area in found))
        return Label(label, slugs, "parts")
    suggestions = [{"slug": s.slug, "name": s.name, "score": s.score} for s in index.suggest(label)]
    return Label(label, [], "unmapped", suggestions)


def basis_of(sentence: str) -> str:
    """What kind of list the sentence gives: a scope agreed, what was discussed, or what is
    announced for talks to come."""
    text = sentence.casefold()
    if re.search(r"\bagree|\bconsensus|\bconcurred", text):
        return AgendaBasis.AGREED_SCOPE.value
    if re.search(r"\bdiscussed\b|\btalks (?:focused|covered)\b|\bcovered\b", text):
        return AgendaBasis.DISCUSSED.value
    return AgendaBasis.ANNOUNCED.value


def find_lists(sentences: list[Sentence], index: AreaIndex) -> list[AgendaList]:
    """Lists of agenda areas introduced by their count ("four categories: ...")."""
    found = []
    for sentence in sentences:
        for match in _LIST.finditer(sentence.text):
            count = count_of(match.group("count"))
            labels = [
                resolve_label(label, index) for label in split_list(match.group("list"), count)
            ]
            if not any(label.areas for label in labels):
                continue  # not a list of agenda areas
            found.append(
                AgendaList(
                    sentence, count, labels, sentence.start + match.start(), basis_of(sentence.text)
                )
            )
    return found


def find_count_references(
    sentences: list[Sentence], lists: list[AgendaList]
) -> list[tuple[Sentence, Label, int]]:
    """ "in six key areas": a label standing for the list of that many areas the article
    gives (the nearest before it), mapped to that list's areas. (sentence, label, offset)"""
    found = []
    for sentence in sentences:
        for match in _COUNT_REFERENCE.finditer(sentence.text):
            count = count_of(match.group("count"))
            offset = sentence.start + match.start()
            same = [lst for lst in lists if lst.count == count and lst.sentence != sentence]
            if not same:
                continue
            earlier = [lst for lst in same if lst.offset < offset]
            source = earlier[-1] if earlier else same[0]
            label = match.group(0).split(None, 1)[1]
            label = re.sub(r"^(?:the|those|these)\s+", "", label, flags=re.IGNORECASE)
            areas = list(dict.fromkeys(slug for item in source.labels for slug in item.areas))
            found.append((sentence, Label(label, areas, "count"), offset))
    return found
