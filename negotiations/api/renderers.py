"""CSV and iCalendar renderings of API data."""

import csv
import datetime
import decimal
import io

import orjson
from django.conf import settings
from django.utils.functional import Promise
from icalendar import Calendar, Event
from rest_framework import renderers, serializers


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
    one cell listing each object's identifier (slug, label or name), separated by '; '; a
    null stays None (an empty cell, unquoted: CSVRenderer)."""
    row = {} if into is None else into
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else key, row)
    elif isinstance(value, list):
        row[prefix] = "; ".join(identifier(item) for item in value)
    else:
        row[prefix] = value
    return row


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """A cell a spreadsheet shows as it is: text that starts like a formula gets a leading
    single quote (OWASP's remedy). Numbers are left alone: they come from the API's own
    fields (``days_remaining`` of a passed deadline is -5), carry no formula, and a quote
    would turn them into text that no longer sorts or sums."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def identifier(item) -> str:
    if isinstance(item, dict):
        for key in ("slug", "label", "name", "title"):
            if item.get(key):
                return str(item[key])
        return ", ".join(
            f"{key}={val}" for key, val in item.items() if not isinstance(val, list | dict)
        )
    return str(item)


def serializer_columns(serializer, prefix: str = "") -> list[str]:
    """The CSV columns of a serializer's records: nested objects as dotted columns, lists as
    one column, so every page of a list has the same header, whatever its rows hold."""
    from negotiations.api.serializers import KnownAsOfSerializer

    columns = []
    for name, field in serializer.fields.items():
        # Not a column of the record: what an answer as known on a day could use.
        if field.write_only or isinstance(field, KnownAsOfSerializer):
            continue
        column = f"{prefix}.{name}" if prefix else name
        # A relation read as a small object (RefField) is documented by its ref_serializer.
        nested = getattr(field, "ref_serializer", None)
        if isinstance(field, serializers.Serializer):
            columns.extend(serializer_columns(field, column))
        elif isinstance(nested, type) and not isinstance(field, serializers.ManyRelatedField):
            columns.extend(serializer_columns(nested(), column))
        else:
            columns.append(column)
    return columns


class CSVRenderer(renderers.BaseRenderer):
    """Lists as CSV (one row per record, same filters and pagination as JSON).

    The header comes from the resource's serializer (the fields asked for with ``fields=``),
    so it does not depend on the page; a missing nested object leaves its columns empty.
    The page's place in the list, which JSON also carries in its body, travels in the
    ``X-Total-Count`` and ``Link`` headers that the pagination sets for every format.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    # A cell of no value (null) is written as this, then made empty and unquoted, which the
    # csv module cannot write beside quoted text. No text holds a NUL (the API refuses it).
    NULL = "\x00null\x00"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and "results" in data:
            records = data["results"]
        elif isinstance(data, list):
            records = data
        else:
            records = [data]
        rows = [flatten(record) for record in records]
        view = renderer_context.get("view")
        header = self.header(rows, records, view)
        # Text a spreadsheet would run as a formula gets a leading ', unless the client asked
        # for the values as they are (raw=true: a program, not a spreadsheet, reads them).
        cell = (lambda value: value) if getattr(view, "raw_csv", False) else spreadsheet_text
        rows = [
            {key: self.NULL if value is None else cell(value) for key, value in row.items()}
            for row in rows
        ]
        buffer = io.StringIO()
        # Every text cell is quoted (numbers are not), so that a separator inside one, the
        # "," of this file or the ";" of a spreadsheet set up for another locale, never
        # starts a new cell there; quotes inside are doubled.
        writer = csv.DictWriter(
            buffer,
            fieldnames=header,
            lineterminator="\r\n",
            restval=self.NULL,
            extrasaction="ignore",
            quoting=csv.QUOTE_NONNUMERIC,
        )
        writer.writeheader()
        writer.writerows(rows)
        # No value is an empty cell; empty text a quoted empty one ("") - null and "" kept
        # apart as in JSON (and as PostgreSQL's COPY reads them). A missing nested object
        # leaves its columns empty the same way (restval).
        return buffer.getvalue().replace(f'"{self.NULL}"', "").encode(self.charset)

    @staticmethod
    def header(rows: list[dict], records: list, view) -> list[str]:
        response = getattr(view, "response", None)
        serializer_class = getattr(view, "get_serializer_class", None)
        if serializer_class is not None and response is not None and response.status_code < 300:
            serializer = view.get_serializer()
            sparse = getattr(view, "sparse_fields", None)
            columns = [
                column
                for column in serializer_columns(serializer)
                if not sparse or column.split(".")[0] in sparse
            ]
            if columns:
                # Anything else a row holds under a column (an object built by a method
                # field) is spelt out rather than lost.
                for row in rows:
                    for key in row:
                        if key not in columns:
                            columns.append(key)
                return [
                    column
                    for column in columns
                    if not any(other.startswith(f"{column}.") for other in columns)
                ]
        header: list[str] = []  # errors and other answers: the keys they have
        for row in rows:
            header.extend(column for column in row if column not in header)
        return header


class ICalendarRenderer(renderers.BaseRenderer):
    """Deadlines as an RFC 5545 calendar: one all-day event per deadline, its UID made of
    the deadline's id (a slug can be renamed: calendar apps then saw a new event) and this
    deployment's domain (settings.CALENDAR_UID_DOMAIN).

    A deadline known to the day is a one-day event; a coarser one spans the window it falls
    in and says so in its summary and description.
    """

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

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
        event.add("uid", f"deadline-{deadline['id']}@{settings.CALENDAR_UID_DOMAIN}")
        event.add("dtstamp", datetime.datetime.fromisoformat(deadline["updated"]))
        event.add("dtstart", start)
        event.add("dtend", end + datetime.timedelta(days=1))
        summary = deadline["title"] or "A deadline"  # a title no source had given yet
        lines = [deadline["description"]] if deadline.get("description") else []
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
