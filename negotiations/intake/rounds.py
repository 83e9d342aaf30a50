"""The rounds an article reports: meetings named with a date, a place or an ordinal ("the
first round of technical consultations, held on May 1 in Washington"), merged when their
dates overlap and their places and sides agree, with what the other sentences say of them.

A sentence about a meeting without a date or place ("the two sides met as ...") is about
the article's main event, the first meeting it reports as past (or, said of the future, the
last meeting to come it named); it adds participants, a place or an occasion to it. People
are participants where the sentence says they meet ("met", "joined", "will represent",
"will involve", "shakes hands with", "attendance"), never as mere speakers ("Ahn said").
"""

import re
from dataclasses import dataclass, field

from negotiations.choices import RoundLevel, RoundStatus
from negotiations.intake.dates import DAY, DateMention, Window
from negotiations.intake.gazetteer import Match, Vocabulary
from negotiations.intake.text import Sentence, is_future

MEETING = re.compile(
    r"\b(?:met|meet|meets|meeting|talks|round|consultations?|discussions?|negotiations|summit|"
    r"visit|visits)\b",
    re.IGNORECASE,
)
PARTICIPANT_CUE = re.compile(
    r"\b(?:met|meet|meets|meeting (?:between|with)|held a meeting|joined|shakes? hands|"
    r"represent|involve|involved|involves|attendance|attend|attends|visit|visits|host|"
    r"participation|"
    r"negotiations with|talks with)\b",
    re.IGNORECASE,
)
NOT_A_ROUND = re.compile(r"\b(?:Cabinet meeting|press briefing|press conference)\b", re.IGNORECASE)
AGREED_WITH = re.compile(
    r"\bagreed\b.*\b(?:two sides|both sides|two countries|both governments)\b|"
    r"\b(?:two sides|both sides|two countries|both governments)\b.*\bagreed\b",
    re.IGNORECASE,
)
ORDINAL = re.compile(
    r"\b(?P<ordinal>first|second|third|fourth|fifth|sixth)\s+(?P<what>round(?: of [\w-]+ "
    r"(?:consultations|talks|negotiations|discussions))?|technical (?:discussion|consultations?|"
    r"talks)|working-level (?:talks|discussions))",
    re.IGNORECASE,
)
SPEECH = re.compile(
    r"^\W{0,3}(?:also\s+|\w+ly\s+)?(?:said|says|told|stated|noted|added|reiterated|explained|expressed)\b",
    re.IGNORECASE,
)
PLACE = re.compile(
    r"\b(?:in|at|visit|visits|visiting|island of|(?:travel|travels|head|heading|fly|flew|go|"
    r"going|went|come|came) to)\s+(?P<place>(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
)
VENUE = re.compile(
    r"\bat the (?P<venue>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,5}\s+"
    r"(?:Center|Centre|Hall|House|Hotel|Palace|Building|Office))"
)
OCCASION = re.compile(r"\bon the sidelines of (?P<occasion>[^,.;]+)", re.IGNORECASE)
MONTH_OR_DAY = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The)\b"
)


@dataclass
class Mention:
    """One sentence's account of a meeting."""

    sentence: Sentence
    date: DateMention | None
    city: str = ""
    country: str = ""
    venue: str = ""
    occasion: str = ""
    ordinal: str = ""
    level: str = ""
    future: bool = False
    people: list[Match] = field(default_factory=list)
    groups: list[Match] = field(default_factory=list)
    organizations: list[Match] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)
    speakers: list[Match] = field(default_factory=list)
    defining: bool = False


