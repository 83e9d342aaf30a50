"""Agenda comparison: what was added, dropped or kept from one round to the next.

The rules, in one place for the API, the admin and the dashboard:

* Areas are compared by their canonical agenda area, never by the reported label, so a
  label that changes wording through an alias ("monetary policy" then "currency policy")
  is the same area, retained.
* A round whose agenda no source reported has an *unknown* agenda, never an empty one: it
  is not compared, and it is skipped (and named) when looking for the previous round.
* Cancelled rounds never took place, so they are skipped as a basis for comparison too.
* "Previous" means the latest round of the same negotiation with a lower sequence.
* The first reported agenda has nothing to compare with. The API reports its areas as
  added relative to nothing (``compared_to`` null, ``comparable`` false, every area in
  ``added``; matrix cells and area histories mark them "added"). Readers meant for people
  ask ``is_first_reported()`` and present them as the first reported agenda instead.
* An editors' annotation is returned only when its area *and* change kind match the
  comparison's result: an annotation explaining why an area was added is never shown next
  to an answer where that area was retained, or where nothing could be compared.

Every public function loads what it needs in a fixed number of queries, whatever the size
of the negotiation, and returns JSON-ready dicts.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import TypedDict

from negotiations.choices import AgendaChange, AgendaStatus, RoundStatus
from negotiations.domain.citations import CitationData, citations_of
from negotiations.models import (
    AgendaArea,
    AgendaChangeAnnotation,
    AgendaItem,
    AgendaItemArea,
    Negotiation,
    Round,
)


class RoundRef(TypedDict):
    slug: str
    title: str
    sequence: int
    negotiation: str
    level: str
    status: str
    start_date: str | None
    end_date: str | None
    date_precision: str
    agenda_status: str


class ReportedItem(TypedDict):
    item: str
    label: str
    citations: list[CitationData]


class AreaChange(TypedDict):
    slug: str
    name: str
    before: ReportedItem | None
    after: ReportedItem | None


class SkippedRound(TypedDict):
    round: RoundRef
    reason: str


class Annotation(TypedDict):
    area: str
    change: str
    note: str
    citations: list[CitationData]


class AgendaChanges(TypedDict):
    round: RoundRef
    compared_to: RoundRef | None
    comparable: bool
    reason: str
    skipped: list[SkippedRound]
    added: list[AreaChange]
    dropped: list[AreaChange]
    retained: list[AreaChange]
    annotations: list[Annotation]


ROUND_FIELDS = (
    "id",
    "slug",
    "title",
    "sequence",
    "negotiation_id",
    "negotiation__slug",
    "level",
    "status",
    "start_date",
    "end_date",
    "date_precision",
    "agenda_status",
)

SKIP_UNKNOWN = "agenda_not_reported"
SKIP_CANCELLED = "cancelled"

REASON_OWN_UNKNOWN = "This round's agenda was not reported: its changes are unknown."
REASON_FIRST_REPORTED = "No earlier round with a reported agenda: every area is new."
REASON_BASIS_UNKNOWN = "The agenda of the round compared with was not reported: unknown."


def round_ref(row: dict) -> RoundRef:
    return {
        "slug": row["slug"],
        "title": row["title"],
        "sequence": row["sequence"],
        "negotiation": row["negotiation__slug"],
        "level": row["level"],
        "status": row["status"],
        "start_date": row["start_date"].isoformat() if row["start_date"] else None,
        "end_date": row["end_date"].isoformat() if row["end_date"] else None,
        "date_precision": row["date_precision"],
        "agenda_status": row["agenda_status"],
    }


def skip_reason(row: dict) -> str | None:
    """Why a round cannot serve as the basis of a comparison, or None if it can."""
    if row["status"] == RoundStatus.CANCELLED:
        return SKIP_CANCELLED
    if row["agenda_status"] != AgendaStatus.REPORTED:
        return SKIP_UNKNOWN
    return None


def load_agendas(
    round_ids: Iterable[int], *, annotated_rounds: Iterable[int] = (), area_slug: str | None = None
) -> tuple[dict[int, dict[str, dict]], dict[int, list[Annotation]]]:
    """Reported agendas of rounds (round id -> area slug -> area and item data) and the
    editors' annotations of some rounds (round id -> annotations).

    Three queries whatever the number of rounds: the item-area links (only one area's if
    ``area_slug`` is given), the annotations, and the citations of both.
    """
    links = AgendaItemArea.objects.filter(round_id__in=list(round_ids))
    if area_slug is not None:
        links = links.filter(area__slug=area_slug)
    links = list(
        links.order_by("round_id", "item__order", "item_id", "area__name").values(
            "round_id", "area__slug", "area__name", "item_id", "item__slug", "item__label"
        )
    )
    annotated_rounds = list(annotated_rounds)
    notes = (
        list(
            AgendaChangeAnnotation.objects.filter(round_id__in=annotated_rounds)
            .order_by("round_id", "area__name")
            .values("id", "round_id", "area__slug", "change", "note")
        )
        if annotated_rounds
        else []
    )
    cited = citations_of(
        {
            AgendaItem: {link["item_id"] for link in links},
            AgendaChangeAnnotation: [note["id"] for note in notes],
        }
    )
    agendas: dict[int, dict[str, dict]] = defaultdict(dict)
    for link in links:
        agendas[link["round_id"]][link["area__slug"]] = {
            "name": link["area__name"],
            "reported": {
                "item": link["item__slug"],
                "label": link["item__label"],
                "citations": cited[AgendaItem].get(link["item_id"], []),
            },
        }
    annotations: dict[int, list[Annotation]] = defaultdict(list)
    for note in notes:
        annotations[note["round_id"]].append(
            {
                "area": note["area__slug"],
                "change": note["change"],
                "note": note["note"],
                "citations": cited[AgendaChangeAnnotation].get(note["id"], []),
            }
        )
    return agendas, annotations


def diff_agendas(before: dict[str, dict], after: dict[str, dict]) -> dict[str, list[AreaChange]]:
    """Pure comparison of two reported agendas (area slug -> area data)."""

    def entry(slug: str) -> AreaChange:
        known = after.get(slug) or before[slug]
        return {
            "slug": slug,
            "name": known["name"],
            "before": before[slug]["reported"] if slug in before else None,
            "after": after[slug]["reported"] if slug in after else None,
        }

    def by_name(slugs):
        return sorted((entry(slug) for slug in slugs), key=lambda change: change["name"])

    return {
        AgendaChange.ADDED: by_name(after.keys() - before.keys()),
        AgendaChange.DROPPED: by_name(before.keys() - after.keys()),
        AgendaChange.RETAINED: by_name(before.keys() & after.keys()),
    }


def matching_annotations(notes: list[Annotation], result: AgendaChanges) -> list[Annotation]:
    """The annotations that explain this answer: same area and same kind of change."""
    computed = {
        (change["slug"], kind)
        for kind in (AgendaChange.ADDED, AgendaChange.DROPPED, AgendaChange.RETAINED)
        for change in result[kind]
    }
    return [note for note in notes if (note["area"], note["change"]) in computed]


def build_changes(
    round_row: dict,
    compared_row: dict | None,
    skipped: list[dict],
    agendas: dict[int, dict[str, dict]],
    annotations: dict[int, list[Annotation]],
) -> AgendaChanges:
    """Assemble one agenda-changes answer from rows already loaded."""
    result: AgendaChanges = {
        "round": round_ref(round_row),
        "compared_to": round_ref(compared_row) if compared_row else None,
        "comparable": False,
        "reason": "",
        "skipped": [{"round": round_ref(row), "reason": skip_reason(row) or ""} for row in skipped],
        "added": [],
        "dropped": [],
        "retained": [],
        "annotations": [],
    }
    own_reason = skip_reason(round_row)
    if own_reason == SKIP_UNKNOWN:
        result["reason"] = REASON_OWN_UNKNOWN
        return result
    if compared_row is None:
        result["reason"] = REASON_FIRST_REPORTED
        result["added"] = diff_agendas({}, agendas.get(round_row["id"], {}))[AgendaChange.ADDED]
    else:
        changes = diff_agendas(
            agendas.get(compared_row["id"], {}), agendas.get(round_row["id"], {})
        )
        result.update(
            comparable=True,
            added=changes[AgendaChange.ADDED],
            dropped=changes[AgendaChange.DROPPED],
            retained=changes[AgendaChange.RETAINED],
        )
    result["annotations"] = matching_annotations(annotations.get(round_row["id"], []), result)
    return result


def is_first_reported(changes: AgendaChanges) -> bool:
    """Whether an answer is about the first reported agenda, with nothing earlier to compare.

    Its areas are in ``added`` (relative to nothing, as the API documents); a page for
    people should list them as the first reported agenda, not as additions.
    """
    return changes["compared_to"] is None and changes["reason"] == REASON_FIRST_REPORTED


def comparison_bases(ordered_rows: list[dict]) -> list[tuple[dict | None, list[dict]]]:
    """For each round in sequence: the latest earlier round usable as a basis of comparison,
    and the rounds skipped on the way back to it (latest first). One pass over the rounds."""
    bases = []
    basis, skipped_since = None, []
    for row in ordered_rows:
        bases.append((basis, list(reversed(skipped_since))))
        if skip_reason(row) is None:
            basis, skipped_since = row, []
        else:
            skipped_since.append(row)
    return bases


def negotiation_rounds(negotiation_id: int) -> list[dict]:
    return list(
        Round.objects.filter(negotiation_id=negotiation_id)
        .order_by("sequence")
        .values(*ROUND_FIELDS)
    )


def round_agenda_changes(round: Round) -> AgendaChanges:
    """Changes of a round's agenda against the previous round whose agenda is known."""
    rows = negotiation_rounds(round.negotiation_id)
    index = next(i for i, row in enumerate(rows) if row["id"] == round.pk)
    compared, skipped = comparison_bases(rows)[index]
    ids = [round.pk] + ([compared["id"]] if compared else [])
    return build_changes(rows[index], compared, skipped, *load_agendas(ids, annotated_rounds=ids))


