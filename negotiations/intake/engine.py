"""propose(source): the facts an article states, proposed for an editor to accept.

A pure function of the article (its text and, if the editor gave it, its publication day or
a window of days) and the database's vocabulary: nothing is written. See the package's
docstring for what each kind of proposal holds, and negotiations.intake.accept for writing
the accepted ones.
"""

import datetime
import re

from django.utils import timezone

from negotiations.choices import AgendaBasis, DatePrecision
from negotiations.domain.labels import label_key
from negotiations.intake import agenda, facts, proposals, rounds
from negotiations.intake.assemble_facts import (
    propose_deadline,
    propose_item,
    propose_people,
    propose_position,
    propose_source,
    source_values,
)
from negotiations.intake.assemble_rounds import propose_rounds
from negotiations.intake.dates import DAY, YEAR, DateMention, Window, find_dates
from negotiations.intake.gazetteer import Vocabulary
from negotiations.intake.proposals import Proposal, Proposals, Support
from negotiations.intake.publication import PublicationDay, infer_day, printed_day
from negotiations.intake.recorded import Recorded
from negotiations.intake.text import Sentence
from negotiations.intake.text import sentences as split_sentences
from negotiations.models import Source

_HEADER = re.compile(r"^\s*(?:Published|Updated|Posted|Date)\s*:", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(?:absent|not|without|excluding|except|no mention|did not include|denied)\b", re.IGNORECASE
)


def publication_day(source: Source, text: str, sentences, vocabulary) -> PublicationDay:
    """Given by the editor (a day), printed in the text, or inferred within the editor's
    window (else the year of the newest date the database knows, else this year)."""
    if (
        source.published_on
        and not source.published_on_end
        and (source.published_on_precision == DatePrecision.DAY)
    ):
        day = source.published_on
        return PublicationDay(Window(day, day, DAY), "given", "Given by the editor.")
    printed = printed_day(text)
    if printed is not None:
        return printed
    if source.published_on and source.published_on_end:
        within = Window(source.published_on, source.published_on_end, DAY)
        if within.days <= 7:
            return PublicationDay(within, "given", "A window of days given by the editor.")
    else:
        known = [r.end or r.start for r in vocabulary.rounds if r.start]
        year = max(known).year if known else timezone.now().year
        within = Window(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR)
    return infer_day(text, sentences, within)


def resolve_dates(text, sentences, published: PublicationDay) -> list[DateMention]:
    """The text's dates against the publication day; against a window of a few days, each
    date as the hull of what it is at either end (the same day if both agree)."""
    if published.day is not None or published.window is None or published.window.days > 7:
        window = published.window
        year_base = None
        if window is not None and window.start.year == window.end.year:
            year_base = window.start + (window.end - window.start) / 2
        return find_dates(text, sentences, published.day, year_base)
    early = find_dates(text, sentences, published.window.start)
    late = find_dates(text, sentences, published.window.end)
    merged = []
    for a, b in zip(early, late, strict=True):
        if a.window and b.window and a.window != b.window:
            hull = Window(
                min(a.window.start, b.window.start),
                max(a.window.end, b.window.end),
                a.window.precision,
            )
            note = f"{a.note} Between {a.window} and {b.window}: the publication day is a window."
            a = DateMention(
                a.as_reported, a.start, a.end, a.kind, hull, note.strip(), a.tense, a.role
            )
        merged.append(a)
    return merged


def within(items, sentence: Sentence):
    return [item for item in items if sentence.start <= item.start < sentence.end]


