"""Negotiations, rounds and agenda areas: records whose computed endpoints answer what each
round's agenda added, dropped and retained (negotiations.domain.agenda)."""

from django.db.models import F, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from negotiations import filtersets, models
from negotiations.api import readers
from negotiations.api import serializers as api
from negotiations.api.pagination import AreaHistoryPagination
from negotiations.api.schema import SLUG_PATTERN
from negotiations.api.views.base import DISPUTES, JSON_ONLY, RecordViewSet
from negotiations.api.views.known_as_of import (
    KNOWN_AS_OF_PARAMETER,
    KnownAsOfMixin,
    known_as_of_param,
    with_known_as_of,
)
from negotiations.domain import agenda
from negotiations.domain.citations import link_prefetch


class AgendaQuerySerializer(serializers.Serializer):
    """The query parameters of every agenda comparison."""

    known_as_of = known_as_of_param()
    include_planned = api.StrictBooleanField(
        required=False,
        default=False,
        help_text="Also compare a held round with planned or postponed rounds (by default it "
        "is compared with the latest earlier held round, and they are skipped).",
    )


def agenda_answer(compute, query: dict):
    """Run a comparison with the request's parameters; a round unknown on the day is a 404."""
    try:
        return compute(
            known_as_of=query.get("known_as_of"), include_planned=query["include_planned"]
        )
    except agenda.RoundNotKnown as error:
        raise NotFound(
            f"No source published by {query['known_as_of'].isoformat()} reports the round "
            f"{error.args[0]}."
        ) from error


class NegotiationViewSet(RecordViewSet):
    """Negotiation tracks; their agenda changes and agenda matrix are computed here."""

    version_subject_kind = "negotiation"  # a negotiation's answers: its own version

    queryset = models.Negotiation.objects.prefetch_related(
        "parties",
        "organizations",
        Prefetch(
            "relations_from",
            queryset=models.NegotiationRelation.objects.select_related("to_negotiation"),
        ),
        link_prefetch(models.NegotiationRelation, "relations_from"),
        Prefetch(
            "relations_to",
            queryset=models.NegotiationRelation.objects.select_related("from_negotiation"),
        ),
        link_prefetch(models.NegotiationRelation, "relations_to"),
        link_prefetch(models.Negotiation),
    ).order_by("title", "pk")
    serializer_class = api.NegotiationSerializer
    filterset_class = filtersets.NegotiationFilterSet
    ordering_fields = ["title", "status", "created", "updated"]
    action_params = {
        **RecordViewSet.action_params,
        "agenda_changes": AgendaQuerySerializer,
        "agenda_matrix": AgendaQuerySerializer,
    }

    @extend_schema(
        summary="Every round's agenda changes, in sequence",
        description="For each round of the negotiation, what was added, dropped and retained "
        "against the round it is compared with, on what evidence, and where the sources "
        "disagree (see the round endpoint for the rules).",
        parameters=[AgendaQuerySerializer],
        responses=api.NegotiationAgendaChangesSerializer,
    )
    @action(detail=True, url_path="agenda-changes", renderer_classes=JSON_ONLY)
    def agenda_changes(self, request, slug=None):
        negotiation, query = self.get_object(), self.action_query()
        changes = agenda_answer(
            lambda **options: agenda.negotiation_agenda_changes(negotiation, **options), query
        )
        answer = {
            "negotiation": {"slug": negotiation.slug, "title": negotiation.title},
            "changes": changes,
            "contested": any(change["contested"] for change in changes),
        }
        return Response(with_known_as_of(answer, query.get("known_as_of")))

    @extend_schema(
        summary="Agenda areas × rounds, for a heat map",
        description="Each cell is present, absent or unknown (the round's agenda was not "
        "reported) and marks the change against the round it is compared with "
        "(first_reported for the first reported agenda), with its basis, the editors' "
        "annotations and the disputes.",
        parameters=[AgendaQuerySerializer],
        responses=api.AgendaMatrixSerializer,
    )
    @action(detail=True, url_path="agenda-matrix", renderer_classes=JSON_ONLY)
    def agenda_matrix(self, request, slug=None):
        negotiation, query = self.get_object(), self.action_query()
        matrix = agenda_answer(
            lambda **options: agenda.agenda_matrix(negotiation, **options), query
        )
        return Response(with_known_as_of(matrix, query.get("known_as_of")))


ROUND_QUERYSET = models.Round.objects.select_related("negotiation").prefetch_related(
    Prefetch(
        "participants",
        queryset=models.Participant.objects.select_related("person", "party", "organization"),
    ),
    link_prefetch(models.Participant, "participants"),
    Prefetch("agenda_items", queryset=models.AgendaItem.objects.order_by("order", "pk")),
    "agenda_items__areas",
    link_prefetch(models.AgendaItem, "agenda_items"),
    DISPUTES,
    link_prefetch(models.Round),
)


class CompareQuerySerializer(serializers.Serializer):
    """The two rounds of /rounds/compare/: ?from=<slug>&to=<slug>[&known_as_of=]."""

    def get_fields(self):
        return {
            "from": api.slug_of(models.Round, help_text="The earlier round (slug)."),
            "to": api.slug_of(models.Round, help_text="The later round (slug)."),
            "known_as_of": known_as_of_param(),
        }


