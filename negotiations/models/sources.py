"""Provenance: the documents, the verbatim quotes that cite them, and where they disagree."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import models

from negotiations.choices import DatePrecision, DisagreementStatus, DisagreementTopic
from negotiations.models.agenda import AgendaArea
from negotiations.models.base import (
    SluggedModel,
    TimeStampedModel,
    child_manager,
    cited_by,
    coarse_date_has_end,
    date_in_range,
    dates_in_range,
    end_not_before_start,
    validate_coarse_date,
    validate_date_range,
)
from negotiations.models.talks import Negotiation, Round


class Source(SluggedModel):
    """A document the record is built from: a news article, a readout, a press release.

    Its publication day dates what the record knew when ("known as of"): the printed date,
    or, when none is printed, a day (or a window of days) inferred from the text, with the
    reasoning in ``date_note``. A source with neither is left out of known-as-of answers.
    """

    title = models.CharField(max_length=400)
    publisher = models.CharField(max_length=200, blank=True)
    authors = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        validators=[date_in_range],
        help_text="Date and time as printed, if printed.",
    )
    updated_at = models.DateTimeField(null=True, blank=True, validators=[date_in_range])
    published_on = models.DateField(
        null=True,
        blank=True,
        validators=[date_in_range],
        help_text="The day of publication as printed (local date); if none is printed, the "
        "first day the text allows (see date_note).",
    )
    published_on_end = models.DateField(
        null=True,
        blank=True,
        validators=[date_in_range],
        help_text="If the day is not known, the last day of the window the publication falls "
        "in: known-as-of answers count the source from this day.",
    )
    published_on_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    published_on_inferred = models.BooleanField(
        default=False, help_text="No date is printed: the day is inferred from the text."
    )
    date_note = models.TextField(
        blank=True, help_text="How the publication date was read or inferred when not printed."
    )
    url = models.URLField(max_length=500, blank=True)
    seed_file = models.CharField(
        max_length=200, blank=True, help_text="The seed file the text came from, if any."
    )
    text = models.TextField(
        blank=True,
        help_text="The document's text as stored for checking quotes: every citation's quote "
        "should be found in it verbatim (the review queue lists those that are not).",
    )
    language = models.CharField(max_length=10, default="en")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = [models.F("published_at").asc(nulls_last=True), "slug"]
        constraints = [
            end_not_before_start(
                "source_published_end_not_before_start", "published_on", "published_on_end"
            ),
            coarse_date_has_end(
                "source_coarse_date_has_end",
                "published_on",
                "published_on_end",
                precision="published_on_precision",
            ),
            dates_in_range(
                "source_dates_in_range",
                "published_on",
                "published_on_end",
                datetimes=("published_at", "updated_at"),
            ),
        ]

    def __str__(self):
        return f"{self.publisher or 'Unknown publisher'}: {self.title}"

    def clean(self):
        errors = {}
        for validate in (
            partial(validate_date_range, self, "published_on", "published_on_end"),
            partial(
                validate_coarse_date,
                self,
                "published_on",
                "published_on_end",
                precision="published_on_precision",
            ),
        ):
            try:
                validate()
            except ValidationError as error:
                errors.update(error.message_dict)
        if self.published_on_end and not self.published_on:
            errors["published_on"] = "A window of days needs its first day."
        if self.published_at and not self.published_on:
            errors["published_on"] = (
                "The date is printed (published_at): give the day as printed, in the "
                "publication's own time zone."
            )
        if self.published_on_inferred and self.published_at:
            errors["published_on_inferred"] = "The date is printed (published_at), not inferred."
        if self.published_on_inferred and not self.date_note.strip():
            errors["date_note"] = "Say how the publication day was inferred from the text."
        same_url = self.same_url()
        if same_url is not None:
            errors["url"] = ValidationError(
                "Another source has this URL: \u201c%(slug)s\u201d (%(title)s). Add what "
                "this article states to that source instead.",
                code="unique",
                params={"slug": same_url.slug, "title": same_url.title},
            )
        if errors:
            raise ValidationError(errors)

    def same_url(self) -> "Source | None":
        """The other source with this URL, if any (a second one is refused: one article is
        one source, whose citations every fact from it shares)."""
        if not self.url:
            return None
        return Source.objects.filter(url=self.url).exclude(pk=self.pk).order_by("pk").first()

    @property
    def known_from(self):
        """The day from which the source counts as published (the window's end if only a
        window is known), or None if it has no date at all."""
        return self.published_on_end or self.published_on


class Citation(SluggedModel):
    """A verbatim quote from a source; facts point at the citations that support them."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="The words of the source, verbatim.")
    note = models.TextField(blank=True, help_text="Editor's reading of the quote, if needed.")

    class Meta:
        # Citation slugs start with their source's slug: this groups them by source.
        ordering = ["slug"]

    def __str__(self):
        # The slug names the source and what the quote is about ("...--four-main-areas"),
        # and enough of the quote follows to tell two quotes of one source apart.
        quote = self.quote if len(self.quote) <= 140 else f"{self.quote[:137].rstrip()}\u2026"
        return f"{self.slug}: \u201c{quote}\u201d"


class Disagreement(SluggedModel):
    """Where sources contradict each other; every version is kept with its citations."""

    title = models.CharField(max_length=250)
    note = models.TextField(help_text="What the sources disagree about and how to read it.")
    status = models.CharField(
        max_length=20, choices=DisagreementStatus.choices, default=DisagreementStatus.OPEN
    )
    resolution = models.TextField(blank=True, help_text="If resolved, which version and why.")
    topic = models.CharField(
        max_length=20,
        choices=DisagreementTopic.choices,
        default=DisagreementTopic.OTHER,
        db_index=True,
        help_text="What is disputed. About a round's agenda: with an area, whether that area "
        "was on it; without one, the list as a whole (every comparison with the round shows "
        "the dispute).",
    )
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
    measures = models.ManyToManyField(
        "negotiations.Measure",
        related_name="disagreements",
        blank=True,
        help_text="The measures whose description is disputed.",
    )
    _history_m2m_fields = ["measures"]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class DisagreementClaim(TimeStampedModel):
    """One version of a disputed fact, as some sources tell it."""

    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="claims")
    label = models.CharField(max_length=20, help_text="Short handle: A, B, ...")
    claim = models.TextField()
    citations = cited_by("disagreement_claims", "DisagreementClaim")
    _history_m2m_fields = ["citations"]
    embedded_in = ("disagreement",)

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
