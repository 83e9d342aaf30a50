"""The textbook DRF version of the hot endpoints: what a typical project would write first.

Nested ModelSerializers, no select_related / prefetch_related, SerializerMethodFields that
query, and agenda changes computed round by round with queries per round. It produces the
same JSON as the project's endpoints (bench/run.py checks that before timing) and is
mounted only by the benchmark's URLconf (bench/urls.py) under /bench/naive/.
"""

import datetime

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, renderers, serializers, viewsets
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bench import provenance, shape
from negotiations import filtersets
from negotiations.models import (
    AgendaArea,
    AgendaExclusion,
    AgendaItemArea,
    Deadline,
    Disagreement,
    Negotiation,
    Person,
    PersonAlias,
    Role,
    Round,
)

# --- Serializers ---------------------------------------------------------------------------------


class CitationLinkSerializer(serializers.Serializer):
    """A fact's citation through its link (what the quote states of the fact): a query for
    the citation and one for its source, per link."""

    slug = serializers.CharField(source="citation.slug")
    source = serializers.CharField(source="citation.source.slug")
    publisher = serializers.CharField(source="citation.source.publisher")
    quote = serializers.CharField(source="citation.quote")
    published_on = serializers.SerializerMethodField()
    facets = serializers.JSONField()
    values = serializers.JSONField()
    reports_change = serializers.BooleanField()

    def get_published_on(self, link):
        source = link.citation.source
        day = source.published_on_end or source.published_on
        return day.isoformat() if day else None


class CitationSerializer(serializers.ListField):
    """A fact's citations, in slug order: its links, each serialized as above."""

    child = CitationLinkSerializer()

    def get_attribute(self, instance):
        return sorted(instance.citation_links.all(), key=lambda link: link.citation.slug)

    def to_representation(self, links):
        return [CitationLinkSerializer(link).data for link in links]


class NegotiationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Negotiation
        fields = ["slug", "title"]


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["slug", "name"]


class AreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaArea
        fields = ["slug", "name"]


class DisputeRefSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    facet = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField()

    class Meta:
        model = Disagreement
        fields = ["slug", "title", "topic", "status", "area", "facet", "computed"]

    def get_facet(self, disagreement):
        return None

    def get_computed(self, disagreement):
        return False


class ParticipantSerializer(serializers.Serializer):
    person = PersonRefSerializer(allow_null=True)
    name_as_reported = serializers.CharField()
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization_inferred = serializers.BooleanField()
    role = serializers.CharField()
    citations = CitationSerializer()


class AgendaItemSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    order = serializers.IntegerField()
    areas = AreaRefSerializer(many=True)
    notes = serializers.CharField()
    citations = CitationSerializer()


class RoundSerializer(serializers.ModelSerializer):
    negotiation = NegotiationRefSerializer()
    participants = ParticipantSerializer(many=True)
    agenda = serializers.SerializerMethodField()
    disputes = serializers.SerializerMethodField()
    citations = CitationSerializer()

    class Meta:
        model = Round
        fields = [
            "id",
            "slug",
            "negotiation",
            "sequence",
            "title",
            "level",
            "status",
            "start_date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "date_note",
            "city",
            "region",
            "country",
            "venue",
            "occasion",
            "summary",
            "outcomes",
            "agenda_status",
            "agenda_basis",
            "agenda",
            "participants",
            "disputes",
            "citations",
            "created",
            "updated",
        ]

    def to_representation(self, round_):
        data = super().to_representation(round_)
        data["agenda_basis"] = data["agenda_basis"] or None
        # What its values and lists make disputed: the exclusions of the round, a query.
        exclusions = [
            exclusion_entry(exclusion) for exclusion in round_.agenda_exclusions.order_by("pk")
        ]
        data["disputes"] += provenance.round_disputes(data, exclusions)
        return data

    def get_disputes(self, round_):
        return DisputeRefSerializer(round_.disagreements.order_by("title", "pk"), many=True).data

    def get_agenda(self, round_):
        if round_.agenda_status != "reported":
            return None
        items = round_.agenda_items.order_by("order", "pk")
        return AgendaItemSerializer(items, many=True).data


