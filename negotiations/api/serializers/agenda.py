"""The computed agenda answers: changes between rounds, the matrix, an area's history."""

from rest_framework import serializers

from negotiations.api.serializers.fields import (
    CitationRefSerializer,
    NamedRefSerializer,
    TitledRefSerializer,
    known_as_of_field,
)
from negotiations.api.serializers.shapes import serializer_for
from negotiations.domain import agenda
from negotiations.domain.agenda import (
    CELL_CHANGES,
    CELL_STATES,
    CHANGE_BASES,
    FIRST_REPORTED,
)
from negotiations.domain.agenda_lists import ExcludedArea

# --- Computed answers (documentation of the domain functions' output) -------------------------


RoundRefSerializer = serializer_for(agenda.RoundRef)
ReportedItemSerializer = serializer_for(agenda.ReportedItem)
DisputeClaimSerializer = serializer_for(agenda.DisputeClaim)
DisputeSerializer = serializer_for(agenda.Dispute)
FirstReportedAreaSerializer = serializer_for(agenda.FirstReportedArea)
AreaChangeSerializer = serializer_for(agenda.AreaChange)
SkippedRoundSerializer = serializer_for(agenda.SkippedRound)
AnnotationSerializer = serializer_for(agenda.Annotation)
UnmappedItemsSerializer = serializer_for(agenda.UnmappedItems)
ExcludedAreaSerializer = serializer_for(ExcludedArea)


class AgendaChangesSerializer(serializer_for(agenda.AgendaChanges)):
    known_as_of = known_as_of_field()


class NegotiationAgendaChangesSerializer(serializers.Serializer):
    negotiation = TitledRefSerializer()
    changes = AgendaChangesSerializer(many=True)
    contested = serializers.BooleanField(help_text="Whether any round's answer is contested.")
    known_as_of = known_as_of_field()


class MatrixCellSerializer(serializers.Serializer):
    round = serializers.SlugField()
    state = serializers.ChoiceField(
        choices=CELL_STATES,
        help_text="present: on the round's reported agenda; absent: not listed on it; "
        "excluded: a source says it was off the agenda (see exclusions); unknown: no source "
        "reported the agenda.",
    )
    change = serializers.ChoiceField(
        choices=CELL_CHANGES,
        allow_null=True,
        help_text="The change this cell marks against the round it is compared with; "
        "first_reported for the negotiation's first reported agenda.",
    )
    basis = serializers.ChoiceField(
        choices=CHANGE_BASES,
        allow_null=True,
        help_text="For added, dropped and retained cells: stated or inferred.",
    )
    label = serializers.CharField(allow_null=True)
    item = serializers.SlugField(allow_null=True)
    citations = CitationRefSerializer(many=True, help_text="Of the item reporting the area.")
    before = ReportedItemSerializer(
        allow_null=True, help_text="For a dropped cell: the area as the compared round reported it."
    )
    annotations = AnnotationSerializer(
        many=True, help_text="Editors' notes on this change (a dropped cell: what reports it)."
    )
    disputes = DisputeSerializer(many=True)
    exclusions = ExcludedAreaSerializer(
        many=True, help_text="For an excluded cell: the sources that say the area was off."
    )


class MatrixAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    cells = MatrixCellSerializer(many=True, help_text="One per round, in round order.")


class MatrixUnmappedSerializer(serializers.Serializer):
    round = serializers.SlugField()
    items = ReportedItemSerializer(many=True)


class AgendaMatrixSerializer(serializers.Serializer):
    negotiation = serializers.SlugField()
    rounds = RoundRefSerializer(many=True)
    areas = MatrixAreaSerializer(many=True)
    unmapped = MatrixUnmappedSerializer(
        many=True,
        help_text=agenda.UNMAPPED_DOC.help + " Only rounds (reported agendas) that have some.",
    )
    contested = serializers.BooleanField(help_text="Whether any cell has disputes.")
    known_as_of = known_as_of_field()


class HistoryRoundSerializer(MatrixCellSerializer):
    round = RoundRefSerializer()


class HistoryEventSerializer(serializers.Serializer):
    round = serializers.SlugField()
    change = serializers.ChoiceField(choices=[FIRST_REPORTED, "added", "dropped"])


class HistoryNegotiationSerializer(serializers.Serializer):
    negotiation = TitledRefSerializer()
    rounds = HistoryRoundSerializer(many=True)
    events = HistoryEventSerializer(many=True)


class AreaHistorySerializer(serializers.Serializer):
    area = NamedRefSerializer()
    count = serializers.IntegerField(help_text="Negotiations in which the area appeared.")
    next = serializers.URLField(allow_null=True, help_text="The next page of negotiations.")
    previous = serializers.URLField(allow_null=True)
    negotiations = HistoryNegotiationSerializer(many=True)
    contested = serializers.BooleanField(help_text="Whether any cell on this page has disputes.")
    known_as_of = known_as_of_field()
