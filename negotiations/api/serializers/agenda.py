"""The computed agenda answers: changes between rounds, the matrix, an area's history."""

from rest_framework import serializers

from negotiations.api.serializers.fields import (
    CitationRefSerializer,
    NamedRefSerializer,
    TitledRefSerializer,
    known_as_of_field,
)
from negotiations.choices import (
    AgendaBasis,
    AgendaChange,
    AgendaStatus,
    AnnotationBasis,
    DatePrecision,
    DisagreementStatus,
    DisagreementTopic,
    RoundLevel,
    RoundStatus,
)
from negotiations.domain.agenda import (
    ABSENT,
    CELL_CHANGES,
    CHANGE_BASES,
    FIRST_REPORTED,
    PRESENT,
    SKIP_REASONS,
    UNKNOWN,
)

# --- Computed answers (documentation of the domain functions' output) -------------------------


class RoundRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    sequence = serializers.IntegerField()
    negotiation = serializers.SlugField()
    level = serializers.ChoiceField(choices=RoundLevel.choices)
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    agenda_status = serializers.ChoiceField(choices=AgendaStatus.choices)
    agenda_basis = serializers.ChoiceField(
        choices=AgendaBasis.choices,
        allow_blank=True,
        help_text="What kind of list the agenda is: discussed at the round, scope agreed there "
        "for later talks, or announced before it; empty when the agenda was not reported.",
    )


class ReportedItemSerializer(serializers.Serializer):
    item = serializers.SlugField(help_text="Slug of the agenda item.")
    label = serializers.CharField(help_text="The label exactly as reported.")
    citations = CitationRefSerializer(many=True)


class DisputeClaimSerializer(serializers.Serializer):
    label = serializers.CharField()
    claim = serializers.CharField()
    citations = CitationRefSerializer(many=True)


class DisputeSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The disagreement (conflicts/{slug}/).")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=DisagreementStatus.choices)
    topic = serializers.ChoiceField(choices=DisagreementTopic.choices)
    round = serializers.SlugField(help_text="The round it is about.")
    area = serializers.SlugField(
        allow_null=True, help_text="The area it is about; null: the round's agenda as a whole."
    )
    claims = DisputeClaimSerializer(many=True, help_text="Every version, with its citations.")


DISPUTES_HELP = (
    "Disagreements between sources about either compared round that concern this area, or "
    "that round's agenda as a whole."
)


class FirstReportedAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Canonical agenda area.")
    name = serializers.CharField()
    after = ReportedItemSerializer(help_text="As reported in round.")
    disputes = DisputeSerializer(many=True, help_text=DISPUTES_HELP)


class AreaChangeSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Canonical agenda area.")
    name = serializers.CharField()
    before = ReportedItemSerializer(allow_null=True, help_text="As reported in compared_to.")
    after = ReportedItemSerializer(allow_null=True, help_text="As reported in round.")
    basis = serializers.ChoiceField(
        choices=CHANGE_BASES,
        help_text="stated: an editors' annotation cites a source that reports this change in "
        "so many words; inferred: it only follows from comparing the two lists.",
    )
    disputes = DisputeSerializer(many=True, help_text=DISPUTES_HELP)


class SkippedRoundSerializer(serializers.Serializer):
    round = RoundRefSerializer()
    reason = serializers.ChoiceField(
        choices=SKIP_REASONS,
        help_text="agenda_not_reported or cancelled: never a basis; planned or postponed: not "
        "held, so not what a held round is compared with (unless include_planned=true).",
    )


class AnnotationSerializer(serializers.Serializer):
    area = serializers.SlugField()
    change = serializers.ChoiceField(choices=AgendaChange.choices)
    basis = serializers.ChoiceField(
        choices=AnnotationBasis.choices,
        help_text="stated: its citations report the change in so many words; editors_reading: "
        "context or a cause that no source links to the change.",
    )
    note = serializers.CharField()
    citations = CitationRefSerializer(many=True)


class UnmappedItemsSerializer(serializers.Serializer):
    before = ReportedItemSerializer(
        many=True, help_text="Items of compared_to's agenda mapped to no area."
    )
    after = ReportedItemSerializer(
        many=True, help_text="Items of round's agenda mapped to no area."
    )


UNMAPPED_HELP = (
    "Agenda items mapped to no canonical area (saved as unmapped, or not mapped yet): they "
    "cannot be compared by area, so they are listed here rather than left out."
)


class AgendaChangesSerializer(serializers.Serializer):
    round = RoundRefSerializer()
    compared_to = RoundRefSerializer(
        allow_null=True,
        help_text="The round compared with: for a held round, the latest earlier held round "
        "whose agenda is reported; otherwise the latest earlier one of any status.",
    )
    comparable = serializers.BooleanField(help_text="Whether both agendas are known.")
    reason = serializers.CharField(help_text="Why the answer is partial, if it is.")
    skipped = SkippedRoundSerializer(
        many=True, help_text="Rounds passed over to find compared_to, latest first."
    )
    first_reported = FirstReportedAreaSerializer(
        many=True,
        help_text="The areas of the first reported agenda, which has nothing to compare with "
        "(added, dropped and retained are then empty).",
    )
    added = AreaChangeSerializer(many=True)
    dropped = AreaChangeSerializer(many=True)
    retained = AreaChangeSerializer(many=True)
    unmapped = UnmappedItemsSerializer(help_text=UNMAPPED_HELP)
    annotations = AnnotationSerializer(many=True, help_text="Editors' notes, cited.")
    contested = serializers.BooleanField(help_text="Whether any entry has disputes.")
    known_as_of = known_as_of_field()


class NegotiationAgendaChangesSerializer(serializers.Serializer):
    negotiation = TitledRefSerializer()
    changes = AgendaChangesSerializer(many=True)
    contested = serializers.BooleanField(help_text="Whether any round's answer is contested.")
    known_as_of = known_as_of_field()


class MatrixCellSerializer(serializers.Serializer):
    round = serializers.SlugField()
    state = serializers.ChoiceField(choices=[PRESENT, ABSENT, UNKNOWN])
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
        many=True, help_text=UNMAPPED_HELP + " Only rounds (reported agendas) that have some."
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
