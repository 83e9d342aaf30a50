"""Deadlines and positions in an article.

A deadline is a date the talks run against: a date introduced by "by", "before", "until" or
"expires on" in a sentence about an agreement or a package (a negotiating target), a pause
or suspension that expires or ends (a legal expiry; "before the tariff pause in July" too),
or an election (a political event). A position is what a side requested, offered, rejected
or stated, with its speaker: a person, an organization, a party or a group the sentence
quotes ("Ahn said", "South Korea stated", "the government has firmly denied").
"""

import re
from dataclasses import dataclass

from negotiations.choices import DeadlineKind, PositionKind
from negotiations.intake.dates import DateMention
from negotiations.intake.gazetteer import Match
from negotiations.intake.text import Sentence

EXPIRY = re.compile(
    r"\b(?:pause|suspension|reprieve|moratorium|truce)\b.*?\b(?:expires?|ends?|is lifted|lifted|"
    r"set to expire|runs out)\b|\b(?:ends?|before)\b.*?\b(?:pause|suspension|truce)\b",
    re.IGNORECASE,
)
TARGET = re.compile(
    r"\b(?:agreement|package|deal|accord)\b.*?\b(?:by|before)\b|\b(?:by|before)\b.*?"
    r"\b(?:agreement|package|deal)\b|\baim(?:s|ing)? (?:for|to)\b",
    re.IGNORECASE,
)
# A deadline moved to another day: "a deadline moved from July 8", "pushed the July 8
# deadline back to August 1", "postponed ... to", "extended ... until".
MOVED = re.compile(
    r"\b(?:moved|pushed(?: back)?|postponed|delayed|extended|shifted|put off)\b", re.IGNORECASE
)
ELECTION = re.compile(r"\b(?P<title>(?:[\w-]+\s+){0,3}election)\b", re.IGNORECASE)

VERBS = {
    PositionKind.REQUEST.value: r"requested|requesting|requests|asked|asks|urged|called for|"
    r"demanded|angling to secure|seeking|sought|are needed|is needed",
    PositionKind.OFFER.value: r"offered|offering|offers|proposed to",
    PositionKind.REJECTION.value: r"denied|rejected|refused|ruled out|not part of|not on the table",
    PositionKind.STATEMENT.value: r"said|says|stated|told|noted|expressed|underscored|"
    r"reiterated|described|indicated|accusing|accused|added|explained|conveyed|remains confident",
}
_VERB = re.compile(
    "|".join(rf"(?P<{kind}>\b(?:{verbs})\b)" for kind, verbs in VERBS.items()), re.IGNORECASE
)
_REPORTERS = re.compile(r"\b(?:reporters|journalists|Reuters|WSJ|the report|the office)\b")


@dataclass
class DeadlineDraft:
    sentence: Sentence
    kind: str
    date: DateMention | None
    title: str
    moved_from: DateMention | None = None  # the day it was set for, when it was moved


@dataclass
class PositionDraft:
    sentence: Sentence
    kind: str
    speaker: Match
    party: str
    stated_on: DateMention | None
    areas: tuple[str, ...]


