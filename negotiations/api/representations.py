"""Every resource in three representations, each at its own URL, so that each is its own
operation in the schema and a generated client types each answer exactly:

- ``rounds/`` and ``rounds/{slug}/``: JSON, every field (always there: required);
- ``rounds.csv`` and ``rounds/{slug}.csv``: CSV, the same filters and paging, ``fields=``;
- ``sparse/rounds/`` and ``sparse/rounds/{slug}/``: JSON holding only the ``fields=`` asked
  for (required there), typed as ``SparseRound``, none of its fields required.

One operation answering JSON or CSV made every generated client's answer a union of an
object and a string (openapi-fetch, orval), and one answering full or sparse records made
every field optional; a validator took a round with its id removed as a sparse one.

The JSON URL asked for CSV (``Accept: text/csv``, ``?format=csv``) or a sparse answer
(``?fields=``) answers ``303 See Other`` with the URL that gives it, the query kept.
Every resource of the router gets its twins (``representation_urls``), whatever is added.
"""

from django.http import HttpResponse
from django.urls import path, reverse
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.utils.urls import remove_query_param

from negotiations.api.renderers import CSVRenderer, ORJSONRenderer
from negotiations.api.serializers.fields import StrictBooleanField

CSV = "csv"
SPARSE = "sparse"
TWINS = (CSV, SPARSE)
RAW_PARAM = "raw"
RAW_PARAMETER = {
    "in": "query",
    "name": RAW_PARAM,
    "required": False,
    "schema": {"type": "boolean", "default": False},
    "description": "true: every cell as it is. By default text that a spreadsheet would run as "
    "a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading ' "
    "(OWASP's remedy); a program reading the CSV wants the values unchanged.",
}


def twin_routes(prefix: str, twin: str) -> dict[str, str]:
    """The list and detail routes of a resource's twin (Django path syntax)."""
    if twin == CSV:
        return {"list": f"{prefix}.csv", "retrieve": f"{prefix}/<slug:slug>.csv"}
    return {"list": f"{SPARSE}/{prefix}/", "retrieve": f"{SPARSE}/{prefix}/<slug:slug>/"}


def representation_urls(router) -> list:
    """The CSV and sparse twins of every list and detail the router serves."""
    urls = []
    for prefix, viewset, basename in router.registry:
        for twin in TWINS:
            for action, route in twin_routes(prefix, twin).items():
                kind = "list" if action == "list" else "detail"
                view = viewset.as_view(
                    {"get": action},
                    representation=twin,
                    basename=basename,
                    detail=kind == "detail",
                    suffix="List" if kind == "list" else "Instance",
                )
                urls.append(path(route, view, name=f"{basename}-{kind}-{twin}"))
    return urls


class SeeOther(APIException):
    """The JSON URL asked for another representation: 303 to the URL that gives it."""

    status_code = 303

    def __init__(self, location: str):
        super().__init__(f"See {location}")
        self.location = location

    def response(self) -> HttpResponse:
        answer = HttpResponse(status=self.status_code)
        del answer["Content-Type"]  # no body
        answer["Location"] = self.location
        answer["Vary"] = "Accept"  # the same URL answers JSON, or 303 for Accept: text/csv
        return answer


class RepresentationsMixin:
    """A viewset's list and detail as JSON (``representation`` None), CSV or sparse JSON."""

    # None for the JSON URLs; CSV or SPARSE for the twins (representation_urls).
    representation = None

    def get_renderers(self):
        if self.representation == CSV:
            return [CSVRenderer()]
        renderers = super().get_renderers()
        if self.representation is None and self.action in ("list", "retrieve"):
            return renderers  # CSV is negotiated, to be answered with a 303 (initial)
        # Writes, sparse answers, computed endpoints: JSON (Accept: text/csv is a 406).
        return [r for r in renderers if not isinstance(r, CSVRenderer)]

    def perform_content_negotiation(self, request, force=False):
        if self.representation == CSV:
            # The CSV URL is CSV whatever the Accept header says; an error answered before
            # negotiation (force: a 405) is JSON, like every error.
            renderer = ORJSONRenderer() if force else CSVRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    @property
    def ignores_accept(self) -> bool:  # for the schema: no 406 on the CSV URLs
        return self.representation == CSV

    @property
    def representation_params(self) -> set[str]:
        """The query parameters of this representation (StrictQueryMixin allows them)."""
        return {RAW_PARAM} if self.representation == CSV else set()

    # raw=true on a CSV URL: cells as they are, without the leading ' that keeps a
    # spreadsheet from running text as a formula (CSVRenderer reads it).
    raw_csv = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.representation is None and self.action in ("list", "retrieve"):
            twin = self.asked_twin(request)
            if twin is not None:
                raise SeeOther(self.twin_url(request, twin))
        if self.representation == CSV and RAW_PARAM in request.query_params:
            raw = StrictBooleanField()
            try:
                self.raw_csv = raw.run_validation(request.query_params[RAW_PARAM])
            except ValidationError as error:
                raise ValidationError({RAW_PARAM: error.detail}) from None

    @staticmethod
    def asked_twin(request) -> str | None:
        """The twin a request to the JSON URL asks for: CSV (by Accept or ?format=csv,
        fields= then applying to the CSV), else sparse (?fields=), else none."""
        if isinstance(request.accepted_renderer, CSVRenderer):
            return CSV
        if "fields" in request.query_params:
            return SPARSE
        return None

    def twin_url(self, request, twin: str) -> str:
        kind = "list" if self.action == "list" else "detail"
        kwargs = {key: value for key, value in self.kwargs.items() if key != "format"}
        location = request.build_absolute_uri(
            reverse(f"api:{self.basename}-{kind}-{twin}", kwargs=kwargs)
        )
        query = request.META.get("QUERY_STRING")
        if query:
            location = remove_query_param(f"{location}?{query}", "format")
        return location
