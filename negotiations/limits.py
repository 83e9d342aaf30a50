"""How big a request may be: the rules, as plain functions, for the API, the admin and the
middleware that apply them. Each answers None when the input is fine, else what is wrong,
in words a client can act on (the caller turns it into a 400)."""

import datetime

from django.conf import settings
from django.utils.text import smart_split

# Longer search terms find nothing useful, and SQLite refuses LIKE patterns past 50,000 bytes.
MAX_SEARCH_LENGTH = 200
# The admin ANDs its words, each ORed over every search field (thirteen for rounds): a
# thousand words is a SQL expression SQLite refuses ("Expression tree is too large").
MAX_SEARCH_TERMS = 10
# A write holds an object of fields and lists of slugs: three levels. Python's JSON decoder
# recurses, so a body nested a thousand deep was a RecursionError before any check ran.
MAX_JSON_DEPTH = 16


def max_values() -> int:
    """Values one request may carry: Django's limit on query parameters and form fields
    (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000), for a JSON body's values too."""
    return settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def search_problem(text: str) -> str | None:
    """An admin search (or autocomplete term) too long or of too many words."""
    terms = sum(1 for _ in smart_split(text))  # as the admin splits it: "quoted phrase" is one
    if terms > MAX_SEARCH_TERMS:
        return f"Search with at most {MAX_SEARCH_TERMS} words (this search has {terms})."
    if len(text) > MAX_SEARCH_LENGTH:
        return f"Search with at most {MAX_SEARCH_LENGTH} characters (this search has {len(text)})."
    return None


def nul_problem(path: str, params: dict) -> str | None:
    """A NUL character in a path, or in a name or value of ``params`` (what to call them ->
    a QueryDict: the query parameters, the form fields). No database stores one, and
    PostgreSQL refuses it even in a value only compared with (a list filter, a search term)."""
    if "\x00" in path:
        return "The address contains a NUL character."
    for noun, values in params.items():
        for name, texts in values.lists():
            if "\x00" in name or any("\x00" in text for text in texts):
                shown = name.replace("\x00", "\\x00")[:50]
                return f"The {noun} \u201c{shown}\u201d contains a NUL character."
    return None


# The admin's date drill-down (a list's date_hierarchy): <field>__year, __month, __day. Django
# turns "abc" into its "?e=1" page, but a year past 9998 (whose end is in year 10,000) or a
# number of 20 digits into a server error.
DRILLDOWN_BOUNDS = {"year": (1, datetime.MAXYEAR - 1), "month": (1, 12), "day": (1, 31)}


def drilldown_problem(field: str, params) -> str | None:
    """A value of the date drill-down on ``field`` (in the QueryDict ``params``) that is not a
    number within its bounds."""
    for part, (low, high) in DRILLDOWN_BOUNDS.items():
        name = f"{field}__{part}"
        for value in params.getlist(name):
            number = value.isascii() and value.isdigit() and len(value) <= 6
            if not (number and low <= int(value) <= high):
                return f"\u201c{name}\u201d is a {part} from {low} to {high}."
    return None


def json_problem(data) -> str | None:
    """A parsed JSON body nested too deep (a scalar inside 16 containers is at level 17) or
    holding too many values (object members and list items, counted at every level).
    Walked without recursion."""
    limit = max_values()
    pending = [(data, 1)]
    count = 0
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return too_deep()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            count += len(value)
            if count > limit:
                return f"The JSON body holds too many values (at most {limit} values)."
            pending.extend((child, depth + 1) for child in value)
    return None


def too_deep() -> str:
    return f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
