"""The data of one dashboard page, loaded in a fixed number of queries whatever the data size.

The agenda logic lives in negotiations.domain.agenda and the deadline arithmetic in
negotiations.domain.deadlines; this module only loads, joins and labels their answers for
the templates. Query budget, independent of the number of rounds, items or citations:

* 3  the picker: how many negotiations match its search, one page of them (with their
     round counts and latest rounds), and their parties
* 1  the negotiation shown (2 when the Korea–US talks are not recorded)
* 1  rounds of the selected negotiation (places, dates as reported, ids for admin links)
* 7  agenda_story(): every round's changes and the matrix (rounds, agenda links,
     annotations, dispute claims, citation links, citations, areas)
* 1  deadlines
* 1  sources behind the page
* 4  disagreements, their claims, the claims' citation links and citations
* 1  with known_as_of: how many sources the day could and could not use
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Max, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from negotiations import models
from negotiations.choices import (
    AgendaBasis,
    AgendaChange,
    AgendaStatus,
    AnnotationBasis,
    DeadlineKind,
    DisagreementStatus,
    NegotiationStatus,
    RoundLevel,
    RoundStatus,
)
from negotiations.dashboard.timeline import (
    CALLED_OFF,
    SHORT_LEVEL_LABELS,
    build_timeline,
    date_label,
)
from negotiations.domain.agenda import (
    ABSENT,
    EXCLUDED,
    FIRST_REPORTED,
    INFERRED,
    PRESENT,
    ROUND_FIELDS,
    SKIP_CANCELLED,
    SKIP_PLANNED,
    SKIP_POSTPONED,
    SKIP_UNKNOWN,
    STATED,
    UNKNOWN,
    agenda_story,
    cell_of,
    comparison_bases,
    load_evidence,
    negotiation_rounds,
    round_agenda_changes,
    round_ref,
    round_rows,
)
from negotiations.domain.citations import citations_for
from negotiations.domain.deadlines import DUE_TODAY, PASSED, deadline_status
from negotiations.domain.known import known, known_records, known_rows, published_by
from negotiations.domain.known import summary as known_summary

FIRST_REPORTED_TEXT = "The first reported agenda: nothing earlier to compare with."

# The rounds' columns: those of the agenda comparisons, and where and when as reported.
ROUND_VALUES = (*ROUND_FIELDS, "date_as_reported", "date_note", "city", "country")

SKIP_TEXTS = {
    SKIP_UNKNOWN: "its agenda was not reported",
    SKIP_CANCELLED: "it was cancelled",
    SKIP_PLANNED: "it was planned, not held: a held round is compared with held rounds",
    SKIP_POSTPONED: "it was postponed, not held: a held round is compared with held rounds",
}

STATE_TEXT = {
    PRESENT: ("●", "On the agenda"),
    ABSENT: ("–", "Not on the agenda"),
    EXCLUDED: ("×", "Excluded: a source says it was off the agenda"),
    UNKNOWN: ("?", "Agenda not reported"),
}

CHANGE_TEXT = {
    FIRST_REPORTED: ("", ""),
    AgendaChange.ADDED: ("+", "Added"),
    AgendaChange.DROPPED: ("−", "Dropped"),
    AgendaChange.RETAINED: ("", ""),
}

# Every path from a citation to a fact of one negotiation: the sources behind the page.
CITED_FACT_PATHS = (
    "negotiations",
    "rounds__negotiation",
    "participants__round__negotiation",
    "agenda_items__round__negotiation",
    "agenda_change_annotations__round__negotiation",
    "deadlines__negotiation",
    "measures__negotiation",
    "positions__negotiation",
    "disagreement_claims__disagreement__negotiation",
)

LEVEL_NAMES = dict(RoundLevel.choices)
ROUND_STATUS_NAMES = dict(RoundStatus.choices)
NEGOTIATION_STATUS_NAMES = dict(NegotiationStatus.choices)
DEADLINE_KIND_NAMES = dict(DeadlineKind.choices)
DISAGREEMENT_STATUS_NAMES = dict(DisagreementStatus.choices)


def admin_url(model_name: str, pk: int) -> str:
    return reverse(f"admin:negotiations_{model_name}_change", args=[pk])


def api_url(basename: str, slug: str) -> str:
    return reverse(f"api:{basename}-detail", kwargs={"slug": slug})


# --- The negotiation -----------------------------------------------------------------------


PICKER_PAGE_SIZE = 8


def find_negotiations(q: str = "", status: str = "") -> QuerySet:
    """The picker's search: negotiations by title, party (name, code or alias) and status;
    active ones first, then those whose latest round is the most recent, then by title."""
    found = models.Negotiation.objects.all()
    if q:
        matches = (
            Q(title__icontains=q)
            | Q(parties__name__icontains=q)
            | Q(parties__code__iexact=q)
            | Q(parties__aliases__name__icontains=q)
        )
        found = found.filter(pk__in=models.Negotiation.objects.filter(matches).values("pk"))
    if status:
        found = found.filter(status=status)
    return found.annotate(
        round_count=Count("rounds", distinct=True),
        latest_round=Max("rounds__start_date"),
        is_active=Case(When(status=NegotiationStatus.ACTIVE, then=0), default=1),
    ).order_by("is_active", F("latest_round").desc(nulls_last=True), "title", "pk")


def picker_page(q: str = "", status: str = "", page: int = 1) -> dict:
    """One page of the picker (three queries: the count, the page, its parties)."""
    parties = Prefetch("parties", queryset=models.Party.objects.order_by("code"))
    paginator = Paginator(find_negotiations(q, status).prefetch_related(parties), PICKER_PAGE_SIZE)
    number = min(max(page, 1), paginator.num_pages)
    current = paginator.page(number)
    rows = list(current.object_list)
    for row in rows:
        row.status_name = NEGOTIATION_STATUS_NAMES.get(row.status, row.status)
        row.party_codes = ", ".join(party.code for party in row.parties.all())
    return {
        "results": rows,
        "count": paginator.count,
        "number": number,
        "num_pages": paginator.num_pages,
        "has_previous": current.has_previous(),
        "has_next": current.has_next(),
    }


def pick_negotiation(slug: str | None) -> models.Negotiation | None:
    """The negotiation named in the URL (404 if unknown); else the DASHBOARD_NEGOTIATION
    setting's, if recorded; else the one with the most rounds; None when there is none at
    all (one or two queries)."""
    if slug is not None:
        found = models.Negotiation.objects.filter(slug=slug).first()
        if found is None:
            raise Http404(f"No negotiation {slug!r}.")
        return found
    if settings.DASHBOARD_NEGOTIATION:
        found = models.Negotiation.objects.filter(slug=settings.DASHBOARD_NEGOTIATION).first()
        if found is not None:
            return found
    return (
        models.Negotiation.objects.annotate(round_count=Count("rounds"))
        .order_by("-round_count", "pk")
        .first()
    )


# --- Rounds, deadlines and the timeline ----------------------------------------------------


def round_place(row: dict) -> str:
    return ", ".join(part for part in (row["city"], row["country"]) if part)


def load_rounds(
    negotiation: models.Negotiation, known_as_of: datetime.date | None = None
) -> list[dict]:
    rounds = models.Round.objects.filter(negotiation=negotiation).order_by("sequence")
    rows = round_rows(rounds, known_as_of, *ROUND_VALUES)
    for row in rows:
        place = round_place(row)
        row.update(
            label=row["city"] or f"Round {row['sequence']}",
            place=place,
            date_text=date_label(row["start_date"], row["end_date"], row["date_precision"]),
            # A level no source had stated by the day asked for is said so, never "None".
            level_name=LEVEL_NAMES.get(row["level"], row["level"]) or "level not reported",
            level_short=SHORT_LEVEL_LABELS.get(row["level"], row["level"]) or "level unknown",
            status_name=ROUND_STATUS_NAMES.get(row["status"], row["status"]),
            planned=row["status"] == RoundStatus.PLANNED,
            called_off=row["status"] in CALLED_OFF,
            agenda_known=row["agenda_status"] == AgendaStatus.REPORTED,
            exact=row["date_precision"] == "day",
            api_url=api_url("round", row["slug"]),
            admin_url=admin_url("round", row["id"]),
        )
    return rows


def days_text(days: int, status: str) -> str:
    if status == DUE_TODAY:
        return "due today" if days == 0 else "window open now"
    if status == PASSED:
        return f"passed {-days} day{'' if days == -1 else 's'} ago"
    return f"{days} day{'' if days == 1 else 's'} to go"


def days_unit(days: int, status: str) -> str:
    if status == DUE_TODAY:
        return "due today" if days == 0 else "window open"
    plural = "" if abs(days) == 1 else "s"
    return f"day{plural} ago" if status == PASSED else f"day{plural} to go"


def load_deadlines(
    negotiation: models.Negotiation, as_of: datetime.date, known_as_of: datetime.date | None
) -> list[dict]:
    rows = list(
        known(models.Deadline.objects.filter(negotiation=negotiation), known_as_of)
        .order_by("date", "pk")
        .values(
            "id",
            "slug",
            "title",
            "kind",
            "date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "description",
        )
    )
    if known_as_of is not None:
        # Each value as the sources published by then gave it (8 July was "July" on 24
        # April); a deadline whose date no source had given yet is left out of the page.
        rows = [row for row in known_rows(models.Deadline, rows, known_as_of) if row["date"]]
        rows.sort(key=lambda row: (row["date"], row["id"]))
    for row in rows:
        status = deadline_status(row["date"], row["end_date"], as_of)
        title = row["title"] or "A deadline"
        row.update(
            status,
            short_title=title if len(title) <= 40 else f"{title[:38]}…",
            kind_name=DEADLINE_KIND_NAMES.get(row["kind"], row["kind"]),
            date_text=date_label(row["date"], row["end_date"], row["date_precision"]),
            days_abs=abs(status["days_remaining"]),
            days_label=days_text(status["days_remaining"], status["status"]),
            days_unit=days_unit(status["days_remaining"], status["status"]),
            api_url=api_url("deadline", row["slug"]),
            admin_url=admin_url("deadline", row["id"]),
        )
    return rows


# --- The agenda ----------------------------------------------------------------------------

BASIS_TEXT = {
    STATED: "Stated by a source",
    INFERRED: "Inferred from the two lists",
}
ANNOTATION_BASIS_TEXT = {
    AnnotationBasis.STATED: "Reported",
    AnnotationBasis.EDITORS_READING: "Editors\u2019 reading",
}
AGENDA_BASIS_TEXT = {
    AgendaBasis.DISCUSSED: "discussed at the round",
    AgendaBasis.AGREED_SCOPE: "scope agreed for later talks",
    AgendaBasis.ANNOUNCED: "announced before the round",
}


def quote_line(citation: dict) -> str:
    return f"\u201c{citation['quote']}\u201d ({citation.get('by') or citation['source']})"


def dispute_lines(disputes: list[dict]) -> list[str]:
    lines = []
    for dispute in disputes:
        lines.append(f"Disputed: {dispute['title']}")
        for claim in dispute["claims"]:
            attribution = f" ({claim['sources_text']})" if claim["sources_text"] else ""
            lines.append(f"  {claim['label']}. {claim['claim']}{attribution}")
    return lines


def cell_description(area: str, column: dict, cell: dict) -> str:
    """The plain-text tooltip of a matrix cell."""
    where = f"{area} at {column['title']} ({column['date_text']})"
    if cell["state"] == UNKNOWN:
        return f"{where}: unknown, no source reported this round's agenda."
    lines = []
    if cell["state"] == EXCLUDED:
        lines.append(f"{where}: excluded, a source says it was off the agenda.")
        lines.extend(exclusion_line(entry) for entry in cell["exclusions"])
    elif cell["state"] == PRESENT:
        lines.append(f"{where}: on the agenda, reported as \u201c{cell['label']}\u201d.")
    else:
        lines.append(f"{where}: not on the agenda.")
    if cell["change"] == FIRST_REPORTED:
        lines.append(FIRST_REPORTED_TEXT)
    elif cell["change"] == AgendaChange.ADDED:
        lines.append("Added against the round it is compared with.")
    elif cell["change"] == AgendaChange.DROPPED:
        before = cell["before"]
        was = f" (reported there as \u201c{before['label']}\u201d)" if before else ""
        lines.append(f"Dropped: it was on the agenda of the round it is compared with{was}.")
    if cell["basis"]:
        lines.append(f"{BASIS_TEXT[cell['basis']]}.")
    for note in cell["annotations"]:
        lines.append(f"{note['basis_text']}: {note['note']}")
    lines.extend(quote_line(citation) for citation in cell["quotes"])
    if cell["earlier_quotes"]:
        lines.append(f"{cell['earlier_text']}:")
        lines.extend(quote_line(citation) for citation in cell["earlier_quotes"])
    lines.extend(dispute_lines(cell["disputes"]))
    return "\n".join(lines)


def exclusion_line(entry: dict) -> str:
    """What an exclusion says, in a line: off this round's agenda or the negotiation's, and
    where it is handled instead."""
    scope = "this round's agenda" if entry["scope"] == "round" else "the negotiation's agenda"
    line = f"Off {scope}"
    if entry["handled_in"]:
        line += f", handled in {entry['handled_in']} instead"
    return f"{line}: {entry['note']}" if entry["note"] else f"{line}."


def cell_summary(cell: dict) -> str:
    """The short plain-text title of a matrix cell that has more to say than its word (its
    details come on hover and focus); empty for a plain "Off" or "Unknown" cell."""
    parts = []
    if cell["state"] == EXCLUDED:
        parts.append("Excluded: a source says it was off the agenda.")
    if cell["state"] == PRESENT:
        parts.append(f"On the agenda, reported as \u201c{cell['label']}\u201d.")
    if cell["change"] == FIRST_REPORTED:
        parts.append("First reported agenda.")
    elif cell["change"] == AgendaChange.ADDED:
        parts.append("Added.")
    elif cell["change"] == AgendaChange.DROPPED:
        before = cell["before"]
        parts.append(f"Dropped (was \u201c{before['label']}\u201d)." if before else "Dropped.")
    if cell["basis"] == STATED:
        parts.append("Stated by a source.")
    if cell["disputes"]:
        parts.append("Disputed by a source.")
    return " ".join(parts)


CELL_WORDS = {PRESENT: "On", ABSENT: "Off", EXCLUDED: "Excluded", UNKNOWN: "Unknown"}


def cell_markup(cell: dict) -> str:
    """A matrix cell's <td>, built here rather than in the template: a 60-round matrix has
    over a thousand cells, and this keeps the page small and quick to render. A cell that
    only says Off or Unknown carries no title and is not a tab stop (the row and column
    headers say the rest); the others open their details on hover and focus."""
    classes = f"cell state-{cell['state']}"
    # The area is its row's (<tr data-area>), the round its column's: not repeated here.
    attributes = [f'data-round="{escape(cell["round"])}"', f'data-state="{cell["state"]}"']
    if cell["change"]:
        classes += f" change-{cell['change']}"
        attributes.append(f'data-change="{cell["change"]}"')
    if cell["basis"]:
        attributes.append(f'data-basis="{cell["basis"]}"')
    if cell["disputes"]:
        classes += " is-disputed"
        attributes.append('data-disputed="true"')
    inside = CELL_WORDS[cell["state"]]
    if cell["change_text"]:
        inside += f' <span class="cell__change">{cell["change_text"]}</span>'
    if cell["disputes"]:
        inside += ' <span class="cell__disputed">Disputed</span>'
    if cell["summary"]:
        attributes.append(f'tabindex="0" title="{escape(cell["summary"])}"')
    return mark_safe(f'<td class="{classes}" {" ".join(attributes)}>{inside}</td>')


def present_annotations(notes: list[dict], area_names: dict[str, str]) -> list[dict]:
    change_names = dict(AgendaChange.choices)
    return [
        {
            **note,
            "area_name": area_names.get(note["area"], note["area"]),
            "change_name": change_names.get(note["change"], note["change"]),
            "basis_text": ANNOTATION_BASIS_TEXT.get(note["basis"], note["basis"]),
        }
        for note in notes
    ]


def build_matrix(matrix: dict, rounds_by_slug: dict, compared_with: dict[str, str]) -> dict:
    """The domain's matrix, labelled for the page: each cell with what it marks, on what
    evidence, the quotes behind it and the disputes about it. ``compared_with``: each
    round's slug -> the slug of the round it is compared with."""
    unmapped = {entry["round"]: entry["items"] for entry in matrix["unmapped"]}
    columns = [
        {**ref, **rounds_by_slug[ref["slug"]], "unmapped": unmapped.get(ref["slug"], [])}
        for ref in matrix["rounds"]
    ]
    area_names = {area["slug"]: area["name"] for area in matrix["areas"]}
    rows = []
    for area in matrix["areas"]:
        cells = []
        for column, cell in zip(columns, area["cells"], strict=True):
            annotations = present_annotations(cell["annotations"], area_names)
            if cell["change"] == AgendaChange.DROPPED:
                # An absent cell has no quote of its own: first the sources that report the
                # drop, then the compared round's quote, which shows it was on the agenda.
                stated = [n for n in annotations if n["basis"] == AnnotationBasis.STATED]
                quotes = [c for note in stated for c in note["citations"]][:2]
                earlier_quotes = cell["before"]["citations"][:1] if cell["before"] else []
                earlier = rounds_by_slug[compared_with[cell["round"]]]
                earlier_text = (
                    f"Earlier, at {earlier['label']} ({earlier['date_text']}), "
                    "when it was on the agenda"
                )
            elif cell["state"] == EXCLUDED:
                # The quotes of the sources that say it was off.
                quotes = [c for entry in cell["exclusions"] for c in entry["citations"]][:2]
                earlier_quotes, earlier_text = [], ""
            else:
                quotes, earlier_quotes, earlier_text = cell["citations"][:2], [], ""
            symbol, state_text = STATE_TEXT[cell["state"]]
            change_symbol, change_text = CHANGE_TEXT.get(cell["change"], ("", ""))
            enriched = {
                **cell,
                "annotations": annotations,
                "symbol": symbol,
                "state_text": state_text,
                "change_symbol": change_symbol,
                "change_text": change_text,
                "basis_text": BASIS_TEXT.get(cell["basis"], ""),
                "exclusion_lines": [exclusion_line(entry) for entry in cell["exclusions"]],
                "quotes": quotes,
                "earlier_quotes": earlier_quotes,
                "earlier_text": earlier_text,
                "column": column,
            }
            enriched["description"] = cell_description(area["name"], column, enriched)
            enriched["summary"] = cell_summary(enriched)
            enriched["td"] = cell_markup(enriched)
            cells.append(enriched)
        rows.append({"slug": area["slug"], "name": area["name"], "cells": cells})
    return {
        "columns": columns,
        "rows": rows,
        "unmapped": bool(unmapped),
        "contested": matrix["contested"],
    }


