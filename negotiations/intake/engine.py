"""propose(source): the facts an article states, proposed for an editor to accept.

A pure function of the article (its text and, if the editor gave it, its publication day or
a window of days) and the database's vocabulary: nothing is written. See the package's
docstring for what each kind of proposal holds, and negotiations.intake.accept for writing
the accepted ones.
"""

import datetime
import re

from django.utils import timezone

from negotiations.choices import AgendaBasis, AliasKind, DatePrecision
from negotiations.domain.labels import label_key
from negotiations.intake import agenda, facts, proposals, rounds
from negotiations.intake.dates import (
    DAY,
    YEAR,
    DateMention,
    PublicationDay,
    Window,
    find_dates,
    infer_day,
    printed_day,
)
from negotiations.intake.gazetteer import Match, Vocabulary
from negotiations.intake.proposals import Proposal, Proposals, Support, digest
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


def party_names(vocabulary: Vocabulary, slugs) -> list[str]:
    return [vocabulary.parties[slug].name for slug in sorted(slugs) if slug in vocabulary.parties]


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
    found = Proposals(source=_source_values(source, published), source_slug=recorded.source_slug)
    _propose_source(found, source, published, text)

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
    _propose_people(found, vocabulary, people, prose, recorded)

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
    round_keys = _propose_rounds(found, vocabulary, drafts, published, recorded, parties)
    main = next((d for d in drafts if not d.future), drafts[0] if drafts else None)

    # Agenda lists, and references back to them.
    lists = agenda.find_lists(prose, vocabulary.areas)
    for agenda_list in lists:
        draft = _round_of_sentence(drafts, agenda_list.sentence) or main
        if draft is None:
            continue
        for order, label in enumerate(agenda_list.labels, 1):
            _propose_item(
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
            _propose_item(
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
                _propose_item(
                    found,
                    round_keys[id(draft)],
                    label,
                    mention.sentence,
                    AgendaBasis.ANNOUNCED.value,
                    1,
                    recorded,
                    draft,
                )

    # Deadlines and positions; "the government" is the side the article names most.
    counts = {}
    for match in parties:
        counts[match.slug] = counts.get(match.slug, 0) + 1
    home_party = max(counts, key=lambda slug: counts[slug]) if counts else ""
    negotiation_key = round_keys.get(id(main), {}).get("negotiation", "") if main else ""
    for sentence in prose:
        for deadline in facts.find_deadlines(sentence, within(dates, sentence)):
            _propose_deadline(found, deadline, negotiation_key, recorded)
        in_sentence = within(actors, sentence) + within(parties, sentence)
        in_sentence.sort(key=lambda m: m.start)
        for position in facts.find_positions(
            sentence, in_sentence, within(dates, sentence), within(areas, sentence), home_party
        ):
            draft = _round_of_sentence(drafts, sentence, attached=True)
            _propose_position(
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


def _source_values(source: Source, published: PublicationDay) -> dict:
    return {
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "publication": {
            "how": published.how,
            "start": published.window.start.isoformat() if published.window else None,
            "end": published.window.end.isoformat() if published.window else None,
            "note": published.note,
        },
    }


def _propose_source(found: Proposals, source: Source, published: PublicationDay, text: str):
    if published.how not in ("printed", "inferred") or published.window is None:
        return
    window = published.window
    values = {
        "published_on": window.start,
        "published_on_end": None if window.days == 1 else window.end,
        "published_on_precision": DatePrecision.DAY.value,
        "published_on_inferred": published.how == "inferred",
        "date_note": published.note,
    }
    sentence = published.printed_line or ""
    found.add(
        Proposal(
            "source:publication",
            proposals.SOURCE,
            values,
            [Support(sentence, ("publication",))] if sentence else [],
            note=published.note,
        )
    )


def _propose_people(found, vocabulary, people: list[Match], prose, recorded):
    for match in people:
        sentence = next((s for s in prose if s.contains(match.start)), None)
        if sentence is None:
            continue
        if match.new:
            key = f"person:{label_key(match.text)}"
            found.add(
                Proposal(
                    key,
                    proposals.PERSON,
                    {
                        "name": match.text,
                        "party": match.party,
                        "title": match.title,
                        "organization": match.organization,
                    },
                    [Support(sentence.text, ("name", "role"))],
                    note="A name the database does not know, introduced by a title.",
                )
            )
            continue
        person = vocabulary.people[match.slug]
        if match.text in person.spellings or " " not in match.text:
            continue
        kind = AliasKind.VARIANT if match.score >= 99 else AliasKind.MISSPELLING
        key = f"person_alias:{match.slug}:{label_key(match.text)}"
        if recorded.has_alias(match.slug, match.text):
            continue
        found.add(
            Proposal(
                key,
                proposals.PERSON_ALIAS,
                {
                    "person": match.slug,
                    "name": match.text,
                    "kind": kind.value,
                    "score": match.score,
                    "matched": match.matched,
                },
                [Support(sentence.text, ("name",))],
                note=f"Matches \u201c{match.matched}\u201d ({match.score:.0f}/100)"
                + (f", introduced as \u201c{match.title}\u201d." if match.title else "."),
            )
        )


def _propose_rounds(found, vocabulary, drafts, published, recorded, parties) -> dict:
    """Round, negotiation and participant proposals; returns {id(draft): {"key", "negotiation"}}."""
    keys = {}
    counts = {}
    for match in parties:
        counts[match.slug] = counts.get(match.slug, 0) + 1
    main_parties = [slug for slug, _ in sorted(counts.items(), key=lambda kv: -kv[1])][:2]
    for draft in drafts:
        participants = _participants(draft, main_parties, vocabulary)
        round_parties = set(draft.parties) | {p["party"] for p in participants if p["party"]}
        if len(round_parties) < 2:
            round_parties |= set(main_parties)
        existing = _existing_round(vocabulary, draft, round_parties)
        negotiation_key, negotiation_slug = _propose_negotiation(
            found, vocabulary, round_parties, existing, draft
        )
        where = (draft.city or draft.country or "-").casefold()
        when = draft.window.start.isoformat() if draft.window else "undated"
        key = f"round:{when}:{label_key(where)}"
        if not draft.window:
            key += f":{label_key(draft.ordinal) or digest(draft.first.sentence.text)}"
        titles = [p["role"] for p in participants if p["person"]]
        level = rounds.level_for(draft, titles)
        values = {
            "negotiation": negotiation_slug,
            "title": rounds.title_for(
                draft,
                [vocabulary.people[p["person"]].family_name for p in participants if p["person"]],
                party_names(vocabulary, round_parties),
            ),
            "level": level,
            "status": rounds.status_of(draft, published.window),
            "start_date": draft.window.start if draft.window else None,
            "end_date": draft.window.fields()["end_date"] if draft.window else None,
            "date_precision": draft.window.precision if draft.window else DatePrecision.DAY.value,
            "date_as_reported": draft.date_as_reported,
            "date_note": draft.date_note,
            "city": draft.city,
            "country": draft.country,
            "venue": draft.venue,
            "occasion": draft.occasion,
            "parties": sorted(round_parties),
        }
        proposal = Proposal(
            key,
            proposals.ROUND,
            values,
            refers=(negotiation_key,) if negotiation_key else (),
            existing=existing.slug if existing else "",
        )
        for mention in draft.mentions:
            facets = []
            if mention.date and mention.defining:
                facets.append("date")
            if mention.city or mention.country:
                facets.append("place")
            if mention.venue:
                facets.append("venue")
            if mention.occasion:
                facets.append("occasion")
            if mention.level or mention.ordinal:
                facets.append("level")
            if mention.defining:
                facets.append("status")
            proposal.add_support(mention.sentence.text, tuple(facets))
        keys[id(draft)] = {
            "key": key,
            "negotiation": negotiation_key or negotiation_slug,
            "existing": existing.slug if existing else "",
        }
        if not recorded.cites_round(existing.slug if existing else ""):
            found.add(proposal)
        for participant, sentence in ((p, p.pop("_sentence")) for p in participants):
            ident = participant["person"] or label_key(
                participant["party"] + participant["name_as_reported"]
            )
            p_key = f"participant:{key}:{ident}"
            if recorded.has_participant(existing.slug if existing else "", participant):
                continue
            refers = (key,) + (
                (participant["new_person"],) if participant.get("new_person") else ()
            )
            participant.pop("new_person", None)
            found.add(
                Proposal(
                    p_key,
                    proposals.PARTICIPANT,
                    {"round": key} | participant,
                    [Support(sentence, ("name", "party", "organization", "role"))],
                    refers=refers,
                )
            )
    return keys


def _participants(draft, main_parties, vocabulary) -> list[dict]:
    found: dict[str, dict] = {}
    named_parties = set()
    for mention in draft.mentions:
        for person in mention.people:
            slug = person.slug
            ident = slug or label_key(person.text)
            if ident in found:
                continue
            known = vocabulary.people.get(slug)
            role = person.title or (known.roles[0].title if known and known.roles else "")
            found[ident] = {
                "person": slug,
                "new_person": "" if slug else f"person:{label_key(person.text)}",
                "party": person.party,
                "organization": person.organization,
                "organization_inferred": False,
                "name_as_reported": known.name if known and person.score < 100 else person.text,
                "role": role,
                "_sentence": mention.sentence.text,
            }
            if person.party:
                named_parties.add(person.party)
    for mention in draft.mentions:
        for group in mention.groups:
            targets = (
                sorted(draft.parties | set(main_parties))
                if group.party == "*both*"
                else [group.party or _speaker_party(draft, main_parties)]
            )
            for party in targets:
                if not party or party in named_parties:
                    continue
                name = re.sub(r"\s+from both sides$", "", group.text)
                ident = label_key(party + name)
                organization, inferred = "", False
                if group.text.casefold().startswith("a delegation"):
                    speakers = [s for m in draft.mentions for s in m.speakers]
                    speaker = next((s for s in speakers if s.organization), None)
                    organization, inferred = (
                        (speaker.organization, True) if speaker else ("", False)
                    )
                found.setdefault(
                    ident,
                    {
                        "person": "",
                        "new_person": "",
                        "party": party,
                        "organization": organization,
                        "organization_inferred": inferred,
                        "name_as_reported": name,
                        "role": "",
                        "_sentence": mention.sentence.text,
                    },
                )
        for org in mention.organizations:
            if org.party in named_parties:
                continue
            found.setdefault(
                label_key(org.text),
                {
                    "person": "",
                    "new_person": "",
                    "party": org.party,
                    "organization": org.slug,
                    "organization_inferred": False,
                    "name_as_reported": org.text,
                    "role": "Host",
                    "_sentence": mention.sentence.text,
                },
            )
    return list(found.values())


def _speaker_party(draft, main_parties) -> str:
    """The side of the people the round's sentences quote (a delegation "from the
    ministry" is the speaker's)."""
    for speaker in (s for m in draft.mentions for s in m.speakers):
        if speaker.party:
            return speaker.party
    return main_parties[0] if main_parties else ""


def _existing_round(vocabulary, draft, parties):
    if draft.window is None:
        return None
    for known in vocabulary.rounds:
        if known.start is None:
            continue
        window = Window(known.start, known.end or known.start)
        if not window.overlaps(draft.window):
            continue
        if draft.city and known.city and draft.city.casefold() != known.city.casefold():
            continue
        if draft.country and known.country and draft.country != known.country:
            continue
        if known.parties and parties and not (known.parties <= parties or parties <= known.parties):
            continue
        return known
    return None


def _propose_negotiation(found, vocabulary, parties: set[str], existing, draft):
    """(key of a new negotiation's proposal or "", slug of the existing one or "")."""
    if existing is not None:
        return "", existing.negotiation
    same = [slug for slug, (_, among) in vocabulary.negotiations.items() if among == parties]
    if same:
        # The track with the most rounds: a side track (currency talks) has fewer.
        rounds_of = {slug: sum(r.negotiation == slug for r in vocabulary.rounds) for slug in same}
        return "", max(same, key=lambda slug: (rounds_of[slug], slug))
    names = party_names(vocabulary, parties)
    key = f"negotiation:{'-'.join(sorted(parties))}"
    sentence = draft.first.sentence.text
    found.add(
        Proposal(
            key,
            proposals.NEGOTIATION,
            {"title": f"{'–'.join(names)} talks", "parties": sorted(parties)},
            [Support(sentence)],
            note="No negotiation in the database has exactly these parties.",
        )
    )
    return key, ""


def _propose_item(found, round_info, label, sentence, basis, order, recorded, draft):
    key = round_info["key"]
    area_key = "+".join(sorted(label.areas)) or label_key(label.label)
    item_key = f"agenda_item:{key}:{area_key}"
    if recorded.has_item(round_info["existing"], label.areas, label.label):
        return
    for proposal in found.of_kind(proposals.AGENDA_ITEM):
        if (
            proposal.values["round"] == key
            and set(proposal.values["areas"]) == set(label.areas)
            and label.areas
        ):
            proposal.add_support(sentence.text, ("label",))
            return
    found.add(
        Proposal(
            item_key,
            proposals.AGENDA_ITEM,
            {
                "round": key,
                "label": label.label,
                "areas": label.areas,
                "unmapped": not label.areas,
                "order": order,
                "basis": basis,
                "suggestions": label.suggestions,
                "mapped_by": label.how,
            },
            [Support(sentence.text, ("label", "agenda_list"))],
            refers=(key,),
        )
    )


def _propose_deadline(found, deadline, negotiation_key, recorded):
    window = deadline.date.window if deadline.date else None
    when = window.start.isoformat() if window else "undated"
    key = f"deadline:{when}:{deadline.kind}"
    values = {
        "title": deadline.title,
        "kind": deadline.kind,
        "negotiation": negotiation_key,
        "date": window.start if window else None,
        "end_date": window.fields()["end_date"] if window else None,
        "date_precision": window.precision if window else DatePrecision.DAY.value,
        "date_as_reported": deadline.date.as_reported if deadline.date else "",
        "date_note": deadline.date.note if deadline.date else "",
        "description": deadline.sentence.text,
    }
    if recorded.has_deadline(values):
        return
    found.add(
        Proposal(
            key,
            proposals.DEADLINE,
            values,
            [Support(deadline.sentence.text, ("date", "kind"))],
            refers=(negotiation_key,) if negotiation_key.startswith("negotiation:") else (),
        )
    )


def _propose_position(found, position, negotiation_key, round_key, recorded):
    speaker = position.speaker
    key = f"position:{position.party}:{position.kind}:{digest(position.sentence.text)}"
    if len(position.areas) == 1 and position.kind == "offer":
        key += f":{position.areas[0]}"
    if recorded.has_position(position.sentence.text, position.kind):
        return
    values = {
        "party": position.party,
        "kind": position.kind,
        "summary": position.sentence.text,
        "speaker": speaker.slug if speaker.kind == "person" else "",
        "speaker_name_as_reported": speaker.text,
        "organization": speaker.organization if speaker.kind in ("person", "organization") else "",
        "negotiation": negotiation_key,
        "round": round_key,
        "stated_on": position.stated_on.window.start if position.stated_on else None,
        "areas": list(position.areas),
    }
    found.add(
        Proposal(
            key,
            proposals.POSITION,
            values,
            [Support(position.sentence.text, ("kind", "summary", "speaker"))],
            refers=tuple(k for k in (round_key, negotiation_key) if ":" in k),
        )
    )