def find_deadlines(sentence: Sentence, dates: list[DateMention]) -> list[DeadlineDraft]:
    text = sentence.text
    found = []
    usable = [d for d in dates if d.window is not None and d.kind not in ("year", "year_range")]
    by_date = [d for d in usable if d.role == "deadline"] or [
        d for d in usable if d.tense == "future" or d.kind in ("month",)
    ]
    expiry = EXPIRY.search(text)
    if expiry:
        near = min(
            by_date or usable,
            key=lambda d: abs(d.start - sentence.start - expiry.end()),
            default=None,
        )
        found.append(
            DeadlineDraft(
                sentence, DeadlineKind.LEGAL_EXPIRY.value, near, "End of the tariff pause"
            )
        )
    target = TARGET.search(text)
    targeted = [d for d in usable if d.role == "deadline"]
    if target and targeted:
        found.append(
            DeadlineDraft(
                sentence,
                DeadlineKind.NEGOTIATING_TARGET.value,
                targeted[0],
                "Target date for an agreement",
            )
        )
    election = ELECTION.search(text)
    if election and usable:
        near = min(usable, key=lambda d: abs(d.start - sentence.start - election.start()))
        title = re.sub(r"^(?:the|impending|upcoming)\s+", "", election.group("title"), flags=re.I)
        found.append(
            DeadlineDraft(
                sentence, DeadlineKind.POLITICAL_EVENT.value, near, title[:1].upper() + title[1:]
            )
        )
    moved = MOVED.search(text)
    if moved and found:
        for draft in found:
            earlier = [
                d
                for d in usable
                if draft.date is not None and d is not draft.date and d.start != draft.date.start
            ]
            if earlier and draft.date.window and draft.date.window.start:
                # The other day of the sentence: the one "from" names, else the nearest.
                fromed = [
                    d for d in earlier if re.search(r"\bfrom\s*$", text[: d.start - sentence.start])
                ]
                draft.moved_from = (fromed or earlier)[0]
    return found


def find_positions(
    sentence: Sentence,
    actors: list[Match],
    dates: list[DateMention],
    areas: list[Match],
    government: str = "",
) -> list[PositionDraft]:
    """What the sentence says a side requested, offered, rejected or stated, and who."""
    text = sentence.text
    verbs = list(_VERB.finditer(text))
    if not verbs:
        return []
    found = []
    kinds = []
    for verb in verbs:
        kind = verb.lastgroup
        if kind not in kinds:
            kinds.append(kind)
    # The speaker: the actor nearest before the first verb, else the nearest after it.
    first = verbs[0].start() + sentence.start
    candidates = [a for a in actors if a.party and not a.possessive]
    # People, organizations and groups speak; a party only as the sentence's subject
    # ("South Korea stated"), not in "before departing for the US".
    speaking = [
        a
        for a in candidates
        if a.kind != "party" or a.start - sentence.start < 40 or 0 <= first - a.end <= 25
    ]
    before = [a for a in speaking if a.end <= first]
    named = [a for a in before if a.kind != "party"]
    after = [a for a in speaking if a.start >= first]
    speaker = (named or before or [None])[-1] or (after[0] if after else None)
    if speaker is None and government and re.match(r"^(?:However,\s+)?[Tt]he government\b", text):
        start = sentence.start + text.index("he government") - 1
        speaker = Match(
            "group",
            text[start - sentence.start : start - sentence.start + 14],
            start,
            start + 14,
            "",
            government,
        )
    if speaker is None:
        return []
    if _REPORTERS.search(text[speaker.start - sentence.start : speaker.end - sentence.start]):
        return []
    statement_day = next((d for d in dates if d.role == "statement" and d.window), None)
    # A sentence that requests or offers is that; a plain statement only when nothing else.
    specific = [kind for kind in kinds if kind != PositionKind.STATEMENT.value]
    area_slugs = tuple(dict.fromkeys(slug for a in areas for slug in a.areas))
    for kind in specific or [PositionKind.STATEMENT.value]:
        if kind == PositionKind.OFFER.value and len(area_slugs) > 1:
            # One offer per area offered ("to cooperate on shipbuilding, energy, as well as
            # trade imbalances").
            offer_at = next(v.start() for v in verbs if v.lastgroup == kind) + sentence.start
            offered = [a for a in areas if a.start > offer_at]
            for slug in dict.fromkeys(s for a in offered for s in a.areas):
                found.append(
                    PositionDraft(sentence, kind, speaker, speaker.party, statement_day, (slug,))
                )
            if offered:
                continue
        found.append(
            PositionDraft(sentence, kind, speaker, speaker.party, statement_day, area_slugs)
        )
    return found
