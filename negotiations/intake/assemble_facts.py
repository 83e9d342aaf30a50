"""The other facts as proposals: the publication day, people (new ones, and misspellings of
known ones as aliases), agenda items, deadlines and positions."""

from negotiations.choices import AliasKind, DatePrecision
from negotiations.domain.labels import label_key
from negotiations.intake import proposals
from negotiations.intake.gazetteer import Match
from negotiations.intake.proposals import Proposal, Proposals, Support, digest
from negotiations.intake.publication import PublicationDay
from negotiations.models import Source


def source_values(source: Source, published: PublicationDay) -> dict:
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


def propose_source(found: Proposals, source: Source, published: PublicationDay, text: str):
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


def propose_people(found, vocabulary, people: list[Match], prose, recorded):
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


def propose_item(found, round_info, label, sentence, basis, order, recorded, draft):
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


def propose_deadline(found, deadline, negotiation_key, recorded):
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
    moved = moved_deadline(deadline)
    if moved is not None:
        # A change of a recorded deadline's day: a new version of its date, cited by this
        # sentence (the old day stays with the quotes that stated it, as superseded).
        values |= {
            "title": moved.title,
            "kind": moved.kind,
            "negotiation": moved.negotiation.slug if moved.negotiation else negotiation_key,
            "previous_date": moved.date,
            "description": moved.description,
        }
        found.add(
            Proposal(
                f"deadline:{moved.slug}:moved-to:{when}",
                proposals.DEADLINE,
                values,
                [Support(deadline.sentence.text, ("date",))],
                note=f"Moves {moved.title} from {moved.date.isoformat()} to {when}.",
                existing=moved.slug,
            )
        )
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


def moved_deadline(deadline):
    """The recorded deadline a sentence moves to another day ("a deadline moved from July
    8"): one set for the day it was moved from, of the same kind if several are."""
    window = deadline.moved_from.window if deadline.moved_from else None
    if window is None or deadline.date is None or deadline.date.window is None:
        return None
    from negotiations.models import Deadline

    candidates = list(Deadline.objects.filter(date=window.start).select_related("negotiation"))
    same_kind = [d for d in candidates if d.kind == deadline.kind]
    chosen = same_kind or candidates
    return chosen[0] if len(chosen) == 1 else None


def propose_position(found, position, negotiation_key, round_key, recorded):
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