def default_round(rounds: list[dict]) -> dict | None:
    """The latest round whose agenda was reported (and that was not cancelled)."""
    known = [
        row for row in rounds if row["agenda_known"] and row["status"] != RoundStatus.CANCELLED
    ]
    return known[-1] if known else (rounds[-1] if rounds else None)


def present_entry(entry: dict) -> dict:
    return {**entry, "basis_text": BASIS_TEXT.get(entry.get("basis"), "")}


def present_changes(changes: dict, rounds_by_slug: dict, area_names: dict) -> dict:
    """One round's agenda changes (the domain answer), with names and texts for people: the
    dashboard's panel and the admin's round page show this same presentation."""
    compared = changes["compared_to"]
    first_reported = bool(changes["first_reported"])
    return {
        **changes,
        "first_reported": [present_entry(entry) for entry in changes["first_reported"]],
        "is_first_reported": first_reported,
        "added": [present_entry(entry) for entry in changes["added"]],
        "dropped": [present_entry(entry) for entry in changes["dropped"]],
        "retained": [present_entry(entry) for entry in changes["retained"]],
        "excluded": [
            {**entry, "line": exclusion_line(entry)} for entry in changes.get("excluded", [])
        ],
        "reason": FIRST_REPORTED_TEXT if first_reported else changes["reason"],
        "round": {**changes["round"], **rounds_by_slug.get(changes["round"]["slug"], {})},
        "agenda_basis_text": AGENDA_BASIS_TEXT.get(changes["round"]["agenda_basis"], ""),
        "compared_to": (
            {
                **compared,
                **rounds_by_slug.get(compared["slug"], {}),
                "agenda_basis_text": AGENDA_BASIS_TEXT.get(compared["agenda_basis"], ""),
            }
            if compared
            else None
        ),
        "skipped": [
            {
                "round": {**skip["round"], **rounds_by_slug.get(skip["round"]["slug"], {})},
                "reason": SKIP_TEXTS.get(skip["reason"], skip["reason"].replace("_", " ")),
            }
            for skip in changes["skipped"]
        ],
        "annotations": present_annotations(changes["annotations"], area_names),
        "api_url": reverse("api:round-agenda-changes", kwargs={"slug": changes["round"]["slug"]}),
    }


