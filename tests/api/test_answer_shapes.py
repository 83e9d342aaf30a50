"""The computed answers' shapes are declared twice on purpose: as TypedDicts in the domain
(which must not depend on the API) and as serializers that document them in the schema.
These tests keep the two the same, field for field."""

import pytest

from negotiations.api import serializers as api
from negotiations.api.serializers import agenda as agenda_serializers
from negotiations.api.serializers import feeds as feed_serializers
from negotiations.api.serializers import fields as field_serializers
from negotiations.domain import agenda, audit, citations, known

PAIRS = [
    (agenda.RoundRef, agenda_serializers.RoundRefSerializer),
    (agenda.ReportedItem, agenda_serializers.ReportedItemSerializer),
    (agenda.Claim, agenda_serializers.DisputeClaimSerializer),
    (agenda.Dispute, agenda_serializers.DisputeSerializer),
    (agenda.FirstReportedArea, agenda_serializers.FirstReportedAreaSerializer),
    (agenda.AreaChange, agenda_serializers.AreaChangeSerializer),
    (agenda.SkippedRound, agenda_serializers.SkippedRoundSerializer),
    (agenda.Annotation, agenda_serializers.AnnotationSerializer),
    (agenda.UnmappedItems, agenda_serializers.UnmappedItemsSerializer),
    (agenda.AgendaChanges, api.AgendaChangesSerializer),
    (audit.FieldChange, feed_serializers.FieldChangeSerializer),
    (audit.HistoryEntry, api.HistoryEntrySerializer),
    (audit.ChangeEvent, feed_serializers.ChangeEventSerializer),
    (citations.CitationData, field_serializers.CitationRefSerializer),
    (known.KnownAsOf, field_serializers.KnownAsOfSerializer),
]


@pytest.mark.parametrize(("typed", "serializer"), PAIRS, ids=[typed.__name__ for typed, _ in PAIRS])
def test_the_domain_shape_and_its_serializer_have_the_same_fields(typed, serializer):
    documented = set(serializer().fields) - {"known_as_of"}
    assert set(typed.__annotations__) - {"known_as_of"} == documented
