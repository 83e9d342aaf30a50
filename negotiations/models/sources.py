"""Provenance: the documents, the verbatim quotes that cite them, and where they disagree."""

from django.db import models

from negotiations.choices import DisagreementStatus
from negotiations.models.agenda import AgendaArea
from negotiations.models.base import SluggedModel, TimeStampedModel, child_manager, cited_by
from negotiations.models.talks import Negotiation, Round


class Source(SluggedModel):
    """A document the record is built from: a news article, a readout, a press release."""

    title = models.CharField(max_length=400)
    publisher = models.CharField(max_length=200, blank=True)
    authors = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    date_note = models.TextField(
        blank=True, help_text="How the publication date was read or inferred when not printed."
    )
    url = models.URLField(max_length=500, blank=True)
    seed_file = models.CharField(
        max_length=200, blank=True, help_text="The seed file the text came from, if any."
    )
    language = models.CharField(max_length=10, default="en")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = [models.F("published_at").asc(nulls_last=True), "slug"]

    def __str__(self):
        return f"{self.publisher or 'Unknown publisher'}: {self.title}"


class Citation(SluggedModel):
    """A verbatim quote from a source; facts point at the citations that support them."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="The words of the source, verbatim.")
    note = models.TextField(blank=True, help_text="Editor's reading of the quote, if needed.")

    class Meta:
        # Citation slugs start with their source's slug: this groups them by source.
        ordering = ["slug"]

    def __str__(self):
        quote = self.quote if len(self.quote) <= 80 else f"{self.quote[:77]}..."
        return f"{self.source.slug}: \u201c{quote}\u201d"


class Disagreement(SluggedModel):
    """Where sources contradict each other; every version is kept with its citations."""

    title = models.CharField(max_length=250)
    note = models.TextField(help_text="What the sources disagree about and how to read it.")
    status = models.CharField(
        max_length=20, choices=DisagreementStatus.choices, default=DisagreementStatus.OPEN
    )
    resolution = models.TextField(blank=True, help_text="If resolved, which version and why.")
    negotiation = models.ForeignKey(
        Negotiation,
        on_delete=models.CASCADE,
        related_name="disagreements",
        null=True,
        blank=True,
    )
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, related_name="disagreements", null=True, blank=True
    )
    area = models.ForeignKey(
        AgendaArea,
        on_delete=models.SET_NULL,
        related_name="disagreements",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class DisagreementClaim(TimeStampedModel):
    """One version of a disputed fact, as some sources tell it."""

    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="claims")
    label = models.CharField(max_length=20, help_text="Short handle: A, B, ...")
    claim = models.TextField()
    citations = cited_by("disagreement_claims")
    _history_m2m_fields = ["citations"]

    objects = child_manager("disagreement", "label")

    class Meta:
        ordering = ["disagreement", "label"]
        constraints = [
            models.UniqueConstraint(fields=["disagreement", "label"], name="unique_claim_label"),
        ]

    def __str__(self):
        return f"{self.disagreement}: {self.label}"

    def natural_key(self):
        return (self.disagreement.slug, self.label)

    natural_key.dependencies = ["negotiations.disagreement"]
