"""API views: declarative viewsets over the serializers, filtersets and domain functions.

``base.RecordViewSet`` is every resource's base (its docstring says the path of a read and
of a write); the resources are grouped by what they answer."""

from negotiations.api.views.agenda import AgendaAreaViewSet, NegotiationViewSet, RoundViewSet
from negotiations.api.views.deadlines import DeadlineCalendarView, DeadlineViewSet
from negotiations.api.views.feeds import ChangesView, ReviewView
from negotiations.api.views.intake import IntakeAcceptView, IntakeDetailView, IntakeView
from negotiations.api.views.records import (
    AgendaExclusionViewSet,
    AgendaItemViewSet,
    CitationViewSet,
    DisagreementViewSet,
    MeasureViewSet,
    OrganizationViewSet,
    PartyViewSet,
    PersonViewSet,
    PositionViewSet,
    SourceViewSet,
)
from negotiations.api.views.tokens import CurrentTokenView

__all__ = [
    "AgendaAreaViewSet",
    "AgendaExclusionViewSet",
    "AgendaItemViewSet",
    "ChangesView",
    "CitationViewSet",
    "CurrentTokenView",
    "DeadlineCalendarView",
    "DeadlineViewSet",
    "DisagreementViewSet",
    "IntakeAcceptView",
    "IntakeDetailView",
    "IntakeView",
    "MeasureViewSet",
    "NegotiationViewSet",
    "OrganizationViewSet",
    "PartyViewSet",
    "PersonViewSet",
    "PositionViewSet",
    "ReviewView",
    "RoundViewSet",
    "SourceViewSet",
]
