"""Where a round's value came from, for the dashboard's hover on a round's date, place, level
and status (and the admin's panel): the facet's claims (negotiations.domain.claims), each
value with its quotes, their sources and days, labelled for people. Loaded when a reader
opens it (/dashboard/<negotiation>/value/), so that the page stays small."""

import datetime

from django.utils.text import capfirst

from negotiations import models
from negotiations.dashboard.timeline import date_label
from negotiations.domain.claims import record_claims
from negotiations.domain.known import known_records

# The facets of a round a reader can ask about on the page.
ROUND_FACETS = ("date", "place", "level", "status")


class UnknownValue(LookupError):
    """No such round of this negotiation (known by then), or no such facet."""


def field_label(model, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except Exception:  # a virtual facet's field
        return capfirst(name.replace("_", " "))


def shown_value(model, name: str, value) -> str:
    """One field's value as a reader reads it: a choice by its label, a flag as words."""
    if value is True:
        return "yes"
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def value_text(model, fields: list[str], value: dict | None) -> str:
    """A facet's value (field -> value, as the API shows it) in a line; "" if it is empty."""
    if not value:
        return ""
    given = [(name, value.get(name)) for name in fields if value.get(name) not in (None, "", False)]
    if len(fields) == 1:
        return shown_value(model, fields[0], given[0][1]) if given else ""
    return "; ".join(
        f"{field_label(model, name)}: {shown_value(model, name, found)}" for name, found in given
    )


def round_value_text(facet: str, value: dict | None) -> str:
    """A round's facet as the dashboard writes it (a date as precisely as it is known)."""
    if not value:
        return ""
    if facet == "date":
        day = datetime.date.fromisoformat
        start, end = value.get("start_date"), value.get("end_date")
        text = date_label(
            day(start) if start else None, day(end) if end else None, value.get("date_precision")
        )
        reported = value.get("date_as_reported")
        return f"{text} (reported as \u201c{reported}\u201d)" if reported else text
    if facet == "place":
        return ", ".join(
            part for part in (value.get("city"), value.get("region"), value.get("country")) if part
        )
    fields = {"level": ["level"], "status": ["status"]}.get(facet, list(value))
    return value_text(models.Round, fields, value)


def value_detail(
    negotiation: models.Negotiation,
    round_slug: str,
    facet: str,
    known_as_of: datetime.date | None = None,
) -> dict:
    """One facet of one round as its sources (published by ``known_as_of``) give it: the
    value shown, and every value with its quotes. Five queries."""
    if facet not in ROUND_FACETS:
        raise UnknownValue(facet)
    rounds = models.Round.objects.filter(negotiation=negotiation, slug=round_slug)
    round_ = known_records(rounds, known_as_of).first()
    if round_ is None:
        raise UnknownValue(round_slug)
    claims = record_claims(round_, known_as_of=known_as_of)
    claim = next(entry for entry in claims["facets"] if entry["facet"] == facet)
    shown = round_value_text(facet, claim["value"])
    return {
        "round": {"slug": round_.slug, "title": round_.title},
        "facet": facet,
        "known_as_of": known_as_of,
        "known": claim["known"],
        "disputed": claim["disputed"],
        "value": shown,
        "versions": [
            {
                "state": version["state"],
                "value": (text := round_value_text(facet, version["value"])),
                "differs": text != shown,
                "citations": [
                    {**ref, "by": ref["publisher"] or ref["source"]} for ref in version["citations"]
                ],
            }
            for version in reversed(claim["values"])  # the latest first
        ],
    }