@dataclass
class RoundDraft:
    """A round the article reports, built from its mentions."""

    mentions: list[Mention] = field(default_factory=list)
    window: Window | None = None
    date_as_reported: str = ""
    date_note: str = ""
    city: str = ""
    country: str = ""
    venue: str = ""
    occasion: str = ""
    ordinal: str = ""
    level: str = ""
    parties: set[str] = field(default_factory=set)
    future: bool = False

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    def accepts(self, mention: Mention) -> bool:
        if mention.date and mention.date.window and self.window:
            # The same meeting: one date holds the other ("last month" and "April 24"); two
            # windows that merely overlap ("next week" and "next month") are two meetings.
            window = mention.date.window
            if not (self.window.contains(window) or window.contains(self.window)):
                return False
        elif mention.date and mention.date.window and not self.window:
            if mention.ordinal != self.ordinal or not self.ordinal:
                return False
        elif not (mention.date and mention.date.window) and self.window:
            if not (mention.ordinal and mention.ordinal == self.ordinal):
                return False
        elif mention.ordinal != self.ordinal:
            return False
        if mention.city and self.city and mention.city.casefold() != self.city.casefold():
            return False
        if mention.country and self.country and mention.country != self.country:
            return False
        if mention.ordinal and self.ordinal and mention.ordinal != self.ordinal:
            return False
        return not (
            mention.parties
            and self.parties
            and not (mention.parties <= self.parties or self.parties <= mention.parties)
        )

    def add(self, mention: Mention, *, dating: bool = True) -> None:
        self.mentions.append(mention)
        if dating and mention.date and mention.date.window:
            window = mention.date.window
            if self.window is None or window.days < self.window.days:
                self.window = window
                self.date_as_reported = mention.date.as_reported
                self.date_note = mention.date.note
        for name in ("city", "country", "venue", "occasion", "ordinal", "level"):
            if not getattr(self, name) and getattr(mention, name):
                setattr(self, name, getattr(mention, name))
        self.parties |= mention.parties
        if not self.mentions[:-1]:
            self.future = mention.future


def place_of(text: str, vocabulary: Vocabulary) -> tuple[str, str]:
    """(city, country code) named in a sentence ("in Washington, D.C.", "in South Korea")."""
    city, country = "", ""
    for match in PLACE.finditer(text):
        place = match.group("place").strip().rstrip(".,")
        place = re.sub(r",?\s*D\.C$", "", place)
        if MONTH_OR_DAY.match(place) and not place.startswith("The "):
            continue
        bare = place.removeprefix("the ")
        party = vocabulary.party_of(bare) or vocabulary.party_of(place)
        known_city = vocabulary.cities.get(bare.casefold())
        if known_city:
            city, country = city or known_city[0], country or known_city[1]
        elif party:
            slug, is_country = party
            code = vocabulary.parties[slug].code if slug in vocabulary.parties else ""
            if is_country:
                country = country or code
            else:
                city, country = city or bare, country or code
        elif place.startswith("The ") or "'" in place or "’" in place:
            continue
        elif not city and len(bare.split()) == 1 and not bare.isupper():
            city = bare
    return city, country


def level_of(text: str) -> str:
    lowered = text.casefold()
    if "2+2" in lowered or "two plus two" in lowered:
        return RoundLevel.HIGH_LEVEL_2PLUS2.value
    if re.search(r"\bministerial\b", lowered):
        return RoundLevel.MINISTERIAL.value
    if "director-level" in lowered:
        return RoundLevel.DIRECTOR.value
    if re.search(
        r"\b(?:technical|working-level) (?:consultations?|discussions?|talks|round|negotiations)",
        lowered,
    ):
        return RoundLevel.WORKING.value
    return ""


def speakers_in(sentence: Sentence, people: list[Match]) -> list[Match]:
    """People the sentence quotes ("Ahn said", "according to Choi"), by position."""
    found = []
    for person in people:
        after = sentence.text[person.end - sentence.start :]
        before = sentence.text[: person.start - sentence.start]
        if SPEECH.match(after) or re.search(r"according to\s+(?:\w+\s+){0,3}$", before):
            found.append(person)
    return found


def mention_of(
    sentence: Sentence,
    dates: list[DateMention],
    people: list[Match],
    groups: list[Match],
    organizations: list[Match],
    parties: list[Match],
    vocabulary: Vocabulary,
) -> Mention | None:
    text = sentence.text
    meeting = MEETING.search(text)
    agreed = AGREED_WITH.search(text) or (
        re.search(r"\bagreed\b", text) and len({p.slug for p in parties}) >= 2
    )
    if (meeting is None and not agreed) or (meeting and NOT_A_ROUND.fullmatch(meeting.group(0))):
        return None
    anchor = sentence.start + (meeting.start() if meeting else 0)
    candidates = [
        d
        for d in dates
        if d.window is not None
        and d.role != "deadline"
        and d.role != "statement"
        and d.window.precision not in ("year",)
        and d.kind not in ("year", "year_range")
    ]
    date = min(candidates, key=lambda d: abs(d.start - anchor), default=None)
    unresolved = [
        d
        for d in dates
        if d.window is None and d.role == "" and d.kind not in ("year", "year_range")
    ]
    if date is None and unresolved:
        date = min(unresolved, key=lambda d: abs(d.start - anchor))
    if meeting is None and date is None:
        return None
    city, country = place_of(text, vocabulary)
    venue = VENUE.search(text)
    occasion = OCCASION.search(text)
    ordinal = ORDINAL.search(text)
    speakers = speakers_in(sentence, people)
    cue = bool(PARTICIPANT_CUE.search(text))
    # "Greer noted his attendance at ...": the speaker attends.
    attending = re.search(r"\b(?:his|her|their) (?:attendance|visit|participation)\b", text)
    actors = (
        [p for p in people if not p.possessive and (p not in speakers or attending)] if cue else []
    )
    party_slugs = {p.slug for p in parties} | {p.party for p in actors if p.party}
    party_slugs |= {g.party for g in groups if g.party and g.party != "*both*"}
    mention = Mention(
        sentence=sentence,
        date=date,
        city=city,
        country=country,
        venue=venue.group("venue") if venue else "",
        occasion=("On the sidelines of " + occasion.group("occasion").strip()) if occasion else "",
        ordinal=ordinal.group("ordinal").casefold() if ordinal else "",
        level=level_of(text),
        future=is_future(text) and not (date and date.tense == "past"),
        people=actors,
        groups=groups if cue else [],
        organizations=[o for o in organizations if cue and "host" in text.casefold()],
        parties=party_slugs,
        speakers=speakers,
    )
    mention.defining = bool(date or ordinal)
    return mention