class DeadlineSerializer(serializers.ModelSerializer):
    negotiation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    measure = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    days_remaining = serializers.SerializerMethodField()
    deadline_status = serializers.SerializerMethodField()
    disputes = serializers.SerializerMethodField()
    citations = CitationSerializer()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "negotiation",
            "measure",
            "date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "date_note",
            "description",
            "days_remaining",
            "deadline_status",
            "disputes",
            "citations",
            "created",
            "updated",
        ]

    def as_of(self):
        raw = self.context["request"].query_params.get("as_of")
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()

    def get_disputes(self, deadline):
        record = {
            "slug": deadline.slug,
            "title": deadline.title,
            "kind": deadline.kind,
            "date": deadline.date.isoformat() if deadline.date else None,
            "end_date": deadline.end_date.isoformat() if deadline.end_date else None,
            "date_precision": deadline.date_precision,
            "date_as_reported": deadline.date_as_reported,
            "date_note": deadline.date_note,
            "description": deadline.description,
            "citations": citations(deadline),
        }
        return provenance.value_disputes(provenance.DEADLINE_FACETS, record)

    def get_days_remaining(self, deadline):
        if deadline.date is None:
            return None
        return (deadline.date - self.as_of()).days

    def get_deadline_status(self, deadline):
        if deadline.date is None:
            return None
        as_of = self.as_of()
        if as_of < deadline.date:
            return "upcoming"
        if as_of <= (deadline.end_date or deadline.date):
            return "due_today"
        return "passed"


class AliasSerializer(serializers.ModelSerializer):
    citations = CitationSerializer()

    class Meta:
        model = PersonAlias
        fields = ["name", "kind", "citations"]


class RoleSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization_name = serializers.CharField(source="organization.name")
    citations = CitationSerializer()

    class Meta:
        model = Role
        fields = [
            "organization",
            "organization_name",
            "title",
            "is_acting",
            "start_date",
            "end_date",
            "citations",
        ]


class PersonSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    aliases = AliasSerializer(many=True)
    roles = RoleSerializer(many=True)

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "party", "aliases", "roles", "notes", "created", "updated"]


# --- Baselines: the request stack with nothing to do ---------------------------------------------


def noop_django(request):
    return HttpResponse(b"{}", content_type="application/json")


class NoopView(APIView):
    """A DRF view with the project's default authentication, permissions and renderers."""

    def get(self, request):
        return Response({})

    def get_queryset(self):  # DjangoModelPermissionsOrAnonReadOnly wants a queryset
        return Round.objects.none()


# --- List and detail viewsets --------------------------------------------------------------------


class Pagination(pagination.PageNumberPagination):
    page_size = 50


class NaiveViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination
    renderer_classes = [renderers.JSONRenderer]


class RoundViewSet(NaiveViewSet):
    queryset = Round.objects.order_by(F("start_date").asc(nulls_last=True), "pk")
    serializer_class = RoundSerializer
    filterset_class = filtersets.RoundFilterSet


class DeadlineViewSet(NaiveViewSet):
    queryset = Deadline.objects.order_by("date", "pk")
    serializer_class = DeadlineSerializer
    filterset_class = filtersets.DeadlineFilterSet


class PersonViewSet(NaiveViewSet):
    queryset = Person.objects.order_by("name", "pk")
    serializer_class = PersonSerializer
    filterset_class = filtersets.PersonFilterSet


# --- Agenda changes, one round at a time ---------------------------------------------------------


def row(round_: Round) -> dict:
    return {
        "id": round_.pk,
        "slug": round_.slug,
        "title": round_.title,
        "sequence": round_.sequence,
        "negotiation": round_.negotiation.slug,  # a query per round
        "level": round_.level,
        "status": round_.status,
        "start_date": round_.start_date.isoformat() if round_.start_date else None,
        "end_date": round_.end_date.isoformat() if round_.end_date else None,
        "date_precision": round_.date_precision,
        "agenda_status": round_.agenda_status,
        "agenda_basis": round_.agenda_basis,
    }


def citations(fact) -> list[dict]:
    return CitationSerializer().to_representation(CitationSerializer().get_attribute(fact))


def include_planned(request) -> bool:
    return request.query_params.get("include_planned") == "true"


def agenda(round_: Round) -> dict:
    """The round's reported agenda: queries per item, per area and per citation."""
    result = {}
    for item in round_.agenda_items.order_by("order", "pk"):
        for area in item.areas.order_by("name"):
            cited = citations(item)
            result[area.slug] = {
                "name": area.name,
                "reported": {
                    "item": item.slug,
                    "label": provenance.label_of(item.label, cited),
                    "citations": cited,
                },
            }
    return result


