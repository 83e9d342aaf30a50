"""Which quote states which value: the links between facts and their citations.

A fact (a round, a participant, a deadline...) is cited through a link per citation. The
link says what that quote states about the fact, field group by field group ("facets": a
round's ``date`` is its start and end dates, their precision, the date as reported and how
it was read), and, where the source words or dates it differently from the record's
current columns, the value as that source gave it. A link that names no facet supports the
whole record: the form every citation had before, still accepted (the review queue lists
such records for an editor to refine).

The record's columns are the current value (fast reads); what was known on a day, the
disputes between sources and the claims of each source are derived from the links
(negotiations.domain.provenance).

Every cited model's ``citations`` runs through a link model made here, named and stored as
the table Django made for the many-to-many before (``Round_citations`` in
``negotiations_round_citations``), so that the links kept their rows and their audit trail.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

# How two sources' values of a facet relate (negotiations.domain.provenance):
WORDING = "wording"  # how each source put it: a later wording replaces, never contradicts
PROGRESS = "progress"  # a state that moves on (planned, then held): later values supersede
WINDOW = "window"  # a date or window: a finer one inside a coarser one refines it
EXACT = "exact"  # a fact: two different values contradict each other (a dispute)
FACET_KINDS = (WORDING, PROGRESS, WINDOW, EXACT)


@dataclass(frozen=True)
class Facet:
    """A group of a record's fields that a source states together (a round's date: its start
    and end, their precision, the words of the source and how they were read)."""

    fields: tuple[str, ...]
    kind: str = EXACT
    # Not fields of the record (a round's list of areas as one source gives it).
    virtual: bool = False
    # Other facets a quote stating this one states too (a whole list reports the agenda).
    implies: tuple[str, ...] = ()


class CitationLinkManager(models.Manager):
    """A link's natural key: its record's natural key, then the citation's slug."""

    record_field: str = ""

    def get_by_natural_key(self, *key):
        *record_key, citation_slug = key
        record_model = self.model._meta.get_field(self.record_field).related_model
        record = record_model._default_manager.get_by_natural_key(*record_key)
        return self.get(**{self.record_field: record, "citation__slug": citation_slug})


class CitationLink(models.Model):
    """What one quote of a source states about one record (see the module docstring)."""

    citation = models.ForeignKey("negotiations.Citation", on_delete=models.CASCADE)
    facets = models.JSONField(
        default=list,
        blank=True,
        help_text="What this quote states about the record: the names of its facets (a "
        "round's date, place, status...). Empty: the whole record, not yet refined.",
    )
    values = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where the source gives another value than the record's current one: "
        "facet -> {field: the value as this source gave it}.",
    )
    reports_change = models.BooleanField(
        default=False,
        help_text="The source reports that the value changed (a deadline moved, a meeting "
        "held): what earlier sources said was true when they said it, not contradicted.",
    )

    is_citation_link = True  # negotiations.registry: neither a resource nor embedded
    record_field: str = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.record_field)} \u2190 {self.citation.slug}"

    @property
    def record(self):
        return getattr(self, self.record_field)

    def natural_key(self):
        return (*self.record.natural_key(), self.citation.slug)

    def clean(self):
        from negotiations.domain.provenance import validate_link  # the rule lives there

        problems = validate_link(type(self.record), self.facets, self.values)
        if problems:
            raise ValidationError(problems)


def citation_link(model_name: str) -> type[CitationLink]:
    """The link model of ``negotiations.<model_name>.citations``."""
    record_field = model_name.lower()
    manager = type(
        "CitationLinkManager",
        (CitationLinkManager,),
        {"record_field": record_field, "__module__": __name__},
    )
    meta = type(
        "Meta",
        (),
        {
            "db_table": f"negotiations_{record_field}_citations",
            "unique_together": [(record_field, "citation")],
            "verbose_name": f"{model_name} citation",
        },
    )

    def natural_key(self):
        return CitationLink.natural_key(self)

    natural_key.dependencies = [f"negotiations.{record_field}", "negotiations.citation"]
    return type(
        f"{model_name}_citations",
        (CitationLink,),
        {
            record_field: models.ForeignKey(
                f"negotiations.{model_name}",
                on_delete=models.CASCADE,
                related_name="citation_links",
            ),
            "record_field": record_field,
            "objects": manager(),
            "natural_key": natural_key,
            "Meta": meta,
            "__module__": __name__,
        },
    )


# One link model per cited model (in the order of negotiations.registry.cited_models()).
PartyAlias_citations = citation_link("PartyAlias")
OrganizationAlias_citations = citation_link("OrganizationAlias")
PersonAlias_citations = citation_link("PersonAlias")
Role_citations = citation_link("Role")
Negotiation_citations = citation_link("Negotiation")
NegotiationRelation_citations = citation_link("NegotiationRelation")
Round_citations = citation_link("Round")
Participant_citations = citation_link("Participant")
AgendaAreaAlias_citations = citation_link("AgendaAreaAlias")
AgendaItem_citations = citation_link("AgendaItem")
AgendaChangeAnnotation_citations = citation_link("AgendaChangeAnnotation")
AgendaExclusion_citations = citation_link("AgendaExclusion")
Measure_citations = citation_link("Measure")
Deadline_citations = citation_link("Deadline")
Position_citations = citation_link("Position")
DisagreementClaim_citations = citation_link("DisagreementClaim")
