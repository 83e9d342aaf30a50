"""Agenda comparison: what was added, dropped or kept from one round to the next, on what
evidence, and where the sources disagree.

The rules, in one place for the API, the admin and the dashboard:

* Areas are compared by their canonical agenda area, never by the reported label, so a
  label that changes wording through an alias ("monetary policy" then "currency policy")
  is the same area, retained.
* Unknown is not empty: a round whose agenda no source reported is not compared, and it
  is skipped (reason ``agenda_not_reported``) when looking for the round to compare with.
  Cancelled rounds never took place: they are skipped too (``cancelled``).
* Which earlier round of the same negotiation a round is compared with:

  - a *held* round: the latest earlier *held* round whose agenda is reported. Planned and
    postponed rounds in between are skipped (``planned``, ``postponed``): their agenda was
    announced for a meeting that had not taken place. ``include_planned`` compares with
    them too.
  - any other round (planned, postponed or cancelled): the latest earlier round of any
    status but cancelled whose agenda is reported.

* The first reported agenda has nothing to compare with: its areas are
  ``first_reported``, never "added".
* Basis of each added, dropped or retained entry: ``stated`` when an editors' annotation
  of basis "stated", with a citation, reports that very change (same area, same kind) in
  so many words ("but with currency policy absent"); ``inferred`` when the change only
  follows from comparing the two lists.
* Disputes of each entry: the disagreements about either compared round that concern its
  area, and those about either round's agenda as a whole (topic "agenda", no area), each
  with every version and its citations. ``contested`` says whether any entry has one. A
  matrix cell without a change lists only the disagreements about its own area at its own
  round.
* An editors' annotation is returned only when its area *and* kind of change match the
  comparison's result.
* An agenda item mapped to no area (saved *unmapped*, or not mapped yet) cannot be compared
  by area, but it is never left out: each answer lists the unmapped items of both rounds
  (``unmapped.after`` for the round, ``unmapped.before`` for the one compared with), and
  the matrix lists them per round.
* What kind of list each agenda is (``agenda_basis`` of the rounds: discussed, scope
  agreed for later talks, announced before the round) travels with every answer: two
  agreed scopes compared say how the plans for later talks changed, not what either
  meeting discussed.
* With ``known_as_of``, everything is as the sources published by that day told it
  (negotiations.domain.known).

Every public function loads what it needs in a fixed number of queries, whatever the size
of the negotiation, and returns JSON-ready dicts.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, TypedDict

from django.db.models import F, Q, QuerySet

from negotiations.choices import (
    AgendaBasis,
    AgendaChange,
    AgendaStatus,
    AnnotationBasis,
    DatePrecision,
    DisagreementStatus,
    DisagreementTopic,
    RoundLevel,
    RoundStatus,
)
from negotiations.domain.agenda_lists import (
    ExcludedArea,
    excluded_area,
    exclusion_rows,
    list_disputes,
)
from negotiations.domain.citations import CitationRef, statements_of
from negotiations.domain.known import known, known_round_rows, known_rounds
from negotiations.domain.provenance import facet_state
from negotiations.domain.shapes import DATE, Doc, Slug
from negotiations.models import (
    AgendaArea,
    AgendaChangeAnnotation,
    AgendaExclusion,
    AgendaItem,
    AgendaItemArea,
    DisagreementClaim,
    Negotiation,
    Round,
)

FIRST_REPORTED = "first_reported"
CELL_CHANGES = (FIRST_REPORTED, *AgendaChange.values)
STATED, INFERRED = "stated", "inferred"
CHANGE_BASES = (STATED, INFERRED)

SKIP_UNKNOWN = "agenda_not_reported"
SKIP_CANCELLED = "cancelled"
SKIP_PLANNED = "planned"
SKIP_POSTPONED = "postponed"
SKIP_REASONS = (SKIP_UNKNOWN, SKIP_CANCELLED, SKIP_PLANNED, SKIP_POSTPONED)

REASON_OWN_UNKNOWN = "This round's agenda was not reported: its changes are unknown."
REASON_FIRST_REPORTED = "No earlier round to compare with: this is the first reported agenda."
REASON_BASIS_UNKNOWN = "The agenda of the round compared with was not reported: unknown."

PRESENT, ABSENT, EXCLUDED, UNKNOWN = "present", "absent", "excluded", "unknown"
CELL_STATES = (PRESENT, ABSENT, EXCLUDED, UNKNOWN)
NOT_HELD = {RoundStatus.PLANNED: SKIP_PLANNED, RoundStatus.POSTPONED: SKIP_POSTPONED}


class RoundNotKnown(LookupError):
    """A round asked about is not known as of the day asked (no source had reported it)."""


# The answers' shapes (negotiations.domain.shapes: the API documents them from these).


UNKNOWN_ON_THE_DAY = "Null as known on a day (known_as_of) when no source published by then "


class RoundRef(TypedDict):
    slug: Slug
    title: Annotated[str | None, Doc(UNKNOWN_ON_THE_DAY + "names the round.")]
    sequence: int
    negotiation: Slug
    level: Annotated[
        str | None, Doc(UNKNOWN_ON_THE_DAY + "gives its level.", choices=RoundLevel.choices)
    ]
    status: Annotated[
        str | None, Doc(UNKNOWN_ON_THE_DAY + "gives its status.", choices=RoundStatus.choices)
    ]
    start_date: Annotated[str | None, DATE]
    end_date: Annotated[str | None, DATE]
    date_precision: Annotated[
        str | None, Doc(UNKNOWN_ON_THE_DAY + "dates it.", choices=DatePrecision.choices)
    ]
    agenda_status: Annotated[str, Doc(choices=AgendaStatus.choices)]
    agenda_basis: Annotated[
        str | None,
        Doc(
            "What kind of list the agenda is: discussed at the round, scope agreed there for "
            "later talks, or announced before it; null when the agenda was not reported.",
            choices=AgendaBasis.choices,
        ),
    ]


class ReportedItem(TypedDict):
    item: Annotated[str, Doc("Slug of the agenda item.", format="slug")]
    label: Annotated[str, Doc("The label exactly as reported.")]
    citations: list[CitationRef]


class DisputeClaim(TypedDict):
    label: str
    claim: str
    citations: list[CitationRef]


class Dispute(TypedDict):
    slug: Annotated[str, Doc("The disagreement (conflicts/{slug}/).", format="slug")]
    title: str
    status: Annotated[str, Doc(choices=DisagreementStatus.choices)]
    topic: Annotated[str, Doc(choices=DisagreementTopic.choices)]
    round: Annotated[str, Doc("The round it is about.", format="slug")]
    area: Annotated[
        str | None,
        Doc("The area it is about; null: the round's agenda as a whole.", format="slug"),
    ]
    claims: Annotated[list[DisputeClaim], Doc("Every version, with its citations.")]
    computed: Annotated[
        bool,
        Doc(
            "true: computed from what the sources listed (a source's whole list leaves the "
            "area out, or says it was off, where another lists it); false: recorded by the "
            "editors (conflicts/{slug}/)."
        ),
    ]


DISPUTES_DOC = Doc(
    "Disagreements between sources about either compared round that concern this area, or "
    "that round's agenda as a whole."
)
AREA_DOC = Doc("Canonical agenda area.", format="slug")


UNMAPPED_DOC = Doc(
    "Agenda items mapped to no canonical area (saved as unmapped, or not mapped yet): they "
    "cannot be compared by area, so they are listed here rather than left out."
)


class FirstReportedArea(TypedDict):
    slug: Annotated[str, AREA_DOC]
    name: str
    after: Annotated[ReportedItem, Doc("As reported in round.")]
    disputes: Annotated[list[Dispute], DISPUTES_DOC]


class AreaChange(TypedDict):
    slug: Annotated[str, AREA_DOC]
    name: str
    before: Annotated[ReportedItem | None, Doc("As reported in compared_to.")]
    after: Annotated[ReportedItem | None, Doc("As reported in round.")]
    basis: Annotated[
        str,
        Doc(
            "stated: an editors' annotation cites a source that reports this change in so many "
            "words; inferred: it only follows from comparing the two lists.",
            choices=CHANGE_BASES,
        ),
    ]
    disputes: Annotated[list[Dispute], DISPUTES_DOC]


class SkippedRound(TypedDict):
    round: RoundRef
    reason: Annotated[
        str,
        Doc(
            "agenda_not_reported or cancelled: never a basis; planned or postponed: not held, "
            "so not what a held round is compared with (unless include_planned=true).",
            choices=SKIP_REASONS,
        ),
    ]


class Annotation(TypedDict):
    area: Slug
    change: Annotated[str, Doc(choices=AgendaChange.choices)]
    basis: Annotated[
        str,
        Doc(
            "stated: its citations report the change in so many words; editors_reading: "
            "context or a cause that no source links to the change.",
            choices=AnnotationBasis.choices,
        ),
    ]
    note: str
    citations: list[CitationRef]


class UnmappedItems(TypedDict):
    before: Annotated[list[ReportedItem], Doc("Items of compared_to's agenda mapped to no area.")]
    after: Annotated[list[ReportedItem], Doc("Items of round's agenda mapped to no area.")]


class AgendaChanges(TypedDict):
    round: RoundRef
    compared_to: Annotated[
        RoundRef | None,
        Doc(
            "The round compared with: for a held round, the latest earlier held round whose "
            "agenda is reported; otherwise the latest earlier one of any status."
        ),
    ]
    comparable: Annotated[bool, Doc("Whether both agendas are known.")]
    reason: Annotated[str, Doc("Why the answer is partial, if it is.")]
    skipped: Annotated[
        list[SkippedRound], Doc("Rounds passed over to find compared_to, latest first.")
    ]
    first_reported: Annotated[
        list[FirstReportedArea],
        Doc(
            "The areas of the first reported agenda, which has nothing to compare with "
            "(added, dropped and retained are then empty)."
        ),
    ]
    added: list[AreaChange]
    dropped: list[AreaChange]
    retained: list[AreaChange]
    unmapped: Annotated[UnmappedItems, UNMAPPED_DOC]
    excluded: Annotated[
        list[ExcludedArea],
        Doc(
            "Areas a source says were off the round's agenda (or the whole negotiation's), "
            "that it does not list: excluded (stated), not merely not listed."
        ),
    ]
    annotations: Annotated[list[Annotation], Doc("Editors' notes, cited.")]
    contested: Annotated[bool, Doc("Whether any entry has disputes.")]


# A RoundRef's columns: its fields (the negotiation by slug), with what the comparisons use.
ROUND_COLUMNS = {
    name: "negotiation__slug" if name == "negotiation" else name
    for name in RoundRef.__annotations__
}
ROUND_FIELDS = ("id", "negotiation_id", *ROUND_COLUMNS.values())


def round_ref(row: dict) -> RoundRef:
    ref = {name: row[column] for name, column in ROUND_COLUMNS.items()}
    for name in ("start_date", "end_date"):
        ref[name] = ref[name].isoformat() if ref[name] else None
    ref["agenda_basis"] = ref["agenda_basis"] or None  # no value is null (kept as "")
    return ref


# --- Which round a round is compared with --------------------------------------------------


def skip_reason(earlier: dict, row: dict, include_planned: bool = False) -> str | None:
    """Why ``earlier`` cannot be what ``row`` is compared with, or None if it can."""
    if earlier["status"] == RoundStatus.CANCELLED:
        return SKIP_CANCELLED
    if earlier["agenda_status"] != AgendaStatus.REPORTED:
        return SKIP_UNKNOWN
    if row["status"] == RoundStatus.HELD and not include_planned:
        return NOT_HELD.get(earlier["status"])
    return None


def comparison_bases(
    ordered_rows: list[dict], include_planned: bool = False
) -> list[tuple[dict | None, list[SkippedRound]]]:
    """For each round in sequence: the round it is compared with (None if none) and the
    rounds skipped on the way back to it, latest first, each with its reason."""
    bases = []
    for index, row in enumerate(ordered_rows):
        basis, skipped = None, []
        for earlier in reversed(ordered_rows[:index]):
            reason = skip_reason(earlier, row, include_planned)
            if reason is None:
                basis = earlier
                break
            skipped.append({"round": round_ref(earlier), "reason": reason})
        bases.append((basis, skipped))
    return bases


# --- Loading rounds and the evidence about their agendas -----------------------------------


def round_rows(rounds: QuerySet, known_as_of: datetime.date | None, *fields: str) -> list[dict]:
    """The ``.values(*fields)`` rows of some rounds (one query), as known on a day if given:
    rounds no source had reported by then are left out, the others adjusted."""
    if known_as_of is None:
        return list(rounds.values(*fields))
    rows = known_rounds(rounds, known_as_of).values(*fields, "agenda_known")
    return known_round_rows(list(rows), known_as_of)


@dataclass
class Evidence:
    """What the comparisons of some rounds rest on, by round id: reported agendas (area slug
    -> area name and the item reporting it), the items mapped to no area, the editors'
    annotations and the disputes."""

    agendas: dict[int, dict[str, dict]] = field(default_factory=dict)
    annotations: dict[int, list[Annotation]] = field(default_factory=dict)
    disputes: dict[int, list[Dispute]] = field(default_factory=dict)
    unmapped: dict[int, list[ReportedItem]] = field(default_factory=dict)
    # Exclusions by round id, and those of whole negotiations by negotiation id.
    round_exclusions: dict[int, list[ExcludedArea]] = field(default_factory=dict)
    negotiation_exclusions: dict[int, list[ExcludedArea]] = field(default_factory=dict)

    def agenda(self, row: dict | None) -> dict[str, dict]:
        return self.agendas.get(row["id"], {}) if row is not None else {}

    def exclusions(self, row: dict | None) -> list[ExcludedArea]:
        """The areas sources say were off ``row``'s agenda (its own, then its negotiation's)
        but for those its reported agenda lists. Of a round whose agenda is not reported,
        only its own: that an area is off the whole negotiation says nothing of an agenda
        nobody reported (unknown stays unknown), nor contradicts a list (no dispute)."""
        if row is None:
            return []
        reported = row["agenda_status"] == AgendaStatus.REPORTED
        listed = self.agenda(row) if reported else {}
        whole = self.negotiation_exclusions.get(row["negotiation_id"], ()) if reported else ()
        found: dict[str, ExcludedArea] = {}
        for entry in [*self.round_exclusions.get(row["id"], ()), *whole]:
            if entry["slug"] not in listed:
                found.setdefault(entry["slug"], entry)
        return sorted(found.values(), key=lambda entry: entry["name"])

    def unmapped_items(self, row: dict | None) -> list[ReportedItem]:
        if row is None or row["agenda_status"] != AgendaStatus.REPORTED:
            return []
        return self.unmapped.get(row["id"], [])

    def disputes_about(
        self, area: str, rows: Iterable[dict | None], agenda_wide: bool = True
    ) -> list[Dispute]:
        """The disputes about these rounds that concern ``area``, and those about their
        agenda as a whole (unless ``agenda_wide`` is false), by title."""
        found = {}
        for row in rows:
            if row is None:
                continue
            for dispute in self.disputes.get(row["id"], ()):
                if dispute["area"] == area or (agenda_wide and dispute["area"] is None):
                    found[dispute["slug"]] = dispute
        return sorted(found.values(), key=lambda dispute: (dispute["title"], dispute["slug"]))

    def basis(self, row: dict, area: str, change: str) -> str:
        stated = any(
            note["area"] == area
            and note["change"] == change
            and note["basis"] == AnnotationBasis.STATED
            and note["citations"]
            for note in self.annotations.get(row["id"], ())
        )
        return STATED if stated else INFERRED


def load_evidence(
    rows: list[dict],
    *,
    annotated_rounds: Iterable[int] = (),
    area_slug: str | None = None,
    known_as_of: datetime.date | None = None,
) -> Evidence:
    """The reported agendas, annotations (of ``annotated_rounds`` only), exclusions and
    disputes of some rounds (their rows: ROUND_FIELDS), in six queries whatever their number:
    the agenda items with their areas (only one area's links if ``area_slug`` is given; else
    every item, those mapped to no area included), the annotations, the exclusions, the
    disputes' claims, and what the citations of all of them and of the rounds themselves
    state (links, then quotes). Each item's label is the wording of the latest source by
    ``known_as_of``."""
    round_ids, annotated_rounds = [row["id"] for row in rows], list(annotated_rounds)
    if area_slug is not None:
        links = AgendaItemArea.objects.filter(round_id__in=round_ids, area__slug=area_slug)
        if known_as_of is not None:
            links = links.filter(item__in=known(AgendaItem.objects.all(), known_as_of))
        links = list(
            links.order_by("round_id", "item__order", "item_id", "area__name").values(
                "round_id",
                "item_id",
                item_slug=F("item__slug"),
                item_label=F("item__label"),
                area_slug=F("area__slug"),
                area_name=F("area__name"),
            )
        )
    else:
        # From the items, each with its areas (left join): an item with none is one row.
        items = known(AgendaItem.objects.filter(round_id__in=round_ids), known_as_of)
        links = list(
            items.order_by("round_id", "order", "id", "area_links__area__name").values(
                "round_id",
                item_id=F("id"),
                item_slug=F("slug"),
                item_label=F("label"),
                area_slug=F("area_links__area__slug"),
                area_name=F("area_links__area__name"),
            )
        )
    notes = []
    if annotated_rounds:
        note_rows = known(
            AgendaChangeAnnotation.objects.filter(round_id__in=annotated_rounds), known_as_of
        )
        if area_slug is not None:
            note_rows = note_rows.filter(area__slug=area_slug)
        notes = list(
            note_rows.order_by("round_id", "area__name", "-basis").values(
                "id", "round_id", "area__slug", "change", "basis", "note"
            )
        )
    exclusions = [
        exclusion
        for exclusion in exclusion_rows(round_ids)
        if area_slug is None or exclusion["area__slug"] == area_slug
    ]
    claims = dispute_claims(round_ids, area_slug, known_as_of)
    stated = statements_of(
        {
            AgendaItem: {link["item_id"] for link in links},
            AgendaChangeAnnotation: [note["id"] for note in notes],
            DisagreementClaim: [claim["id"] for claim in claims],
            AgendaExclusion: [exclusion["id"] for exclusion in exclusions],
            Round: round_ids,
        },
        known_as_of,
    )

    def cited(model, pk) -> list[CitationRef]:
        return [statement.citation for statement in stated[model].get(pk, [])]

    evidence = Evidence(defaultdict(dict), defaultdict(list), defaultdict(list), defaultdict(list))
    evidence.round_exclusions, evidence.negotiation_exclusions = (
        defaultdict(list),
        defaultdict(list),
    )
    item_statements: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for link in links:
        item_stated = stated[AgendaItem].get(link["item_id"], [])
        label = facet_state(
            AgendaItem, "label", item_stated, {"label": link["item_label"]}, known_as_of
        ).value
        reported: ReportedItem = {
            "item": link["item_slug"],
            "label": label["label"] if label else link["item_label"],
            "citations": [statement.citation for statement in item_stated],
        }
        if link["area_slug"] is None:
            evidence.unmapped[link["round_id"]].append(reported)
        else:
            evidence.agendas[link["round_id"]][link["area_slug"]] = {
                "name": link["area_name"],
                "reported": reported,
            }
            item_statements[link["round_id"]][link["area_slug"]].extend(item_stated)
    for note in notes:
        evidence.annotations[note["round_id"]].append(
            {
                "area": note["area__slug"],
                "change": note["change"],
                "basis": note["basis"],
                "note": note["note"],
                "citations": cited(AgendaChangeAnnotation, note["id"]),
            }
        )
    for exclusion in exclusions:
        citations = cited(AgendaExclusion, exclusion["id"])
        if known_as_of is not None and not citations:
            continue  # no source had said so yet
        entry = excluded_area(exclusion, citations)
        if exclusion["round_id"] is not None:
            evidence.round_exclusions[exclusion["round_id"]].append(entry)
        else:
            evidence.negotiation_exclusions[exclusion["negotiation_id"]].append(entry)
    disputes: dict[int, Dispute] = {}
    for claim in claims:
        dispute = disputes.get(claim["disagreement_id"])
        if dispute is None:
            dispute = disputes[claim["disagreement_id"]] = {
                "slug": claim["disagreement__slug"],
                "title": claim["disagreement__title"],
                "status": claim["disagreement__status"],
                "topic": claim["disagreement__topic"],
                "round": claim["disagreement__round__slug"],
                "area": claim["disagreement__area__slug"],
                "claims": [],
                "computed": False,
            }
            evidence.disputes[claim["disagreement__round_id"]].append(dispute)
        dispute["claims"].append(
            {
                "label": claim["label"],
                "claim": claim["claim"],
                "citations": cited(DisagreementClaim, claim["id"]),
            }
        )
    if known_as_of is not None:
        # A disagreement exists once two of its versions have been published.
        for round_id, found in evidence.disputes.items():
            evidence.disputes[round_id] = [d for d in found if len(d["claims"]) >= 2]
    for row in rows:
        if row["agenda_status"] != AgendaStatus.REPORTED:
            continue
        evidence.disputes[row["id"]].extend(
            list_disputes(
                row,
                evidence.agenda(row),
                item_statements[row["id"]],
                stated[Round].get(row["id"], []),
                evidence.exclusions({**row, "agenda_status": AgendaStatus.NOT_REPORTED}),
            )
        )
    return evidence


def dispute_claims(
    round_ids: list[int], area_slug: str | None, known_as_of: datetime.date | None
) -> list[dict]:
    """The claims of the disagreements that can bear on these rounds' agendas: about one of
    the rounds, and about an area or about the agenda as a whole (one query)."""
    concerns_agenda = Q(disagreement__topic=DisagreementTopic.AGENDA, disagreement__area=None)
    if area_slug is None:
        concerns_agenda |= Q(disagreement__area__isnull=False)
    else:
        concerns_agenda |= Q(disagreement__area__slug=area_slug)
    claims = DisagreementClaim.objects.filter(concerns_agenda, disagreement__round_id__in=round_ids)
    return list(
        known(claims, known_as_of)
        .order_by("disagreement__title", "disagreement_id", "label", "id")
        .values(
            "id",
            "label",
            "claim",
            "disagreement_id",
            "disagreement__slug",
            "disagreement__title",
            "disagreement__status",
            "disagreement__topic",
            "disagreement__round_id",
            "disagreement__round__slug",
            "disagreement__area__slug",
        )
    )


# --- Building the answers ------------------------------------------------------------------


def diff_agendas(before: dict[str, dict], after: dict[str, dict]) -> dict[str, list[str]]:
    """Pure comparison of two reported agendas (area slug -> area data): area slugs."""
    return {
        AgendaChange.ADDED: sorted(after.keys() - before.keys()),
        AgendaChange.DROPPED: sorted(before.keys() - after.keys()),
        AgendaChange.RETAINED: sorted(before.keys() & after.keys()),
    }


def matching_annotations(notes: list[Annotation], computed: set[tuple[str, str]]):
    """The annotations that explain this answer: same area and same kind of change."""
    return [note for note in notes if (note["area"], note["change"]) in computed]


def build_changes(
    round_row: dict,
    compared_row: dict | None,
    skipped: list[SkippedRound],
    evidence: Evidence,
) -> AgendaChanges:
    """Assemble one agenda-changes answer from rows already loaded."""
    result: AgendaChanges = {
        "round": round_ref(round_row),
        "compared_to": round_ref(compared_row) if compared_row else None,
        "comparable": False,
        "reason": "",
        "skipped": skipped,
        "first_reported": [],
        "added": [],
        "dropped": [],
        "retained": [],
        "unmapped": {
            "before": evidence.unmapped_items(compared_row),
            "after": evidence.unmapped_items(round_row),
        },
        "excluded": evidence.exclusions(round_row),
        "annotations": [],
        "contested": False,
    }
    if round_row["agenda_status"] != AgendaStatus.REPORTED:
        result["reason"] = REASON_OWN_UNKNOWN
        result["unmapped"]["before"] = []
        return result
    after = evidence.agenda(round_row)
    if compared_row is None:
        result["reason"] = REASON_FIRST_REPORTED
        result["first_reported"] = sorted(
            (
                {
                    "slug": slug,
                    "name": area["name"],
                    "after": area["reported"],
                    "disputes": evidence.disputes_about(slug, [round_row]),
                }
                for slug, area in after.items()
            ),
            key=lambda entry: entry["name"],
        )
    else:
        before = evidence.agenda(compared_row)
        result["comparable"] = True
        for change, slugs in diff_agendas(before, after).items():
            result[change] = sorted(
                (
                    {
                        "slug": slug,
                        "name": (after.get(slug) or before[slug])["name"],
                        "before": before[slug]["reported"] if slug in before else None,
                        "after": after[slug]["reported"] if slug in after else None,
                        "basis": evidence.basis(round_row, slug, change),
                        "disputes": evidence.disputes_about(slug, [round_row, compared_row]),
                    }
                    for slug in slugs
                ),
                key=lambda entry: entry["name"],
            )
        computed = {
            (entry["slug"], change) for change in AgendaChange.values for entry in result[change]
        }
        result["annotations"] = matching_annotations(
            evidence.annotations.get(round_row["id"], []), computed
        )
    result["contested"] = any(
        entry["disputes"] for key in (FIRST_REPORTED, *AgendaChange.values) for entry in result[key]
    )
    return result


def negotiation_rounds(negotiation_id: int, known_as_of: datetime.date | None = None):
    rounds = Round.objects.filter(negotiation_id=negotiation_id).order_by("sequence")
    return round_rows(rounds, known_as_of, *ROUND_FIELDS)


def round_agenda_changes(
    round: Round, *, known_as_of: datetime.date | None = None, include_planned: bool = False
) -> AgendaChanges:
    """Changes of a round's agenda against the round it is compared with (see the rules).

    Raises RoundNotKnown if no source had reported the round by ``known_as_of``."""
    rows = negotiation_rounds(round.negotiation_id, known_as_of)
    index = next((i for i, row in enumerate(rows) if row["id"] == round.pk), None)
    if index is None:
        raise RoundNotKnown(round.slug)
    compared, skipped = comparison_bases(rows[: index + 1], include_planned)[index]
    evidence = load_evidence(
        [rows[index], *([compared] if compared else [])],
        annotated_rounds=[round.pk],
        known_as_of=known_as_of,
    )
    return build_changes(rows[index], compared, skipped, evidence)


def change_note_mismatch(changes: AgendaChanges, area: AgendaArea, change: str) -> str | None:
    """Why an editors' note on ``change`` of ``area`` matches no change of the round whose
    agenda changes are ``changes`` (round_agenda_changes), or None if it matches one: a note
    is shown only beside the change it explains, so one that matches none would be saved and
    shown nowhere."""
    kind = dict(AgendaChange.choices).get(change, change).lower()
    if changes["round"]["agenda_status"] != AgendaStatus.REPORTED:
        return "This round's agenda is not reported: no change of it is known to explain."
    found = {
        entry["slug"]: key
        for key in (FIRST_REPORTED, *AgendaChange.values)
        for entry in changes[key]
    }
    if found.get(area.slug) == change:
        return None
    compared = changes["compared_to"]
    if compared is None:
        return (
            f"This round's agenda is the first reported one: nothing was {kind}; "
            f"{area.name} is {'first reported' if area.slug in found else 'not on it'}."
        )
    against = f"against {compared['title']}"
    if area.slug in found:
        return f"{area.name} was {found[area.slug]} {against}, not {kind}."
    return f"{area.name} is on neither this round's agenda nor that of {compared['title']}."


def compare_rounds(
    from_round: Round, to_round: Round, *, known_as_of: datetime.date | None = None
) -> AgendaChanges:
    """The same answer as round_agenda_changes for any two rounds, even across negotiations.

    Raises RoundNotKnown if either round is not known by ``known_as_of``."""
    ids = [from_round.pk, to_round.pk]
    rows = {
        row["id"]: row
        for row in round_rows(Round.objects.filter(pk__in=ids), known_as_of, *ROUND_FIELDS)
    }
    for round in (from_round, to_round):
        if round.pk not in rows:
            raise RoundNotKnown(round.slug)
    from_row, to_row = rows[from_round.pk], rows[to_round.pk]
    evidence = load_evidence(
        [from_row, to_row], annotated_rounds=[to_round.pk], known_as_of=known_as_of
    )
    if from_row["agenda_status"] != AgendaStatus.REPORTED:
        skipped: list[SkippedRound] = [{"round": round_ref(from_row), "reason": SKIP_UNKNOWN}]
        result = build_changes(to_row, None, skipped, evidence)
        # Nothing could be compared: no change, nothing first reported either.
        result.update(first_reported=[], contested=False)
        result["unmapped"]["before"] = []
        if to_row["agenda_status"] == AgendaStatus.REPORTED:
            result["reason"] = REASON_BASIS_UNKNOWN
        return result
    return build_changes(to_row, from_row, [], evidence)


def negotiation_agenda_changes(
    negotiation: Negotiation,
    *,
    known_as_of: datetime.date | None = None,
    include_planned: bool = False,
) -> list[AgendaChanges]:
    """Every round's changes, in sequence, for a whole negotiation: six queries in all."""
    rows = negotiation_rounds(negotiation.pk, known_as_of)
    ids = [row["id"] for row in rows]
    evidence = load_evidence(rows, annotated_rounds=ids, known_as_of=known_as_of)
    return [
        build_changes(row, compared, skipped, evidence)
        for row, (compared, skipped) in zip(
            rows, comparison_bases(rows, include_planned), strict=True
        )
    ]