def exclusion_entry(exclusion: AgendaExclusion) -> dict:
    """An area said to be off a round or a negotiation: queries for its area, its
    negotiation and its citations."""
    return {
        "slug": exclusion.area.slug,
        "name": exclusion.area.name,
        "exclusion": exclusion.slug,
        "scope": "round" if exclusion.round_id else "negotiation",
        "handled_in": exclusion.handled_in.slug if exclusion.handled_in else None,
        "note": exclusion.note,
        "citations": citations(exclusion),
    }


def exclusions(facts: shape.Facts, round_: Round, area: AgendaArea | None = None) -> None:
    """The round's exclusions and its negotiation's (of one area if given), into facts."""
    own = round_.agenda_exclusions.order_by("area__name", "pk")
    whole = round_.negotiation.agenda_exclusions.filter(round=None).order_by("area__name", "pk")
    if area is not None:
        own, whole = own.filter(area=area), whole.filter(area=area)
    facts.round_exclusions[round_.pk] = [exclusion_entry(x) for x in own]
    facts.negotiation_exclusions[round_.negotiation.slug] = [exclusion_entry(x) for x in whole]


def list_disputes(facts: shape.Facts, round_: Round, area: AgendaArea | None = None) -> list:
    """What the sources' lists make disputed about the round's agenda (of one area if
    given): its items again, with their areas and citations, and its own citations."""
    if round_.agenda_status != "reported":
        return []
    listed, item_refs = {}, {}
    for item in round_.agenda_items.order_by("order", "pk"):
        for item_area in item.areas.order_by("name"):
            if area is None or item_area.pk == area.pk:
                listed[item_area.slug] = {"name": item_area.name}
                item_refs.setdefault(item_area.slug, []).extend(citations(item))
    return provenance.list_disputes(
        row(round_),
        listed,
        item_refs,
        citations(round_),
        facts.exclusions(row(round_), own_only=True),
    )


def unmapped(round_: Round) -> list[dict]:
    """The round's items mapped to no area: a query, and one per item for its citations."""
    return [
        {"item": item.slug, "label": item.label, "citations": citations(item)}
        for item in round_.agenda_items.filter(area_links=None).order_by("order", "pk")
    ]


def previous(round_: Round, planned: bool = False) -> tuple[Round | None, list[dict]]:
    """Walk back to the round this one is compared with, a query per round passed over."""
    skipped = []
    earlier = Round.objects.filter(negotiation=round_.negotiation, sequence__lt=round_.sequence)
    for candidate in earlier.order_by("-sequence"):
        reason = shape.passed_over(
            {"status": candidate.status, "agenda_status": candidate.agenda_status},
            {"status": round_.status},
            planned,
        )
        if reason is None:
            return candidate, skipped
        skipped.append({"round": shape.round_ref(row(candidate)), "reason": reason})
    return None, skipped


def annotations(round_: Round, **filters) -> list[dict]:
    return [
        {
            "area": note.area.slug,
            "change": note.change,
            "basis": note.basis,
            "note": note.note,
            "citations": citations(note),
        }
        for note in round_.annotations.filter(**filters).order_by("area__name", "-basis")
    ]


def disputes(round_: Round | None) -> list[dict]:
    """What the sources disagree about in the round: a query per disagreement and claim."""
    if round_ is None:
        return []
    return [
        {
            "slug": disagreement.slug,
            "title": disagreement.title,
            "status": disagreement.status,
            "topic": disagreement.topic,
            "round": disagreement.round.slug,
            "area": disagreement.area.slug if disagreement.area else None,
            "computed": False,
            "claims": [
                {"label": claim.label, "claim": claim.claim, "citations": citations(claim)}
                for claim in disagreement.claims.order_by("label", "pk")
            ],
        }
        for disagreement in round_.disagreements.order_by("pk")
    ]


def round_changes(round_: Round, planned: bool = False) -> dict:
    basis, skipped = previous(round_, planned)
    facts = shape.Facts()
    for fact in (round_, basis):
        if fact is not None:
            facts.agendas[fact.pk] = agenda(fact)
            facts.unmapped[fact.pk] = unmapped(fact)
            exclusions(facts, fact)
            facts.disputes[fact.pk] = disputes(fact) + list_disputes(facts, fact)
    facts.notes[round_.pk] = annotations(round_)
    return shape.changes(row(round_), row(basis) if basis else None, skipped, facts)


@api_view(["GET"])
@renderer_classes([renderers.JSONRenderer])
@permission_classes([AllowAny])
def round_agenda_changes(request, slug):
    return Response(round_changes(get_object_or_404(Round, slug=slug), include_planned(request)))


