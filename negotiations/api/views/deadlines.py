"""Deadlines, as records and as an iCalendar feed."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.negotiation import BaseContentNegotiation

from negotiations import filtersets, models
from negotiations.api import readers
from negotiations.api import serializers as api
from negotiations.api.caching import CachedAnswersMixin
from negotiations.api.conditional import ConditionalRequestsMixin
from negotiations.api.filters import filter_param_names
from negotiations.api.http import MethodFirstMixin
from negotiations.api.query import parse_as_of, parse_date, refuse_unknown_params
from negotiations.api.renderers import ICalendarRenderer, ORJSONRenderer
from negotiations.api.schema import TrackerAutoSchema
from negotiations.api.views.base import RecordViewSet
from negotiations.api.views.known_as_of import (
    KNOWN_AS_OF_PARAMETER,
    KnownAsOfMixin,
)
from negotiations.domain.citations import link_prefetch
from negotiations.domain.known import as_known


class DeadlineViewSet(KnownAsOfMixin, RecordViewSet):
    """Deadlines with days remaining and status relative to `as_of` (default today)."""

    queryset = (
        models.Deadline.objects.select_related("negotiation", "measure")
        .prefetch_related(link_prefetch(models.Deadline))
        .order_by("date", "pk")
    )
    serializer_class = api.DeadlineSerializer
    reader = staticmethod(readers.read_deadlines)
    filterset_class = filtersets.DeadlineFilterSet
    ordering_fields = ["date", "title", "kind", "created", "updated"]
    detail_params = {"as_of", "known_as_of"}
    empty_means_default = {"as_of"}  # ?as_of= counts from today (documented in the schema)

    def read(self, rows):
        return self.reader(
            rows,
            parse_as_of(self.request),
            getattr(self, "sparse_fields", None),
            self.known_as_of,
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["as_of"] = parse_as_of(self.request)
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="Count days remaining from this day (default: known_as_of if "
                "given, else today).",
            ),
            KNOWN_AS_OF_PARAMETER,
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """The calendar feed is always a calendar, whatever the client's Accept header."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    summary="Deadlines as an iCalendar feed (RFC 5545)",
    description="One all-day event per deadline with a stable UID; coarse dates span their "
    "window and say so. Accepts the same filters as the deadlines list.",
    responses={(200, "text/calendar"): OpenApiTypes.STR},
    filters=True,
)
class DeadlineCalendarView(
    MethodFirstMixin, ConditionalRequestsMixin, CachedAnswersMixin, generics.ListAPIView
):
    schema = TrackerAutoSchema()
    ignores_accept = True  # no 406: the feed is a calendar whatever the Accept header
    queryset = DeadlineViewSet.queryset
    serializer_class = api.DeadlineSerializer
    filterset_class = filtersets.DeadlineFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    renderer_classes = [ICalendarRenderer]
    content_negotiation_class = IgnoreAcceptNegotiation

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": parse_as_of(self.request)}

    def get_queryset(self):
        day = parse_date(self.request, "known_as_of")
        if day is None:
            return super().get_queryset()
        # As known on a day (the filter keeps the deadlines known then): those days' quotes.
        return self.queryset.prefetch_related(None).prefetch_related(
            link_prefetch(models.Deadline, known_as_of=day)
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        day = parse_date(request, "known_as_of")
        if day is not None:
            # Each event as the sources published by then gave it (its date, title and
            # description); one whose date no source had given yet is left out.
            events = [as_known(models.Deadline, dict(record), day) for record in response.data]
            response.data = [event for event in events if event["date"]]
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and OPTIONS metadata are JSON: only a list of deadlines is a calendar.
        if response.status_code >= 300 or request.method == "OPTIONS":
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        allowed = filter_param_names(self.filterset_class)
        refuse_unknown_params(request, allowed)
        response = super().get(request, *args, **kwargs)
        response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
        return response