# --- Sources and disagreements -------------------------------------------------------------


def load_sources(
    negotiation: models.Negotiation, known_as_of: datetime.date | None = None
) -> list[dict]:
    """The documents cited by any fact of the negotiation, oldest first (one query); as
    known on a day, those published by then."""
    cited = Q()
    for path in CITED_FACT_PATHS:
        cited |= Q(pk__in=models.Citation.objects.filter(**{path: negotiation}).values("source_id"))
    if known_as_of is not None:
        cited &= published_by(known_as_of)
    rows = list(
        models.Source.objects.filter(cited)
        .order_by(F("published_on").asc(nulls_last=True), "slug")
        .values(
            "id",
            "slug",
            "title",
            "publisher",
            "published_on",
            "published_on_end",
            "published_on_inferred",
            "date_note",
            "url",
        )
    )
    for row in rows:
        row.update(
            api_url=api_url("source", row["slug"]),
            admin_url=admin_url("source", row["id"]),
        )
    return rows


def load_disagreements(
    negotiation: models.Negotiation, known_as_of: datetime.date | None = None
) -> list[dict]:
    disagreements = models.Disagreement.objects.filter(
        Q(negotiation=negotiation) | Q(round__negotiation=negotiation)
    )
    rows = list(
        known_records(disagreements, known_as_of)
        .order_by("title", "pk")
        .values("id", "slug", "title", "note", "status", "resolution", "round__title", "area__name")
    )
    claims = list(
        known(
            models.DisagreementClaim.objects.filter(
                disagreement_id__in=[row["id"] for row in rows]
            ),
            known_as_of,
        )
        .order_by("disagreement_id", "label")
        .values("id", "disagreement_id", "label", "claim")
    )
    quotes = citations_for(models.DisagreementClaim, [claim["id"] for claim in claims], known_as_of)
    by_disagreement = defaultdict(list)
    for claim in claims:
        by_disagreement[claim["disagreement_id"]].append(
            {**claim, "citations": quotes.get(claim["id"], [])}
        )
    for row in rows:
        row.update(
            claims=by_disagreement[row["id"]],
            status_name=DISAGREEMENT_STATUS_NAMES.get(row["status"], row["status"]),
            api_url=api_url("disagreement", row["slug"]),
            admin_url=admin_url("disagreement", row["id"]),
        )
    return rows


