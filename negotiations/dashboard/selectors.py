"""The data of one dashboard page, loaded in a fixed number of queries whatever the data size.

The agenda logic lives in negotiations.domain.agenda and the deadline arithmetic in
negotiations.domain.deadlines; this module only loads, joins and labels their answers for
the templates. Query budget, independent of the number of rounds, items or citations:

* 1  negotiations for the picker, with their round counts
* 1  rounds of the selected negotiation (places, dates as reported, ids for admin links)
* 5  agenda_matrix()             (rounds, agenda links, citation links, citations, areas)
* 5  negotiation_agenda_changes() (rounds, agenda links, annotations, citation links, citations)
* 1  deadlines
* 1  sources behind the page
* 4  disagreements, their claims, the claims' citation links and citations
"""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q
from django.http import Http404
from django.urls import reverse

from negotiations import models
from negotiations.choices import (
    AgendaChange,
    AgendaStatus,
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
    PRESENT,
    SKIP_CANCELLED,
    SKIP_UNKNOWN,
    UNKNOWN,
    agenda_matrix,
    is_first_reported,
    negotiation_agenda_changes,
)
from negotiations.domain.citations import citations_for
from negotiations.domain.deadlines import DUE_TODAY, PASSED, deadline_status

DEFAULT_NEGOTIATION = "kr-us-tariff-talks-2025"

FIRST_REPORTED_TEXT = "The first reported agenda: nothing earlier to compare with."

ROUND_VALUES = (
    "id",
    "slug",
    "title",
    "sequence",
    "level",
    "status",
    "start_date",
    "end_date",
    "date_precision",
    "date_as_reported",
    "date_note",
    "city",
    "country",
    "agenda_status",
)

SKIP_REASONS = {
    SKIP_UNKNOWN: "its agenda was not reported",
    SKIP_CANCELLED: "it was cancelled",
}

STATE_TEXT = {
    PRESENT: ("●", "On the agenda"),
    ABSENT: ("–", "Not on the agenda"),
    UNKNOWN: ("?", "Agenda not reported"),
}

