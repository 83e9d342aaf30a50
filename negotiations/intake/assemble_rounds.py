"""Rounds the article reports, as proposals: each round (an existing one it matches by date,
place and sides, or a new one), the negotiation it belongs to (an existing one with exactly
its sides, or a new one), and its participants."""

import re

from negotiations.choices import DatePrecision
from negotiations.domain.labels import label_key, words
from negotiations.intake import proposals, rounds
from negotiations.intake.dates import Window
from negotiations.intake.gazetteer import Vocabulary
from negotiations.intake.proposals import Proposal, Support, digest


def party_names(vocabulary: Vocabulary, slugs) -> list[str]:
    return [vocabulary.parties[slug].name for slug in sorted(slugs) if slug in vocabulary.parties]


def propose_rounds(found, vocabulary, drafts, published, recorded, parties) -> dict:
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
        negotiation_key, negotiation_slug = propose_negotiation(
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
    """The stored round the draft reports: the narrowest whose dates, place and sides agree.
    A round known only within a wide window (a summit "this summer") and no city is no
    evidence that a meeting on one day is it."""
    if draft.window is None:
        return None
    found = []
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
        if window.days > 7 and draft.window.days <= 7 and not (known.city and draft.city):
            continue
        found.append((window.days, known))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def propose_negotiation(found, vocabulary, parties: set[str], existing, draft):
    """(key of a new negotiation's proposal or "", slug of the existing one or "")."""
    if existing is not None:
        return "", existing.negotiation
    same = [slug for slug, (_, among) in vocabulary.negotiations.items() if among == parties]
    if same:
        # The track whose title the round's sentences echo most ("tariff talks"), then the
        # one with the most rounds: a side track (currency talks) has fewer.
        said = set(words(" ".join(m.sentence.text for m in draft.mentions)).split())
        echoed = {
            slug: len(set(words(vocabulary.negotiations[slug][0].title).split()) & said)
            for slug in same
        }
        rounds_of = {slug: sum(r.negotiation == slug for r in vocabulary.rounds) for slug in same}
        return "", max(same, key=lambda slug: (echoed[slug], rounds_of[slug], slug))
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