@api_view(["GET"])
@renderer_classes([renderers.JSONRenderer])
@permission_classes([AllowAny])
def negotiation_agenda_changes(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    changes = [
        round_changes(r, include_planned(request)) for r in negotiation.rounds.order_by("sequence")
    ]
    return Response(
        {
            "negotiation": {"slug": negotiation.slug, "title": negotiation.title},
            "changes": changes,
            "contested": any(change["contested"] for change in changes),
        }
    )


def present(round_: Round, area: AgendaArea) -> dict | None:
    """Whether an area is on a round's agenda, with the item reporting it: a query per cell."""
    link = AgendaItemArea.objects.filter(round=round_, area=area).first()
    if link is None:
        return None
    item = link.item
    return {"item": item.slug, "label": item.label, "citations": citations(item)}


def cells_for(rounds: list[Round], area: AgendaArea, planned: bool = False) -> list[dict]:
    """One area's cells, each computed on its own: the basis, both rounds' entries for the
    area, the round's annotations on it and the disputes of both rounds."""
    cells = []
    for round_ in rounds:
        basis, _ = previous(round_, planned)
        facts = shape.Facts()
        for fact in (round_, basis):
            if fact is None:
                continue
            found = present(fact, area) if fact.agenda_status == "reported" else None
            if found:
                found["label"] = provenance.label_of(found["label"], found["citations"])
            facts.agendas[fact.pk] = (
                {area.slug: {"name": area.name, "reported": found}} if found else {}
            )
            exclusions(facts, fact, area)
            facts.disputes[fact.pk] = disputes(fact) + list_disputes(facts, fact, area)
        facts.notes[round_.pk] = annotations(round_, area=area)
        cells.append(shape.cell(row(round_), row(basis) if basis else None, area.slug, facts))
    return cells


@api_view(["GET"])
@renderer_classes([renderers.JSONRenderer])
@permission_classes([AllowAny])
def agenda_matrix(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    rounds = list(negotiation.rounds.order_by("sequence"))
    listed = AgendaArea.objects.filter(item_links__round__negotiation=negotiation).distinct()
    off = AgendaArea.objects.filter(exclusions__negotiation=negotiation).distinct()
    shaped = [
        {
            "slug": area.slug,
            "name": area.name,
            "cells": cells_for(rounds, area, include_planned(request)),
        }
        for area in (listed | off).distinct().order_by("name")
    ]
    # An area only said to be off shows where it is off a round (not an unreported one).
    shaped = [
        area
        for area in shaped
        if listed.filter(pk__in=AgendaArea.objects.filter(slug=area["slug"])).exists()
        or any(c["state"] == "excluded" for c in area["cells"])
    ]
    lists = {r.pk: unmapped(r) for r in rounds if r.agenda_status == "reported"}
    return Response(
        {
            "negotiation": negotiation.slug,
            "rounds": [shape.round_ref(row(r)) for r in rounds],
            "areas": shaped,
            "unmapped": [
                {"round": r.slug, "items": lists[r.pk]} for r in rounds if lists.get(r.pk)
            ],
            "contested": any(c["disputes"] for area in shaped for c in area["cells"]),
        }
    )


class HistoryPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@api_view(["GET"])
@renderer_classes([renderers.JSONRenderer])
@permission_classes([AllowAny])
def area_history(request, slug):
    area = get_object_or_404(AgendaArea, slug=slug)
    negotiations = Negotiation.objects.filter(rounds__agenda_area_links__area=area).distinct()
    paginator = HistoryPagination()
    page = paginator.paginate_queryset(negotiations.order_by("title", "pk"), request)
    body = []
    for negotiation in page:
        rounds = list(negotiation.rounds.order_by("sequence"))
        cells = cells_for(rounds, area, include_planned(request))
        body.append(
            {
                "negotiation": {"slug": negotiation.slug, "title": negotiation.title},
                "rounds": [
                    {**c, "round": shape.round_ref(row(r))}
                    for r, c in zip(rounds, cells, strict=True)
                ],
                "events": [
                    {"round": r.slug, "change": c["change"]}
                    for r, c in zip(rounds, cells, strict=True)
                    if c["change"] in ("first_reported", "added", "dropped")
                ],
            }
        )
    links = {
        "count": paginator.page.paginator.count,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
    }
    return Response(shape.history({"slug": area.slug, "name": area.name}, links, body))
