"""The agenda-comparison rules as pure functions over plain rows, for naive.py and floor.py.

An independent re-implementation of negotiations/domain/agenda.py (the benchmark checks that
all three implementations give the same JSON, so a change to the rules shows up as a
mismatch instead of a silently unfair comparison). Nothing here touches a database.

A round row is a dict with an id, slug, title, sequence, negotiation (slug), level, status,
start_date, end_date (ISO strings or None), date_precision, agenda_status and agenda_basis.
The evidence about some rounds is a ``Facts``, each part by round id:

* ``agendas``: the reported agenda, area slug -> {"name", "reported": {item, label,
  citations}} (the last item reporting an area, in item order, wins);
* ``notes``: the editors' annotations {area, change, basis, note, citations}, by area name
  then basis descending ("stated" before "editors_reading");
* ``unmapped``: the agenda items mapped to no area, [{item, label, citations}] in item
  order;
* ``disputes``: the disagreements about the round, {slug, title, status, topic, round,
  area (slug or None), claims: [{label, claim, citations}] by label}. Only those about an
  area (any topic) or about the agenda as a whole (topic "agenda", no area) count here.

The rules:

* A round is compared with an earlier round of its negotiation, walking back from the
  latest: never a cancelled one, never one whose agenda was not reported; a held round is
  compared with held rounds only (planned and postponed ones are passed over), unless
  ``include_planned``. Every round passed over is listed with why, latest first.
* No round to compare with: the agenda is the first reported one, its areas are
  ``first_reported`` (not added).
* Every added, dropped or retained entry has a basis, "stated" when the round has an
  annotation of basis "stated", with at least one citation, about that very area and kind
  of change, else "inferred"; and its disputes: those about either round that concern its
  area or that round's agenda as a whole, once each, by title then slug.
* A matrix cell with no change lists only the disputes about its own area at its own round.
* Annotations come with an answer only when their area and kind of change are the answer's.
* Items mapped to no area are listed apart, for both rounds of an answer whose own agenda
  is reported ({"before": the compared round's, "after": the round's}), and in the matrix
  per reported round that has some.
"""

from dataclasses import dataclass, field

HELD = "held"
CANCELLED = "cancelled"
NOT_HELD = ("planned", "postponed")
REPORTED = "reported"
STATED, INFERRED = "stated", "inferred"
FIRST_REPORTED = "first_reported"
CHANGES = ("added", "dropped", "retained")
AGENDA_TOPIC = "agenda"

REASON_OWN_UNKNOWN = "This round's agenda was not reported: its changes are unknown."
REASON_FIRST_REPORTED = "No earlier round to compare with: this is the first reported agenda."

REF_KEYS = (
    "slug",
    "title",
    "sequence",
    "negotiation",
    "level",
    "status",
    "start_date",
    "end_date",
    "date_precision",
    "agenda_status",
    "agenda_basis",
)


@dataclass
class Facts:
    agendas: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    disputes: dict = field(default_factory=dict)
    unmapped: dict = field(default_factory=dict)
    # Areas said to be off: a round's own by round id, a whole negotiation's by its slug.
    round_exclusions: dict = field(default_factory=dict)
    negotiation_exclusions: dict = field(default_factory=dict)

    def agenda(self, row: dict | None) -> dict:
        return {} if row is None else self.agendas.get(row["id"], {})

    def exclusions(self, row: dict | None, own_only: bool = False) -> list[dict]:
        """The areas said to be off ``row``'s agenda and not on its reported list: its own,
        then (its agenda reported) its negotiation's, once per area, by name."""
        if row is None:
            return []
        whole = reported(row) and not own_only
        listed = self.agenda(row) if whole else {}
        found: dict = {}
        for entry in [
            *self.round_exclusions.get(row["id"], ()),
            *(self.negotiation_exclusions.get(row["negotiation"], ()) if whole else ()),
        ]:
            if entry["slug"] not in listed:
                found.setdefault(entry["slug"], entry)
        return sorted(found.values(), key=lambda entry: entry["name"])

    def unmapped_of(self, row: dict | None) -> list:
        return [] if row is None or not reported(row) else self.unmapped.get(row["id"], [])


def round_ref(row: dict) -> dict:
    ref = {key: row[key] for key in REF_KEYS}
    ref["agenda_basis"] = ref["agenda_basis"] or None  # no basis: null
    return ref


def reported(row: dict) -> bool:
    return row["agenda_status"] == REPORTED


# --- Which round a round is compared with ------------------------------------------------------