@extend_schema_view(
    list=extend_schema(
        description="Rounds, held and planned. List items embed the negotiation, participants "
        "and agenda; citations are embedded in lists and details alike."
    )
)
class RoundViewSet(KnownAsOfMixin, RecordViewSet):
    """Rounds of negotiation: when, where, at what level, with whom, on which agenda."""

    version_subject_kind = "round"  # a round's answers: its negotiation's version

    queryset = ROUND_QUERYSET.order_by(F("start_date").asc(nulls_last=True), "pk")
    serializer_class = api.RoundSerializer
    reader = staticmethod(readers.read_rounds)
    filterset_class = filtersets.RoundFilterSet
    ordering_fields = ["start_date", "sequence", "title", "level", "status", "created", "updated"]
    action_params = {
        **RecordViewSet.action_params,
        "agenda_changes": AgendaQuerySerializer,
        "compare": CompareQuerySerializer,
    }

    def reader_columns(self):
        # As known on a day, a round's agenda is reported only if one of its items was.
        extra = ("agenda_known",) if self.known_as_of is not None else ()
        return (*self.reader.columns, *extra)

    def read(self, rows):
        return self.reader(rows, getattr(self, "sparse_fields", None), self.known_as_of)

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="What this round's agenda added, dropped and retained, on what evidence",
        description="A held round is compared with the latest earlier held round of the "
        "same negotiation whose agenda is reported; planned and postponed rounds are skipped "
        "(unless include_planned=true). Any other round is compared with the latest earlier "
        "round of any status. Rounds with an unknown agenda and cancelled ones are skipped "
        "and listed in `skipped`, never treated as empty. The first reported agenda is "
        "`first_reported`. Each entry says its basis (stated or inferred) and the disputes "
        "about it. If this round's own agenda is unknown, `comparable` is false and the lists "
        "are empty.",
        parameters=[AgendaQuerySerializer],
        responses=api.AgendaChangesSerializer,
    )
    @action(detail=True, url_path="agenda-changes", renderer_classes=JSON_ONLY)
    def agenda_changes(self, request, slug=None):
        round_, query = self.get_object(), self.action_query()
        changes = agenda_answer(
            lambda **options: agenda.round_agenda_changes(round_, **options), query
        )
        return Response(with_known_as_of(changes, query.get("known_as_of")))

    @extend_schema(
        summary="Compare the agendas of any two rounds",
        description="The same shape as a round's agenda-changes, for any two rounds, even "
        "across negotiations: `round` is `to`, `compared_to` is `from`.",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                required=True,
                pattern=SLUG_PATTERN,
                description="Slug of the earlier round.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                required=True,
                pattern=SLUG_PATTERN,
                description="Slug of the later round.",
            ),
            KNOWN_AS_OF_PARAMETER,
        ],
        responses=api.AgendaChangesSerializer,
        filters=False,
    )
    @action(detail=False, url_path="compare", renderer_classes=JSON_ONLY)
    def compare(self, request):
        query = self.action_query()
        day = query.get("known_as_of")
        try:
            changes = agenda.compare_rounds(query["from"], query["to"], known_as_of=day)
        except agenda.RoundNotKnown as error:
            raise NotFound(
                f"No source published by {day.isoformat()} reports the round {error.args[0]}."
            ) from error
        return Response(with_known_as_of(changes, day))


class AgendaAreaViewSet(RecordViewSet):
    """The canonical agenda taxonomy, with the other words sources use for each area."""

    queryset = models.AgendaArea.objects.prefetch_related(
        "aliases", link_prefetch(models.AgendaAreaAlias, "aliases")
    ).order_by("name", "pk")
    serializer_class = api.AgendaAreaSerializer
    filterset_class = filtersets.AgendaAreaFilterSet
    ordering_fields = ["name", "created", "updated"]

    action_params = {**RecordViewSet.action_params, "history": AgendaQuerySerializer}

    @extend_schema(
        summary="Where this area was on, off or unknown, round by round",
        description="Every round of the negotiations in which the area ever appeared (a page "
        "of negotiations, by title), with its state, the change each round marks, its "
        "evidence and disputes, and the events (first reported, added, dropped).",
        parameters=[AgendaQuerySerializer],
        responses=api.AreaHistorySerializer,
    )
    @action(
        detail=True,
        url_path="history",
        renderer_classes=JSON_ONLY,
        pagination_class=AreaHistoryPagination,
        filter_backends=[],
    )
    def history(self, request, slug=None):
        # The agenda story of the area; its audit history is at audit-history/.
        area, query = self.get_object(), self.action_query()
        day = query.get("known_as_of")
        paginator = self.paginator
        page = paginator.paginate_queryset(agenda.area_negotiations(area, day), request, self)
        story = agenda.area_history(
            area,
            [negotiation.pk for negotiation in page],
            known_as_of=day,
            include_planned=query["include_planned"],
        )
        answer = {
            "area": story["area"],
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "negotiations": story["negotiations"],
            "contested": story["contested"],
        }
        return Response(with_known_as_of(answer, day), headers=paginator.paging_headers())