def propose(source: Source, *, vocabulary: Vocabulary | None = None) -> Proposals:
    """The facts the article states, each with its sentence and a stable key; nothing
    already recorded with a citation of this source (the same source entered before: same
    primary key, URL or text) is proposed again."""
    vocabulary = vocabulary or Vocabulary()
    text = source.text or ""
    sentences = split_sentences(text)
    prose = [s for s in sentences if not _HEADER.match(s.text)]
    published = publication_day(source, text, sentences, vocabulary)
    dates = [
        d
        for d in resolve_dates(text, sentences, published)
        if not any(s.contains(d.start) for s in sentences if _HEADER.match(s.text))
    ]
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    organizations = vocabulary.find_organizations(text)
    people = [  # "Trump's energy council" names an organization, not the person
        p
        for p in vocabulary.find_people(text, line_starts)
        if not any(o.start <= p.start < o.end for o in organizations)
    ]
    parties = [
        p
        for p in vocabulary.find_parties(text)
        if not any(o.start <= p.start < o.end for o in organizations)
    ]
    groups = vocabulary.find_groups(text)
    areas = vocabulary.find_areas(text)
    recorded = Recorded.for_source(source)
    found = Proposals(
        source=source_values(source, published), source_slug=recorded.source_slug, article=source
    )
    propose_source(found, source, published, text)

    # Dates, and what the text names.
    for mention in dates:
        sentence = next(s for s in sentences if s.contains(mention.start))
        values = {"as_reported": mention.as_reported, "role": mention.role, "tense": mention.tense}
        if mention.window:
            values |= {
                "start": mention.window.start.isoformat(),
                "end": mention.window.end.isoformat(),
                "precision": mention.window.precision,
            }
        found.add(
            Proposal(
                f"date:{mention.start}:{label_key(mention.as_reported)}",
                proposals.DATE,
                values,
                [Support(sentence.text)],
                note=mention.note,
            )
        )
    for match in parties + organizations:
        sentence = next((s for s in prose if s.contains(match.start)), None)
        if sentence:
            kind = proposals.PARTY if match.kind == "party" else proposals.ORGANIZATION
            found.add(
                Proposal(f"{kind}:{match.slug}", kind, {kind: match.slug}, [Support(sentence.text)])
            )
    for match in areas:
        sentence = next((s for s in prose if s.contains(match.start)), None)
        if sentence:
            found.add(
                Proposal(
                    f"area:{label_key(match.text)}",
                    proposals.AREA,
                    {"label": match.text, "areas": list(match.areas)},
                    [Support(sentence.text)],
                )
            )
    propose_people(found, vocabulary, people, prose, recorded)

    # Rounds, from the sentences about meetings.
    actors = people + groups + organizations
    mentions = []
    for sentence in prose:
        mention = rounds.mention_of(
            sentence,
            within(dates, sentence),
            within(people, sentence),
            within(groups, sentence),
            within(organizations, sentence),
            within(parties, sentence),
            vocabulary,
        )
        if mention is not None:
            mentions.append(mention)
    today = next(
        (d for d in dates if d.as_reported.casefold() == "today" and d.tense == "past"), None
    )
    drafts = rounds.build_rounds(mentions, today)
    round_keys = propose_rounds(found, vocabulary, drafts, published, recorded, parties)
    main = next((d for d in drafts if not d.future), drafts[0] if drafts else None)

    # Agenda lists, and references back to them.
    lists = agenda.find_lists(prose, vocabulary.areas)
    for agenda_list in lists:
        draft = _round_of_sentence(drafts, agenda_list.sentence) or main
        if draft is None:
            continue
        for order, label in enumerate(agenda_list.labels, 1):
            propose_item(
                found,
                round_keys[id(draft)],
                label,
                agenda_list.sentence,
                agenda_list.basis,
                order,
                recorded,
                draft,
            )
    for sentence, label, _offset in agenda.find_count_references(prose, lists):
        draft = _round_of_sentence(drafts, sentence, attached=True)
        if draft is not None:
            propose_item(
                found,
                round_keys[id(draft)],
                label,
                sentence,
                AgendaBasis.ANNOUNCED.value if draft.future else basis_for(sentence),
                1,
                recorded,
                draft,
            )
    for draft in drafts:
        if not draft.future:
            continue
        for mention in draft.mentions:
            if not mention.defining:
                continue
            for match in within(areas, mention.sentence):
                if _NEGATED.search(mention.sentence.text):
                    continue
                label = agenda.Label(match.text, list(match.areas), "name or alias")
                propose_item(
                    found,
                    round_keys[id(draft)],
                    label,
                    mention.sentence,
                    AgendaBasis.ANNOUNCED.value,
                    1,
                    recorded,
                    draft,
                )

    # Deadlines and positions; "the government" is the side of most of the people named
    # (else the side named most).
    counts = {}
    for match in [p for p in people if p.party] or parties:
        counts[match.party] = counts.get(match.party, 0) + 1
    home_party = max(counts, key=lambda slug: counts[slug]) if counts else ""
    negotiation_key = round_keys.get(id(main), {}).get("negotiation", "") if main else ""
    for sentence in prose:
        for deadline in facts.find_deadlines(sentence, within(dates, sentence)):
            propose_deadline(found, deadline, negotiation_key, recorded)
        in_sentence = within(actors, sentence) + within(parties, sentence)
        in_sentence.sort(key=lambda m: m.start)
        for position in facts.find_positions(
            sentence, in_sentence, within(dates, sentence), within(areas, sentence), home_party
        ):
            draft = _round_of_sentence(drafts, sentence, attached=True)
            propose_position(
                found,
                position,
                negotiation_key,
                round_keys[id(draft)]["key"] if draft else "",
                recorded,
            )
    return found


def basis_for(sentence: Sentence) -> str:
    return agenda.basis_of(sentence.text)


def _round_of_sentence(drafts, sentence: Sentence, attached: bool = False):
    for draft in drafts:
        for mention in draft.mentions:
            if mention.sentence == sentence and (attached or mention.defining):
                return draft
    return None