def passed_over(candidate: dict, row: dict, include_planned: bool = False) -> str | None:
    """Why ``candidate`` (an earlier round) is not what ``row`` is compared with, or None."""
    if candidate["status"] == CANCELLED:
        return "cancelled"
    if not reported(candidate):
        return "agenda_not_reported"
    if row["status"] == HELD and candidate["status"] in NOT_HELD and not include_planned:
        return candidate["status"]
    return None


def basis_of(row: dict, earlier: list[dict], include_planned: bool = False):
    """(the round compared with or None, [{round, reason}] passed over, latest first), for
    ``row`` and the rounds before it in sequence."""
    skipped = []
    for candidate in reversed(earlier):
        reason = passed_over(candidate, row, include_planned)
        if reason is None:
            return candidate, skipped
        skipped.append({"round": round_ref(candidate), "reason": reason})
    return None, skipped


def bases(rows: list[dict], include_planned: bool = False) -> list[tuple]:
    """basis_of() for every round of a negotiation, in sequence."""
    return [basis_of(row, rows[:index], include_planned) for index, row in enumerate(rows)]


# --- Evidence ----------------------------------------------------------------------------------


def disputes(facts: Facts, area: str, rows, agenda_wide: bool = True) -> list[dict]:
    found = {}
    for row in rows:
        if row is None:
            continue
        for dispute in facts.disputes.get(row["id"], ()):
            if not dispute["claims"]:
                continue  # a disagreement shows through its versions: none recorded, none shown
            if dispute["area"] == area or (
                agenda_wide and dispute["area"] is None and dispute["topic"] == AGENDA_TOPIC
            ):
                found[dispute["slug"]] = dispute
    return sorted(found.values(), key=lambda dispute: (dispute["title"], dispute["slug"]))


def notes_on(facts: Facts, row: dict, area: str, change: str) -> list[dict]:
    return [
        note
        for note in facts.notes.get(row["id"], ())
        if note["area"] == area and note["change"] == change
    ]


def basis(facts: Facts, row: dict, area: str, change: str) -> str:
    notes = notes_on(facts, row, area, change)
    return STATED if any(n["basis"] == STATED and n["citations"] for n in notes) else INFERRED


# --- Answers -----------------------------------------------------------------------------------


def changes(row: dict, compared: dict | None, skipped: list[dict], facts: Facts) -> dict:
    """One round's agenda changes (``skipped`` as basis_of() gives it)."""
    result = {
        "round": round_ref(row),
        "compared_to": round_ref(compared) if compared else None,
        "comparable": False,
        "reason": "",
        "skipped": skipped,
        "first_reported": [],
        "added": [],
        "dropped": [],
        "retained": [],
        "unmapped": {"before": [], "after": []},
        "excluded": facts.exclusions(row),
        "annotations": [],
        "contested": False,
    }
    if not reported(row):
        result["reason"] = REASON_OWN_UNKNOWN
        return result
    result["unmapped"] = {"before": facts.unmapped_of(compared), "after": facts.unmapped_of(row)}
    after = facts.agenda(row)
    if compared is None:
        result["reason"] = REASON_FIRST_REPORTED
        result["first_reported"] = sorted(
            (
                {
                    "slug": slug,
                    "name": area["name"],
                    "after": area["reported"],
                    "disputes": disputes(facts, slug, [row]),
                }
                for slug, area in after.items()
            ),
            key=lambda entry: entry["name"],
        )
    else:
        before = facts.agenda(compared)
        result["comparable"] = True
        kinds = {
            "added": after.keys() - before.keys(),
            "dropped": before.keys() - after.keys(),
            "retained": after.keys() & before.keys(),
        }
        for change, slugs in kinds.items():
            result[change] = sorted(
                (
                    {
                        "slug": slug,
                        "name": (after[slug] if slug in after else before[slug])["name"],
                        "before": before[slug]["reported"] if slug in before else None,
                        "after": after[slug]["reported"] if slug in after else None,
                        "basis": basis(facts, row, slug, change),
                        "disputes": disputes(facts, slug, [row, compared]),
                    }
                    for slug in sorted(slugs)
                ),
                key=lambda entry: entry["name"],
            )
        found = {(slug, change) for change, slugs in kinds.items() for slug in slugs}
        result["annotations"] = [
            note
            for note in facts.notes.get(row["id"], ())
            if (note["area"], note["change"]) in found
        ]
    result["contested"] = any(
        entry["disputes"] for key in (FIRST_REPORTED, *CHANGES) for entry in result[key]
    )
    return result


