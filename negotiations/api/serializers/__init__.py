"""Serializers: the shape of every resource, its validation and its OpenAPI schema.

Relations are written as slugs (stable across databases) and read either as slugs or,
where a dashboard needs more than the identifier, as small embedded objects ("refs").
Validation runs the model's own full_clean(), so the API and the admin enforce the same
rules; a rule the database enforces is reported as a 400 naming the field, never a 500.

By role: ``fields`` (refs and shared fields), ``base`` (RecordSerializer), ``records``
(one per resource), ``agenda`` (computed agenda answers), ``feeds`` (review queue, audit
history, changes feed).
"""

from negotiations.api.serializers.agenda import (
    AgendaChangesSerializer,
    AgendaMatrixSerializer,
    AreaHistorySerializer,
    NegotiationAgendaChangesSerializer,
)
from negotiations.api.serializers.base import RecordSerializer, api_errors
from negotiations.api.serializers.feeds import (
    ChangesFeedSerializer,
    ChangesQuerySerializer,
    HistoryEntrySerializer,
    ReviewEntrySerializer,
)
from negotiations.api.serializers.fields import (
    CitationRefField,
    DisputeRefSerializer,
    KnownAsOfSerializer,
    RefField,
    StrictBooleanField,
    slug_of,
)
from negotiations.api.serializers.records import (
    AgendaAreaSerializer,
    AgendaExclusionSerializer,
    AgendaItemSerializer,
    AliasSerializer,
    CitationSerializer,
    DeadlineSerializer,
    DisagreementSerializer,
    MeasureSerializer,
    NegotiationSerializer,
    OrganizationSerializer,
    ParticipantSerializer,
    PartySerializer,
    PersonSerializer,
    PositionSerializer,
    RoleSerializer,
    RoundAgendaItemSerializer,
    RoundSerializer,
    SourceSerializer,
)

__all__ = [
    "AgendaAreaSerializer",
    "AgendaChangesSerializer",
    "AgendaExclusionSerializer",
    "AgendaItemSerializer",
    "AgendaMatrixSerializer",
    "AliasSerializer",
    "AreaHistorySerializer",
    "ChangesFeedSerializer",
    "ChangesQuerySerializer",
    "CitationRefField",
    "CitationSerializer",
    "DeadlineSerializer",
    "DisagreementSerializer",
    "DisputeRefSerializer",
    "HistoryEntrySerializer",
    "KnownAsOfSerializer",
    "MeasureSerializer",
    "NegotiationAgendaChangesSerializer",
    "NegotiationSerializer",
    "OrganizationSerializer",
    "ParticipantSerializer",
    "PartySerializer",
    "PersonSerializer",
    "PositionSerializer",
    "RecordSerializer",
    "RefField",
    "ReviewEntrySerializer",
    "RoleSerializer",
    "RoundAgendaItemSerializer",
    "RoundSerializer",
    "SourceSerializer",
    "StrictBooleanField",
    "api_errors",
    "slug_of",
]