def build_rounds(mentions: list[Mention], deictic_today: DateMention | None) -> list[RoundDraft]:
    """Group the mentions into rounds (see the module's docstring): first the meetings named
    with a date or an ordinal, then what the other sentences add to them."""
    rounds: list[RoundDraft] = []
    for mention in mentions:
        if mention.defining:
            target = next((r for r in rounds if r.accepts(mention)), None)
            if target is None:
                target = RoundDraft()
                rounds.append(target)
            target.add(mention)
    main = next((r for r in rounds if not r.future), None)
    for mention in mentions:
        if mention.defining:
            continue
        if mention.date is not None:
            # A date the publication day cannot resolve: another meeting, kept apart.
            if mention.people or mention.groups:
                draft = RoundDraft()
                draft.add(mention, dating=False)
                rounds.append(draft)
            continue
        if mention.future:
            planned = [r for r in rounds if r.future]
            before = [r for r in planned if r.first.sentence.start <= mention.sentence.start]
            target = before[-1] if before else (planned[0] if planned else None)
        else:
            target = main
        if target is None:
            if not (mention.people or mention.groups) or mention.future:
                continue
            target = RoundDraft()
            rounds.append(target)
            main = main or target
        target.add(mention, dating=False)
    if main is not None and main.window is None and deictic_today and deictic_today.window:
        main.window = deictic_today.window
        main.date_as_reported = deictic_today.as_reported
        main.date_note = "The article reports the meeting as that day's news (\u201ctoday\u201d)."
    rounds.sort(key=lambda r: r.first.sentence.start)
    return rounds


def status_of(draft: RoundDraft, published: Window | None) -> str:
    """Held if its date is before the publication day and the text says it took place;
    planned otherwise."""
    said_past = any(not m.future for m in draft.mentions if m.defining) or not draft.future
    if draft.window and published and draft.window.end <= published.start and said_past:
        return RoundStatus.HELD.value
    if draft.window is None and said_past:
        return RoundStatus.HELD.value
    return RoundStatus.PLANNED.value


def level_for(draft: RoundDraft, people_titles: list[str]) -> str:
    if draft.level:
        return draft.level
    ministers = [
        t for t in people_titles if re.search(r"minister|secretary|representative", t, re.I)
    ]
    if len(ministers) >= 4:
        return RoundLevel.HIGH_LEVEL_2PLUS2.value
    if len(ministers) >= 2:
        return RoundLevel.MINISTERIAL.value
    return RoundLevel.UNSPECIFIED.value


def title_for(draft: RoundDraft, people: list[str], parties: list[str]) -> str:
    place = f" in {draft.city}" if draft.city else ""
    if draft.ordinal:
        what = {
            RoundLevel.WORKING.value: "technical consultations",
            RoundLevel.DIRECTOR.value: "technical consultations",
        }.get(draft.level, "talks")
        return f"{draft.ordinal.capitalize()} round of {what}{place}"
    if draft.level == RoundLevel.HIGH_LEVEL_2PLUS2.value:
        return f"{'–'.join(parties)} 2+2 high-level talks{place}"
    if people:
        return f"{'–'.join(people[:3])} meeting{place}"
    when = f", {draft.date_as_reported}" if draft.date_as_reported else ""
    return f"{'–'.join(parties) or 'Talks'} talks{place}{when}"


def is_day(window: Window | None) -> bool:
    return window is not None and window.precision == DAY and window.start == window.end