def compare_rounds(from_round: Round, to_round: Round) -> AgendaChanges:
    """The same answer as round_agenda_changes for any two rounds, even across negotiations."""
    rows = {
        row["id"]: row
        for row in Round.objects.filter(pk__in=[from_round.pk, to_round.pk]).values(*ROUND_FIELDS)
    }
    from_row, to_row = rows[from_round.pk], rows[to_round.pk]
    ids = [from_round.pk, to_round.pk]
    agendas, annotations = load_agendas(ids, annotated_rounds=[to_round.pk])
    if skip_reason(from_row) == SKIP_UNKNOWN:
        result = build_changes(to_row, None, [from_row], agendas, annotations)
        result["reason"] = REASON_BASIS_UNKNOWN
        # Nothing could be compared: no change, so no annotation explains one.
        result["added"], result["annotations"] = [], []
        return result
    return build_changes(to_row, from_row, [], agendas, annotations)


def negotiation_agenda_changes(negotiation: Negotiation) -> list[AgendaChanges]:
    """Every round's changes, in sequence, for a whole negotiation: five queries in all."""
    rows = negotiation_rounds(negotiation.pk)
    ids = [row["id"] for row in rows]
    agendas, annotations = load_agendas(ids, annotated_rounds=ids)
    return [
        build_changes(row, compared, skipped, agendas, annotations)
        for row, (compared, skipped) in zip(rows, comparison_bases(rows), strict=True)
    ]


PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"


def matrix_from(rows: list[dict], agendas: dict[int, dict[str, dict]], area_rows: list[dict]):
    """Areas x rounds cells (present / absent / unknown) with the change each cell marks."""
    bases = comparison_bases(rows)
    cells_by_area: dict[str, list[dict]] = {}
    for area in area_rows:
        cells = []
        for row, (compared, _) in zip(rows, bases, strict=True):
            reason = skip_reason(row)
            agenda = agendas.get(row["id"], {})
            if reason == SKIP_UNKNOWN:
                state, change, reported = UNKNOWN, None, None
            else:
                state = PRESENT if area["slug"] in agenda else ABSENT
                reported = agenda[area["slug"]]["reported"] if state == PRESENT else None
                before = agendas.get(compared["id"], {}) if compared else None
                if before is None:
                    change = AgendaChange.ADDED if state == PRESENT else None
                elif state == PRESENT:
                    change = AgendaChange.RETAINED if area["slug"] in before else AgendaChange.ADDED
                else:
                    change = AgendaChange.DROPPED if area["slug"] in before else None
            cells.append(
                {
                    "round": row["slug"],
                    "state": state,
                    "change": change,
                    "label": reported["label"] if reported else None,
                    "item": reported["item"] if reported else None,
                    "citations": reported["citations"] if reported else [],
                }
            )
        cells_by_area[area["slug"]] = cells
    return cells_by_area


def agenda_matrix(negotiation: Negotiation) -> dict:
    """Areas x rounds of one negotiation, ready for a heat map."""
    rows = negotiation_rounds(negotiation.pk)
    agendas, _ = load_agendas(row["id"] for row in rows)
    area_slugs = {slug for agenda in agendas.values() for slug in agenda}
    area_rows = list(
        AgendaArea.objects.filter(slug__in=area_slugs).order_by("name").values("slug", "name")
    )
    cells = matrix_from(rows, agendas, area_rows)
    return {
        "negotiation": negotiation.slug,
        "rounds": [round_ref(row) for row in rows],
        "areas": [{**area, "cells": cells[area["slug"]]} for area in area_rows],
    }


def area_history(area: AgendaArea) -> dict:
    """Every round of every negotiation where the area ever appeared: on, off or unknown."""
    negotiation_ids = list(
        AgendaItemArea.objects.filter(area=area)
        .values_list("round__negotiation_id", flat=True)
        .distinct()
    )
    rows = list(
        Round.objects.filter(negotiation_id__in=negotiation_ids)
        .order_by("negotiation__title", "negotiation_id", "sequence")
        .values(*ROUND_FIELDS, "negotiation__title")
    )
    # Only this area's links: the cells need to know whether the area was on each agenda.
    agendas, _ = load_agendas((row["id"] for row in rows), area_slug=area.slug)
    area_row = {"slug": area.slug, "name": area.name}
    negotiations = []
    by_negotiation: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_negotiation[row["negotiation_id"]].append(row)
    for negotiation_rows in by_negotiation.values():
        cells = matrix_from(negotiation_rows, agendas, [area_row])[area.slug]
        negotiations.append(
            {
                "negotiation": {
                    "slug": negotiation_rows[0]["negotiation__slug"],
                    "title": negotiation_rows[0]["negotiation__title"],
                },
                "rounds": [
                    {**cell, "round": round_ref(row)}
                    for row, cell in zip(negotiation_rows, cells, strict=True)
                ],
                "events": [
                    {"round": row["slug"], "change": cell["change"]}
                    for row, cell in zip(negotiation_rows, cells, strict=True)
                    if cell["change"] in (AgendaChange.ADDED, AgendaChange.DROPPED)
                ],
            }
        )
    return {"area": area_row, "negotiations": negotiations}