# --- Areas x rounds ------------------------------------------------------------------------


def cell_of(area: str, row: dict, compared: dict | None, evidence: Evidence) -> dict:
    """One area at one round: on, off or unknown, the change it marks, and its evidence."""
    cell = {
        "round": row["slug"],
        "state": UNKNOWN,
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
    excluded = [entry for entry in evidence.exclusions(row) if entry["slug"] == area]
    if excluded:  # a source says it was off: known, whether a list was reported or not
        cell.update(state=EXCLUDED, exclusions=excluded)
    if row["agenda_status"] != AgendaStatus.REPORTED:
        return cell
    agenda = evidence.agenda(row)
    reported = agenda[area]["reported"] if area in agenda else None
    cell["state"] = PRESENT if reported else (EXCLUDED if excluded else ABSENT)
    if reported:
        cell.update(label=reported["label"], item=reported["item"], citations=reported["citations"])
    if compared is None:
        change = FIRST_REPORTED if reported else None
    else:
        was_on = area in evidence.agenda(compared)
        if reported:
            change = AgendaChange.RETAINED if was_on else AgendaChange.ADDED
        else:
            change = AgendaChange.DROPPED if was_on else None
    cell["change"] = change
    if change is None:
        cell["disputes"] = evidence.disputes_about(area, [row], agenda_wide=False)
    elif change == FIRST_REPORTED:
        cell["disputes"] = evidence.disputes_about(area, [row])
    else:
        cell["basis"] = evidence.basis(row, area, change)
        cell["disputes"] = evidence.disputes_about(area, [row, compared])
        cell["annotations"] = [
            note
            for note in evidence.annotations.get(row["id"], ())
            if note["area"] == area and note["change"] == change
        ]
        if change == AgendaChange.DROPPED:
            cell["before"] = evidence.agenda(compared)[area]["reported"]
    return cell


def matrix_from(
    rows: list[dict], evidence: Evidence, area_rows: list[dict], include_planned: bool = False
) -> dict[str, list[dict]]:
    """Areas x rounds cells of one negotiation's rounds (in sequence), by area slug."""
    bases = comparison_bases(rows, include_planned)
    return {
        area["slug"]: [
            cell_of(area["slug"], row, compared, evidence)
            for row, (compared, _) in zip(rows, bases, strict=True)
        ]
        for area in area_rows
    }


def matrix_answer(negotiation: Negotiation, rows, evidence, include_planned: bool) -> dict:
    area_slugs = {slug for agenda in evidence.agendas.values() for slug in agenda}
    area_slugs |= {entry["slug"] for row in rows for entry in evidence.exclusions(row)}
    area_rows = list(
        AgendaArea.objects.filter(slug__in=area_slugs).order_by("name").values("slug", "name")
    )
    cells = matrix_from(rows, evidence, area_rows, include_planned)
    return {
        "negotiation": negotiation.slug,
        "rounds": [round_ref(row) for row in rows],
        "areas": [{**area, "cells": cells[area["slug"]]} for area in area_rows],
        "unmapped": [
            {"round": row["slug"], "items": evidence.unmapped_items(row)}
            for row in rows
            if evidence.unmapped_items(row)
        ],
        "contested": any(cell["disputes"] for area_cells in cells.values() for cell in area_cells),
    }


def agenda_matrix(
    negotiation: Negotiation,
    *,
    known_as_of: datetime.date | None = None,
    include_planned: bool = False,
) -> dict:
    """Areas x rounds of one negotiation, ready for a heat map: seven queries."""
    rows = negotiation_rounds(negotiation.pk, known_as_of)
    ids = [row["id"] for row in rows]
    evidence = load_evidence(rows, annotated_rounds=ids, known_as_of=known_as_of)
    return matrix_answer(negotiation, rows, evidence, include_planned)


def agenda_story(
    negotiation: Negotiation,
    *,
    known_as_of: datetime.date | None = None,
    include_planned: bool = False,
) -> tuple[list[AgendaChanges], dict]:
    """negotiation_agenda_changes() and agenda_matrix() at once, from one load (seven
    queries): what a page showing both needs."""
    rows = negotiation_rounds(negotiation.pk, known_as_of)
    ids = [row["id"] for row in rows]
    evidence = load_evidence(rows, annotated_rounds=ids, known_as_of=known_as_of)
    changes = [
        build_changes(row, compared, skipped, evidence)
        for row, (compared, skipped) in zip(
            rows, comparison_bases(rows, include_planned), strict=True
        )
    ]
    return changes, matrix_answer(negotiation, rows, evidence, include_planned)


def area_negotiations(area: AgendaArea, known_as_of: datetime.date | None = None) -> QuerySet:
    """The negotiations in whose reported agendas the area ever appeared, by title: what
    the area's history is paginated over."""
    items = known(AgendaItem.objects.filter(area_links__area=area), known_as_of)
    rounds = Round.objects.filter(agenda_items__in=items)
    return Negotiation.objects.filter(pk__in=rounds.values("negotiation_id")).order_by(
        "title", "pk"
    )


def area_history(
    area: AgendaArea,
    negotiation_ids: list[int],
    *,
    known_as_of: datetime.date | None = None,
    include_planned: bool = False,
) -> dict:
    """The area round by round (on, off or unknown) in some of the negotiations where it
    appeared (a page of area_negotiations()), with its events: six queries."""
    rows = round_rows(
        Round.objects.filter(negotiation_id__in=negotiation_ids).order_by(
            "negotiation__title", "negotiation_id", "sequence"
        ),
        known_as_of,
        *ROUND_FIELDS,
        "negotiation__title",
    )
    ids = [row["id"] for row in rows]
    # Only this area's links, annotations and disputes: the cells need nothing else.
    evidence = load_evidence(
        rows, annotated_rounds=ids, area_slug=area.slug, known_as_of=known_as_of
    )
    by_negotiation: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_negotiation[row["negotiation_id"]].append(row)
    negotiations = []
    for negotiation_rows in by_negotiation.values():
        cells = matrix_from(negotiation_rows, evidence, [{"slug": area.slug}], include_planned)[
            area.slug
        ]
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
                    if cell["change"] in (FIRST_REPORTED, AgendaChange.ADDED, AgendaChange.DROPPED)
                ],
            }
        )
    return {
        "area": {"slug": area.slug, "name": area.name},
        "negotiations": negotiations,
        "contested": any(
            cell["disputes"] for negotiation in negotiations for cell in negotiation["rounds"]
        ),
    }
