"""The negotiation domain. Import models from here: ``from negotiations.models import Round``.

What each model is (a resource, embedded, cited, bookkeeping) is read from the models
themselves: negotiations.registry.
"""

from negotiations.models.actors import (
    Organization,
    OrganizationAlias,
    Party,
    PartyAlias,
    Person,
    PersonAlias,
    Role,
)
from negotiations.models.agenda import (
    AgendaArea,
    AgendaAreaAlias,
    AgendaChangeAnnotation,
    AgendaExclusion,
    AgendaItem,
    AgendaItemArea,
)
from negotiations.models.facts import Deadline, Measure, Position
from negotiations.models.provenance import CitationLink
from negotiations.models.sources import Citation, Disagreement, DisagreementClaim, Source
from negotiations.models.talks import Negotiation, NegotiationRelation, Participant, Round
from negotiations.models.versioning import DataVersion, ScopeVersion, SlugHistory

__all__ = [
    "AgendaArea",
    "AgendaAreaAlias",
    "AgendaChangeAnnotation",
    "AgendaExclusion",
    "AgendaItem",
    "AgendaItemArea",
    "Citation",
    "CitationLink",
    "DataVersion",
    "Deadline",
    "Disagreement",
    "DisagreementClaim",
    "Measure",
    "Negotiation",
    "NegotiationRelation",
    "Organization",
    "OrganizationAlias",
    "Participant",
    "Party",
    "PartyAlias",
    "Person",
    "PersonAlias",
    "Position",
    "Role",
    "Round",
    "ScopeVersion",
    "SlugHistory",
    "Source",
]
