"""Pagination: page numbers by default, keyset cursors for deep or incremental reads.

Page numbers are what dashboards show ("page 3 of 12"), but OFFSET pagination gets slower
the deeper the page. ``?cursor=`` (empty for the first page) switches a list to keyset
pagination in insertion order: every page costs the same, and ``count`` is null because
counting is exactly the work a cursor avoids. Cursors are signed (django.core.signing, bound
to the list's path): one this server did not issue for this list, made up, altered or taken
from another list, is a 400 ``invalid_cursor``. Bad values are a 400 that names the parameter.

A page's place in the list travels in headers too, for JSON as for CSV (whose body has no room
for it): ``Link`` (RFC 8288: first, prev, next, last where known) and ``X-Total-Count`` where
the list was counted.
"""

from urllib.parse import parse_qs, urlsplit

from django.core import signing
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

MAX_PAGE_SIZE = 500
# With ?known_as_of= (the lists that take it): the day, and the sources it could use.
KNOWN_AS_OF_SCHEMA = {"$ref": "#/components/schemas/KnownAsOf"}


def ascii_digits(raw: str) -> bool:
    """Only 0-9: ``str.isdigit`` also accepts '²' or '①', which ``int()`` refuses."""
    return raw.isascii() and raw.isdigit()


class SentCursor:
    """A cursor whose signature was checked, as DRF's decoder reads it from a request."""

    def __init__(self, name: str, value: str):
        self.query_params = {name: value}


class KeysetPagination(pagination.CursorPagination):
    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def signer(self) -> signing.Signer:
        # Bound to the list: a cursor of another list is as foreign as a made-up one.
        return signing.Signer(salt=f"tracker.api.cursor:{self.list_path}")

    def decode_cursor(self, request):
        # A cursor is opaque: anything this server did not issue for this list is a 400
        # naming it. DRF's own cursors are plain base64: a hand-made "o=999999999&p=1" was
        # answered, and a position that is not an id reached the database.
        self.list_path = request.path
        sent = request.query_params.get(self.cursor_query_param)
        if not sent:  # absent, or empty: the first page
            return None
        try:
            cursor = super().decode_cursor(
                SentCursor(self.cursor_query_param, self.signer().unsign(sent))
            )
        except (signing.BadSignature, NotFound):
            cursor = None
        if cursor is not None and (cursor.position is None or ascii_digits(cursor.position)):
            return cursor
        raise ValidationError(
            {self.cursor_query_param: ["Not a cursor from this list's next or previous link."]},
            code="invalid_cursor",
        )

    def encode_cursor(self, cursor):
        url = super().encode_cursor(cursor)
        token = parse_qs(urlsplit(url).query)[self.cursor_query_param][0]
        return replace_query_param(url, self.cursor_query_param, self.signer().sign(token))


def link_header(links: dict[str, str | None]) -> str:
    """An RFC 8288 Link header from relation -> URL (relations without a URL left out)."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Results per page, from 1 to {MAX_PAGE_SIZE} (default 50)."
    cursor_query_param = "cursor"

    def __init__(self):
        self.keyset = None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0")
        # Length first: int() refuses strings of more than 4300 digits.
        if (
            not ascii_digits(raw)
            or len(digits) > len(str(self.max_page_size))
            or not 1 <= int(digits or "0") <= self.max_page_size
        ):
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param in request.query_params:
            if self.page_query_param in request.query_params:
                raise ValidationError({self.page_query_param: ["Use either page or cursor."]})
            if "ordering" in request.query_params:
                raise ValidationError(
                    {"ordering": ["Cursor pagination always reads in insertion order."]}
                )
            self.get_page_size(request)  # validate before the cursor paginator clamps it
            self.keyset = KeysetPagination()
            return self.keyset.paginate_queryset(queryset, request, view)
        raw = request.query_params.get(self.page_query_param)
        # At least 1 without int(): a page number of any length past the end is a 404.
        valid = (
            raw is None
            or (ascii_digits(raw) and raw.strip("0") != "")
            or raw in self.last_page_strings
        )
        if not valid:
            raise ValidationError({self.page_query_param: ["A page number from 1, or 'last'."]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset is not None:
            response = Response(
                {
                    "count": None,
                    "next": self.keyset.get_next_link(),
                    "previous": self.keyset.get_previous_link(),
                    "results": data,
                }
            )
        else:
            response = super().get_paginated_response(data)
        for name, value in self.paging_headers().items():
            response[name] = value
        return response

    def paging_headers(self) -> dict[str, str]:
        """Link (first, prev, next, last where known) and X-Total-Count (where counted)."""
        if self.keyset is not None:
            url = self.keyset.base_url
            first = replace_query_param(
                remove_query_param(url, self.cursor_query_param), self.cursor_query_param, ""
            )
            links = {
                "first": first,
                "prev": self.keyset.get_previous_link(),
                "next": self.keyset.get_next_link(),
            }
            return {"Link": link_header(links)}
        url = self.request.build_absolute_uri()
        last = self.page.paginator.num_pages
        links = {
            "first": remove_query_param(url, self.page_query_param),
            "prev": self.get_previous_link(),
            "next": self.get_next_link(),
            "last": replace_query_param(url, self.page_query_param, last)
            if last > 1
            else remove_query_param(url, self.page_query_param),
        }
        return {"Link": link_header(links), "X-Total-Count": str(self.page.paginator.count)}

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count"]["nullable"] = True
        paginated["properties"]["count"]["description"] = "Null with cursor pagination."
        paginated["properties"]["known_as_of"] = KNOWN_AS_OF_SCHEMA
        # Always there (null on the first or last page); known_as_of only with ?known_as_of=.
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "A page number from 1 (past the last page: 404)."
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return [
            *parameters,
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset pagination in insertion order: empty for the first "
                "page, then the cursor from `next`. Constant cost at any depth; count is null. "
                "Not with `page` or `ordering`.",
                "schema": {"type": "string"},
            },
        ]


class AreaHistoryPagination(PageNumberPagination):
    """An area's history pages through the negotiations it appeared in: each brings all
    its rounds, so pages are smaller than a list's."""

    page_size = 20
    max_page_size = 100
    page_size_query_description = f"Negotiations per page, from 1 to {max_page_size} (default 20)."


class ReviewPagination(PageNumberPagination):
    """The review queue pages by number only: it is computed, not a table to keyset."""

    page_size = 25
    page_size_query_description = f"Entries per page, from 1 to {MAX_PAGE_SIZE} (default 25)."

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param in request.query_params:
            raise ValidationError({self.cursor_query_param: ["The review queue pages by number."]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        paginated = pagination.PageNumberPagination.get_paginated_response_schema(self, schema)
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        return [p for p in parameters if p["name"] != self.cursor_query_param]
