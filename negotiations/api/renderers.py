"""CSV and iCalendar renderings of API data."""

import csv
import datetime
import decimal
import io

import orjson
from django.utils.functional import Promise
from icalendar import Calendar, Event
from rest_framework import renderers


def orjson_default(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class ORJSONRenderer(renderers.JSONRenderer):
    """JSON through orjson: the same output as DRF's renderer (compact, UTF-8), faster."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=orjson_default)


def flatten(value, prefix: str = "", into: dict | None = None) -> dict:
    """One CSV row from nested JSON: objects become dotted columns; lists of objects become
    one cell listing each object's identifier (slug, label or name), separated by '; '."""
    row = {} if into is None else into
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else key, row)
    elif isinstance(value, list):
        row[prefix] = "; ".join(identifier(item) for item in value)
    else:
        row[prefix] = "" if value is None else value
    return row


def identifier(item) -> str:
    if isinstance(item, dict):
        for key in ("slug", "label", "name", "title"):
            if item.get(key):
                return str(item[key])
        return ", ".join(
            f"{key}={val}" for key, val in item.items() if not isinstance(val, list | dict)
        )
    return str(item)


class CSVRenderer(renderers.BaseRenderer):
    """Lists as CSV (one row per record, same filters and pagination as JSON)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            records = data["results"]
        elif isinstance(data, list):
            records = data
        else:
            records = [data]
        rows = [flatten(record) for record in records]
        header: list[str] = []
        for row in rows:
            header.extend(column for column in row if column not in header)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().encode(self.charset)


class ICalendarRenderer(renderers.BaseRenderer):
    """Deadlines as an RFC 5545 calendar: one all-day event per deadline, stable UIDs.

    A deadline known to the day is a one-day event; a coarser one spans the window it falls
    in and says so in its summary and description.
    """

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"
    uid_domain = "negotiation-tracker"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        calendar = Calendar()
        calendar.add("prodid", "-//Negotiation Tracker//Deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", "Negotiation deadlines")
        for deadline in data or []:
            calendar.add_component(self.event(deadline))
        return calendar.to_ical()

    def event(self, deadline: dict) -> Event:
        start = datetime.date.fromisoformat(deadline["date"])
        end = datetime.date.fromisoformat(deadline["end_date"] or deadline["date"])
        precision = deadline["date_precision"]
        event = Event()
        event.add("uid", f"deadline-{deadline['slug']}@{self.uid_domain}")
        event.add("dtstamp", datetime.datetime.fromisoformat(deadline["updated"]))
        event.add("dtstart", start)
        event.add("dtend", end + datetime.timedelta(days=1))
        summary = deadline["title"]
        lines = [deadline["description"]] if deadline["description"] else []
        if precision != "day":
            summary = f"{summary} (date known to the {precision})"
            as_reported = deadline["date_as_reported"]
            lines.append(
                f"Date known only to the {precision}"
                + (f" (reported as “{as_reported}”)" if as_reported else "")
                + f": {start.isoformat()} to {end.isoformat()}."
            )
        if deadline.get("date_note"):
            lines.append(deadline["date_note"])
        for citation in deadline.get("citations", []):
            lines.append(f"{citation['publisher'] or citation['source']}: “{citation['quote']}”")
        event.add("summary", summary)
        event.add("description", "\n\n".join(lines))
        event.add("categories", [deadline["kind"]])
        event.add("transp", "TRANSPARENT")
        return event