def cell(row: dict, compared: dict | None, area: str, facts: Facts) -> dict:
    """One areas x rounds cell: present / absent / unknown, the change it marks, evidence."""
    result = {
        "round": row["slug"],
        "state": "unknown",
        "change": None,
        "basis": None,
        "label": None,
        "item": None,
        "citations": [],
        "before": None,
        "annotations": [],
        "disputes": [],
        "exclusions": [],
    }
    excluded = [entry for entry in facts.exclusions(row) if entry["slug"] == area]
    if excluded:  # said to be off: known whether a list was reported or not
        result.update(state="excluded", exclusions=excluded)
    if not reported(row):
        return result
    now = facts.agenda(row).get(area)
    result["state"] = "present" if now else ("excluded" if excluded else "absent")
    if now:
        item = now["reported"]
        result.update(label=item["label"], item=item["item"], citations=item["citations"])
    if compared is None:
        change = FIRST_REPORTED if now else None
    else:
        then = facts.agenda(compared).get(area)
        change = ("retained" if then else "added") if now else ("dropped" if then else None)
    result["change"] = change
    if change is None:
        result["disputes"] = disputes(facts, area, [row], agenda_wide=False)
    elif change == FIRST_REPORTED:
        result["disputes"] = disputes(facts, area, [row])
    else:
        result["basis"] = basis(facts, row, area, change)
        result["disputes"] = disputes(facts, area, [row, compared])
        result["annotations"] = notes_on(facts, row, area, change)
        if change == "dropped":
            result["before"] = facts.agenda(compared)[area]["reported"]
    return result


def negotiation_changes(negotiation: dict, rows: list[dict], facts: Facts, include_planned=False):
    """/negotiations/{slug}/agenda-changes/: every round in sequence."""
    answers = [
        changes(row, compared, skipped, facts)
        for row, (compared, skipped) in zip(rows, bases(rows, include_planned), strict=True)
    ]
    return {
        "negotiation": negotiation,
        "changes": answers,
        "contested": any(answer["contested"] for answer in answers),
    }


def matrix(
    negotiation: str, rows: list[dict], areas: list[dict], facts: Facts, include_planned=False
) -> dict:
    """/negotiations/{slug}/agenda-matrix/; ``areas``: {slug, name} of every area on one of
    the agendas or said to be off, in name order (only those on an agenda or off one of
    these rounds are shown)."""
    shown = {slug for row in rows for slug in facts.agenda(row)}
    shown |= {entry["slug"] for row in rows for entry in facts.exclusions(row)}
    areas = [area for area in areas if area["slug"] in shown]
    found = bases(rows, include_planned)
    shaped = [
        {
            "slug": area["slug"],
            "name": area["name"],
            "cells": [
                cell(row, compared, area["slug"], facts)
                for row, (compared, _) in zip(rows, found, strict=True)
            ],
        }
        for area in areas
    ]
    return {
        "negotiation": negotiation,
        "rounds": [round_ref(row) for row in rows],
        "areas": shaped,
        "unmapped": [
            {"round": row["slug"], "items": facts.unmapped_of(row)}
            for row in rows
            if facts.unmapped_of(row)
        ],
        "contested": any(c["disputes"] for area in shaped for c in area["cells"]),
    }


def history_negotiation(
    negotiation: dict, rows: list[dict], area: str, facts: Facts, include_planned=False
) -> dict:
    """One negotiation's part of an area history."""
    cells = [
        cell(row, compared, area, facts)
        for row, (compared, _) in zip(rows, bases(rows, include_planned), strict=True)
    ]
    return {
        "negotiation": negotiation,
        "rounds": [{**c, "round": round_ref(row)} for row, c in zip(rows, cells, strict=True)],
        "events": [
            {"round": row["slug"], "change": c["change"]}
            for row, c in zip(rows, cells, strict=True)
            if c["change"] in (FIRST_REPORTED, "added", "dropped")
        ],
    }


def history(area: dict, page: dict, negotiations: list[dict]) -> dict:
    """/agenda-areas/{slug}/history/: ``page`` has count, next and previous (links to pages
    of negotiations); ``negotiations`` are history_negotiation() answers."""
    return {
        "area": area,
        "count": page["count"],
        "next": page["next"],
        "previous": page["previous"],
        "negotiations": negotiations,
        "contested": any(c["disputes"] for n in negotiations for c in n["rounds"]),
    }
