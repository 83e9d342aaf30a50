"""The negotiation domain. Import models from here: ``from negotiations.models import Round``."""

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
    AgendaItem,
    AgendaItemArea,
)
from negotiations.models.facts import Deadline, Measure, Position
from negotiations.models.sources import Citation, Disagreement, DisagreementClaim, Source
from negotiations.models.talks import Negotiation, NegotiationRelation, Participant, Round
from negotiations.models.versioning import DataVersion

# Every model whose records are facts that citations support, by the citation's related name.
CITED_MODELS = {
    "rounds": Round,
    "participants": Participant,
    "agenda_items": AgendaItem,
    "agenda_change_annotations": AgendaChangeAnnotation,
    "deadlines": Deadline,
    "measures": Measure,
    "positions": Position,
    "roles": Role,
    "negotiations": Negotiation,
    "negotiation_relations": NegotiationRelation,
    "disagreement_claims": DisagreementClaim,
    "person_aliases": PersonAlias,
    "party_aliases": PartyAlias,
    "organization_aliases": OrganizationAlias,
    "agenda_area_aliases": AgendaAreaAlias,
}

# The models that hold the record (what fixtures export and the audit history tracks), as
# opposed to bookkeeping (DataVersion) and the history tables themselves.
DATA_MODELS = [
    Party,
    PartyAlias,
    Organization,
    OrganizationAlias,
    Person,
    PersonAlias,
    Role,
    Negotiation,
    NegotiationRelation,
    Round,
    Participant,
    AgendaArea,
    AgendaAreaAlias,
    AgendaItem,
    AgendaItemArea,
    AgendaChangeAnnotation,
    Measure,
    Deadline,
    Position,
    Source,
    Citation,
    Disagreement,
    DisagreementClaim,
]

__all__ = [
    "CITED_MODELS",
    "DATA_MODELS",
    "AgendaArea",
    "AgendaAreaAlias",
    "AgendaChangeAnnotation",
    "AgendaItem",
    "AgendaItemArea",
    "Citation",
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
    "Source",
]