CHANGE_TEXT = {
    AgendaChange.ADDED: ("+", "Added"),
    AgendaChange.DROPPED: ("−", "Dropped"),
    AgendaChange.RETAINED: ("", "Kept"),
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


def negotiation_choices() -> list[models.Negotiation]:
    """Every negotiation with its number of rounds, for the picker (one query)."""
    return list(
        models.Negotiation.objects.annotate(round_count=Count("rounds")).order_by("title", "pk")
    )


def pick_negotiation(
    choices: list[models.Negotiation], slug: str | None
) -> models.Negotiation | None:
    """The negotiation named in the URL (404 if unknown); else the Korea–US talks if
    recorded; else the one with the most rounds; None when there is none at all."""
    if slug is not None:
        for negotiation in choices:
            if negotiation.slug == slug:
                return negotiation
        raise Http404(f"No negotiation {slug!r}.")
    for negotiation in choices:
        if negotiation.slug == DEFAULT_NEGOTIATION:
            return negotiation
    return max(choices, key=lambda n: (n.round_count, -n.pk), default=None)


# --- Rounds, deadlines and the timeline ----------------------------------------------------


def round_place(row: dict) -> str:
    return ", ".join(part for part in (row["city"], row["country"]) if part)


def load_rounds(negotiation: models.Negotiation) -> list[dict]:
    rows = list(
        models.Round.objects.filter(negotiation=negotiation)
        .order_by("sequence")
        .values(*ROUND_VALUES)
    )
    for row in rows:
        place = round_place(row)
        row.update(
            label=row["city"] or f"Round {row['sequence']}",
            place=place,
            date_text=date_label(row["start_date"], row["end_date"], row["date_precision"]),
            level_name=LEVEL_NAMES.get(row["level"], row["level"]),
            level_short=SHORT_LEVEL_LABELS.get(row["level"], row["level"]),
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


def load_deadlines(negotiation: models.Negotiation, as_of: datetime.date) -> list[dict]:
    rows = list(
        models.Deadline.objects.filter(negotiation=negotiation)
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
    for row in rows:
        status = deadline_status(row["date"], row["end_date"], as_of)
        title = row["title"]
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


def quote_line(citation: dict) -> str:
    return f"“{citation['quote']}” ({citation.get('by') or citation['source']})"


def cell_description(area: str, column: dict, cell: dict) -> str:
    """The plain-text tooltip of a matrix cell."""
    where = f"{area} at {column['title']} ({column['date_text']})"
    if cell["state"] == UNKNOWN:
        return f"{where}: unknown, no source reported this round's agenda."
    lines = []
    if cell["state"] == PRESENT:
        lines.append(f"{where}: on the agenda, reported as “{cell['label']}”.")
    else:
        lines.append(f"{where}: not on the agenda.")
    if cell["baseline"]:
        lines.append(FIRST_REPORTED_TEXT)
    elif cell["change"] == AgendaChange.ADDED:
        lines.append("Added against the previous known agenda.")
    elif cell["change"] == AgendaChange.DROPPED:
        before = cell["before"]
        was = f" (reported there as “{before['label']}”)" if before else ""
        lines.append(f"Dropped: it was on the previous known agenda{was}.")
    if cell["annotation"]:
        lines.append(f"Why: {cell['annotation']['note']}")
    lines.extend(quote_line(citation) for citation in cell["quotes"])
    if cell["earlier_quotes"]:
        lines.append(f"{cell['earlier_text']}:")
        lines.extend(quote_line(citation) for citation in cell["earlier_quotes"])
    return "\n".join(lines)


def build_matrix(matrix: dict, rounds_by_slug: dict, changes_by_round: dict) -> dict:
    """The domain's matrix, labelled for the page, each cell knowing what it dropped and why."""
    columns = [{**ref, **rounds_by_slug[ref["slug"]]} for ref in matrix["rounds"]]
    rows = []
    for area in matrix["areas"]:
        cells = []
        for column, cell in zip(columns, area["cells"], strict=True):
            changes = changes_by_round.get(cell["round"])
            annotation = changes["annotations_by_area"].get(area["slug"]) if changes else None
            dropped = changes["dropped_by_area"].get(area["slug"]) if changes else None
            before = dropped["before"] if dropped else None
            # The first known agenda has nothing to compare with: its areas are not "added".
            baseline = bool(changes) and is_first_reported(changes) and cell["state"] != UNKNOWN
            shown_change = None if baseline else cell["change"]
            if dropped:
                # An absent cell has no quote of its own: first the editors' sources for
                # the drop, then the earlier round's quote, which shows it was on the agenda.
                quotes = annotation["citations"][:2] if annotation else []
                earlier_quotes = before["citations"][:1] if before else []
                earlier = rounds_by_slug[changes["compared_to"]["slug"]]
                earlier_text = (
                    f"Earlier, at {earlier['label']} ({earlier['date_text']}), "
                    "when it was on the agenda"
                )
            else:
                quotes, earlier_quotes, earlier_text = cell["citations"][:2], [], ""
            symbol, state_text = STATE_TEXT[cell["state"]]
            change_symbol, change_text = CHANGE_TEXT.get(shown_change, ("", ""))
            enriched = {
                **cell,
                "change": shown_change,
                "baseline": baseline,
                "symbol": symbol,
                "state_text": state_text,
                "change_symbol": change_symbol,
                "change_text": change_text if cell["change"] != AgendaChange.RETAINED else "",
                "annotation": annotation,
                "before": before,
                "quotes": quotes,
                "earlier_quotes": earlier_quotes,
                "earlier_text": earlier_text,
                "column": column,
            }
            enriched["description"] = cell_description(area["name"], column, enriched)
            cells.append(enriched)
        rows.append({"slug": area["slug"], "name": area["name"], "cells": cells})
    return {"columns": columns, "rows": rows}


def default_round(rounds: list[dict]) -> dict | None:
    """The latest round whose agenda was reported (and that was not cancelled)."""
    known = [
        row for row in rounds if row["agenda_known"] and row["status"] != RoundStatus.CANCELLED
    ]
    return known[-1] if known else (rounds[-1] if rounds else None)


def build_changes(changes: dict, rounds_by_slug: dict, area_names: dict) -> dict:
    """One round's agenda changes (the domain answer), with names and links for the page.

    The first reported agenda is presented as such, like the matrix does: its areas are
    listed in ``first_areas``, not as added (the API still reports them as added relative
    to nothing)."""
    compared = changes["compared_to"]
    first_reported = is_first_reported(changes)
    change_names = dict(AgendaChange.choices)
    if first_reported:
        change_names[AgendaChange.ADDED] = "First reported"
    return {
        **changes,
        "first_reported": first_reported,
        "first_areas": changes["added"] if first_reported else [],
        "added": [] if first_reported else changes["added"],
        "reason": FIRST_REPORTED_TEXT if first_reported else changes["reason"],
        "round": {**changes["round"], **rounds_by_slug[changes["round"]["slug"]]},
        "compared_to": (
            {**compared, **rounds_by_slug[compared["slug"]]}
            if compared and compared["slug"] in rounds_by_slug
            else compared
        ),
        "skipped": [
            {
                "round": {**skip["round"], **rounds_by_slug.get(skip["round"]["slug"], {})},
                "reason": SKIP_REASONS.get(skip["reason"], skip["reason"].replace("_", " ")),
            }
            for skip in changes["skipped"]
        ],
        "annotations": [
            {
                **note,
                "area_name": area_names.get(note["area"], note["area"]),
                "change_name": change_names.get(note["change"], note["change"]),
            }
            for note in changes["annotations"]
        ],
        "api_url": reverse("api:round-agenda-changes", kwargs={"slug": changes["round"]["slug"]}),
    }


# --- Sources and disagreements -------------------------------------------------------------


def load_sources(negotiation: models.Negotiation) -> list[dict]:
    """The documents cited by any fact of the negotiation, oldest first (one query)."""
    cited = Q()
    for path in CITED_FACT_PATHS:
        cited |= Q(pk__in=models.Citation.objects.filter(**{path: negotiation}).values("source_id"))
    rows = list(
        models.Source.objects.filter(cited)
        .order_by(F("published_at").asc(nulls_last=True), "slug")
        .values("id", "slug", "title", "publisher", "published_at", "date_note", "url")
    )
    for row in rows:
        row.update(
            published_on=row["published_at"].date() if row["published_at"] else None,
            api_url=api_url("source", row["slug"]),
            admin_url=admin_url("source", row["id"]),
        )
    return rows


def load_disagreements(negotiation: models.Negotiation) -> list[dict]:
    rows = list(
        models.Disagreement.objects.filter(
            Q(negotiation=negotiation) | Q(round__negotiation=negotiation)
        )
        .order_by("title", "pk")
        .values("id", "slug", "title", "note", "status", "resolution", "round__title", "area__name")
    )
    claims = list(
        models.DisagreementClaim.objects.filter(disagreement_id__in=[row["id"] for row in rows])
        .order_by("disagreement_id", "label")
        .values("id", "disagreement_id", "label", "claim")
    )
    quotes = citations_for(models.DisagreementClaim, [claim["id"] for claim in claims])
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


def attribute_quotes(data, names: dict[str, str]) -> None:
    """Give every citation in the page data the name of its source ("by"), in place."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "quote" in item and "source" in item and isinstance(item["source"], str):
                item["by"] = names.get(item["source"]) or item["publisher"] or item["source"]
            stack.extend(value for value in item.values() if isinstance(value, dict | list))
        elif isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, dict | list))


# --- The page ------------------------------------------------------------------------------


class UnknownRound(ValueError):
    """The round asked for is not a round of this negotiation."""


def dashboard_data(
    negotiation: models.Negotiation, as_of: datetime.date, round_slug: str | None = None
) -> dict:
    """Everything the page shows about one negotiation, relative to as_of.

    Raises UnknownRound if round_slug names no round of this negotiation.
    """
    rounds = load_rounds(negotiation)
    rounds_by_slug = {row["slug"]: row for row in rounds}
    if round_slug and round_slug not in rounds_by_slug:
        raise UnknownRound(round_slug)

    matrix = agenda_matrix(negotiation)
    all_changes = {}
    for changes in negotiation_agenda_changes(negotiation):
        changes["annotations_by_area"] = {note["area"]: note for note in changes["annotations"]}
        changes["dropped_by_area"] = {entry["slug"]: entry for entry in changes["dropped"]}
        all_changes[changes["round"]["slug"]] = changes
    deadlines = load_deadlines(negotiation, as_of)
    sources = load_sources(negotiation)
    disagreements = load_disagreements(negotiation)
    attribute_quotes(
        [matrix, all_changes, disagreements],
        {source["slug"]: source_name(source) for source in sources},
    )

    area_names = {area["slug"]: area["name"] for area in matrix["areas"]}
    for changes in all_changes.values():
        for key in ("added", "dropped", "retained"):
            area_names.update((entry["slug"], entry["name"]) for entry in changes[key])
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
        "rounds": rounds,
        "held_count": sum(1 for row in rounds if row["status"] == RoundStatus.HELD),
        "planned_count": sum(1 for row in rounds if row["status"] == RoundStatus.PLANNED),
        "called_off_count": sum(1 for row in rounds if row["called_off"]),
        "deadlines": deadlines,
        "timeline": build_timeline(rounds, deadlines, as_of),
        "matrix": build_matrix(matrix, rounds_by_slug, all_changes),
        "selected_round": selected,
        "changes": (
            build_changes(all_changes[selected["slug"]], rounds_by_slug, area_names)
            if selected
            else None
        ),
        "sources": sources,
        "disagreements": disagreements,
    }