def source_name(row: dict) -> str:
    """How a quote is attributed: the publisher, else the (shortened) title."""
    if row["publisher"]:
        return row["publisher"]
    title = row["title"]
    return f"“{title}”" if len(title) <= 40 else f"“{title[:38].rstrip()}…”"


def walk(data):
    """Every dict in nested page data."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(value for value in item.values() if isinstance(value, dict | list))
        elif isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, dict | list))


def attribute_quotes(data, names: dict[str, str]) -> None:
    """Give every citation in the page data the name of its source ("by"), and every
    version of a dispute the names of its sources, once each ("sources_text"), in place."""
    for item in walk(data):
        if "quote" in item and "source" in item and isinstance(item["source"], str):
            item["by"] = names.get(item["source"]) or item["publisher"] or item["source"]
    for item in walk(data):
        if "claim" in item and "citations" in item:
            item["sources_text"] = "; ".join(
                dict.fromkeys(citation["by"] for citation in item["citations"])
            )


# --- The page ------------------------------------------------------------------------------


class UnknownRound(ValueError):
    """The round asked for is not a round of this negotiation."""


def dashboard_data(
    negotiation: models.Negotiation,
    as_of: datetime.date,
    round_slug: str | None = None,
    known_as_of: datetime.date | None = None,
) -> dict:
    """Everything the page shows about one negotiation, relative to as_of, and as the
    sources published by known_as_of told it if given.

    Raises UnknownRound if round_slug names no round of this negotiation (known by then).
    """
    rounds = load_rounds(negotiation, known_as_of)
    rounds_by_slug = {row["slug"]: row for row in rounds}
    if round_slug and round_slug not in rounds_by_slug:
        raise UnknownRound(round_slug)

    sequence, matrix = agenda_story(negotiation, known_as_of=known_as_of)
    all_changes = {changes["round"]["slug"]: changes for changes in sequence}
    deadlines = load_deadlines(negotiation, as_of, known_as_of)
    sources = load_sources(negotiation, known_as_of)
    disagreements = load_disagreements(negotiation, known_as_of)
    attribute_quotes(
        [matrix, all_changes, disagreements],
        {source["slug"]: source_name(source) for source in sources},
    )

    area_names = {area["slug"]: area["name"] for area in matrix["areas"]}
    compared_with = {
        slug: changes["compared_to"]["slug"]
        for slug, changes in all_changes.items()
        if changes["compared_to"]
    }
    selected = rounds_by_slug[round_slug] if round_slug else default_round(rounds)
    return {
        "negotiation": {
            "slug": negotiation.slug,
            "title": negotiation.title,
            "goal": negotiation.goal,
            "status_name": NEGOTIATION_STATUS_NAMES.get(negotiation.status, negotiation.status),
            "api_url": api_url("negotiation", negotiation.slug),
            "admin_url": admin_url("negotiation", negotiation.pk),
            "matrix_api_url": reverse(
                "api:negotiation-agenda-matrix", kwargs={"slug": negotiation.slug}
            ),
            "changes_api_url": reverse(
                "api:negotiation-agenda-changes", kwargs={"slug": negotiation.slug}
            ),
        },
        "known_as_of": known_summary(known_as_of) if known_as_of else None,
        "rounds": rounds,
        "held_count": sum(1 for row in rounds if row["status"] == RoundStatus.HELD),
        "planned_count": sum(1 for row in rounds if row["status"] == RoundStatus.PLANNED),
        "called_off_count": sum(1 for row in rounds if row["called_off"]),
        "deadlines": deadlines,
        "timeline": build_timeline(rounds, deadlines, as_of),
        "matrix": build_matrix(matrix, rounds_by_slug, compared_with),
        "selected_round": selected,
        "changes": (
            present_changes(all_changes[selected["slug"]], rounds_by_slug, area_names)
            if selected
            else None
        ),
        "sources": sources,
        "disagreements": disagreements,
    }


def cell_detail(
    negotiation: models.Negotiation,
    round_slug: str,
    area_slug: str,
    known_as_of: datetime.date | None = None,
) -> dict:
    """One matrix cell, as the page's matrix presents it, with its quotes, annotations and
    disputes: what the cell's popover shows, loaded when it is opened (a negotiation's
    whole matrix of details would weigh megabytes). Nine queries.

    Raises UnknownRound if the round (or the area) is not in this negotiation's matrix."""
    rows = negotiation_rounds(negotiation.pk, known_as_of)
    index = next((i for i, row in enumerate(rows) if row["slug"] == round_slug), None)
    area = models.AgendaArea.objects.filter(slug=area_slug).values("slug", "name").first()
    if index is None or area is None:
        raise UnknownRound(round_slug)
    row = rows[index]
    compared, _ = comparison_bases(rows[: index + 1])[index]
    evidence = load_evidence(
        [row, *([compared] if compared else [])],
        annotated_rounds=[row["id"]],
        known_as_of=known_as_of,
    )
    matrix = {
        "rounds": [round_ref(row)],
        "areas": [{**area, "cells": [cell_of(area_slug, row, compared, evidence)]}],
        "unmapped": [],
        "contested": False,
    }
    cited = {item["source"] for item in walk(matrix) if "quote" in item}
    names = {
        source["slug"]: source_name(source)
        for source in models.Source.objects.filter(slug__in=cited).values(
            "slug", "title", "publisher"
        )
    }
    attribute_quotes(matrix, names)
    rounds_by_slug = {
        labelled["slug"]: labelled for labelled in load_rounds(negotiation, known_as_of)
    }
    compared_with = {row["slug"]: compared["slug"]} if compared else {}
    built = build_matrix(matrix, rounds_by_slug, compared_with)
    return {"area": area, **built["rows"][0]["cells"][0]}


def round_changes_panel(round_: models.Round) -> dict:
    """One round's agenda changes, presented as the dashboard shows them (for the admin's
    round page): the domain answer, the rounds' labels and the sources' names."""
    changes = round_agenda_changes(round_)
    rounds_by_slug = {row["slug"]: row for row in load_rounds(round_.negotiation)}
    cited = {
        item["source"]
        for item in walk(changes)
        if "quote" in item and isinstance(item.get("source"), str)
    }
    names = {
        row["slug"]: source_name(row)
        for row in models.Source.objects.filter(slug__in=cited).values("slug", "title", "publisher")
    }
    attribute_quotes(changes, names)
    area_names = {
        entry["slug"]: entry["name"]
        for key in ("first_reported", "added", "dropped", "retained")
        for entry in changes[key]
    }
    return present_changes(changes, rounds_by_slug, area_names)
