"""How big a request may be: the rules, as plain functions, for the API, the admin and the
middleware that apply them. Each answers None when the input is fine, else what is wrong,
in words a client can act on (the caller turns it into a 400)."""

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
