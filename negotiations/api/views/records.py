"""The plain resources: sides, organizations, people, agenda items, measures, positions,
sources, citations and disagreements."""

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema

from negotiations import filtersets, models
from negotiations.api import readers
from negotiations.api import serializers as api
from negotiations.api.views.base import DISPUTES, RecordViewSet
from negotiations.api.views.known_as_of import (
    KNOWN_AS_OF_PARAMETER,
    KnownAsOfMixin,
)
from negotiations.domain import known
from negotiations.domain.citations import link_prefetch


class PartyViewSet(RecordViewSet):
    """Negotiating sides (countries, blocs) with their aliases."""

    queryset = models.Party.objects.prefetch_related(
        "aliases", link_prefetch(models.PartyAlias, "aliases")
    ).order_by("name", "pk")
    serializer_class = api.PartySerializer
    filterset_class = filtersets.PartyFilterSet
    ordering_fields = ["name", "code", "created", "updated"]


class OrganizationViewSet(RecordViewSet):
    """Ministries and agencies of the parties, with their aliases."""

    queryset = (
        models.Organization.objects.select_related("party", "parent")
        .prefetch_related("aliases", link_prefetch(models.OrganizationAlias, "aliases"))
        .order_by("party__code", "name", "pk")
    )
    serializer_class = api.OrganizationSerializer
    filterset_class = filtersets.OrganizationFilterSet
    ordering_fields = ["name", "acronym", "created", "updated"]


class PersonViewSet(RecordViewSet):
    """People, with every spelling of their names found in sources, and their roles."""

    queryset = (
        models.Person.objects.select_related("party")
        .prefetch_related(
            "aliases",
            link_prefetch(models.PersonAlias, "aliases"),
            Prefetch("roles", queryset=models.Role.objects.select_related("organization")),
            link_prefetch(models.Role, "roles"),
        )
        .order_by("name", "pk")
    )
    serializer_class = api.PersonSerializer
    reader = staticmethod(readers.read_people)
    filterset_class = filtersets.PersonFilterSet
    ordering_fields = ["name", "created", "updated"]


class AgendaItemViewSet(RecordViewSet):
    """Agenda entries as reported, each mapped to one or more canonical areas."""

    queryset = (
        models.AgendaItem.objects.select_related("round__negotiation")
        .prefetch_related("areas", link_prefetch(models.AgendaItem))
        .order_by("round__negotiation__title", "round__sequence", "order", "pk")
    )
    serializer_class = api.AgendaItemSerializer
    filterset_class = filtersets.AgendaItemFilterSet
    ordering_fields = ["order", "label", "created", "updated"]


class AgendaExclusionViewSet(KnownAsOfMixin, RecordViewSet):
    """Areas a source says are off a round's agenda, or off a whole negotiation's, and where
    they are handled instead when a source says so."""

    queryset = (
        models.AgendaExclusion.objects.select_related("negotiation", "round", "area", "handled_in")
        .prefetch_related(link_prefetch(models.AgendaExclusion))
        .order_by("negotiation__title", "round__sequence", "area__name", "pk")
    )
    serializer_class = api.AgendaExclusionSerializer
    filterset_class = filtersets.AgendaExclusionFilterSet
    ordering_fields = ["created", "updated"]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class MeasureViewSet(KnownAsOfMixin, RecordViewSet):
    """Tariffs and other measures at stake: rate, scope, status and dates."""

    queryset = (
        models.Measure.objects.select_related("imposing_party", "target_party", "negotiation")
        .prefetch_related(DISPUTES, link_prefetch(models.Measure))
        .order_by("title", "pk")
    )
    serializer_class = api.MeasureSerializer
    filterset_class = filtersets.MeasureFilterSet
    ordering_fields = ["title", "rate_percent", "announced_on", "status", "created", "updated"]

    def known_prefetches(self, day):
        disputes = known.known_disagreements(DISPUTES.queryset, day)
        return [*super().known_prefetches(day), Prefetch("disagreements", queryset=disputes)]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class PositionViewSet(KnownAsOfMixin, RecordViewSet):
    """What each side requested, offered, rejected or stated — who said it, citing what."""

    queryset = (
        models.Position.objects.select_related(
            "party", "speaker", "organization", "negotiation", "round"
        )
        .prefetch_related("areas", link_prefetch(models.Position))
        .order_by(F("stated_on").asc(nulls_last=True), "slug", "pk")
    )
    serializer_class = api.PositionSerializer
    filterset_class = filtersets.PositionFilterSet
    ordering_fields = ["stated_on", "kind", "created", "updated"]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class SourceViewSet(RecordViewSet):
    """The documents the record is built from."""

    queryset = models.Source.objects.order_by(F("published_at").asc(nulls_last=True), "slug", "pk")
    serializer_class = api.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    ordering_fields = ["published_at", "title", "publisher", "created", "updated"]


class CitationViewSet(RecordViewSet):
    """Verbatim quotes from sources; every fact points at the citations that support it."""

    queryset = models.Citation.objects.select_related("source").order_by(
        "source__slug", "slug", "pk"
    )
    serializer_class = api.CitationSerializer
    filterset_class = filtersets.CitationFilterSet
    ordering_fields = ["slug", "created", "updated"]


class DisagreementViewSet(KnownAsOfMixin, RecordViewSet):
    """Where sources contradict each other: every version, with its citations."""

    queryset = (
        models.Disagreement.objects.select_related("negotiation", "round", "area")
        .prefetch_related("measures", "claims", link_prefetch(models.DisagreementClaim, "claims"))
        .order_by("title", "pk")
    )
    serializer_class = api.DisagreementSerializer
    filterset_class = filtersets.DisagreementFilterSet
    ordering_fields = ["title", "status", "created", "updated"]

    def known_prefetches(self, day):
        # Only the versions published by then, with only those citations.
        claims = known.known(models.DisagreementClaim.objects.all(), day)
        return [
            Prefetch("claims", queryset=claims),
            link_prefetch(models.DisagreementClaim, "claims", day),
        ]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
