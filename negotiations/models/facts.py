"""What is at stake and what was said: deadlines, measures and the parties' positions."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import models

from negotiations.choices import (
    DatePrecision,
    DeadlineKind,
    MeasureKind,
    MeasureStatus,
    PositionKind,
)
from negotiations.models.actors import Organization, Party, Person
from negotiations.models.agenda import AgendaArea
from negotiations.models.base import (
    SluggedModel,
    cited_by,
    coarse_date_has_end,
    date_in_range,
    dates_in_range,
    end_not_before_start,
    validate_coarse_date,
    validate_date_range,
)
from negotiations.models.provenance import PROGRESS, WINDOW, WORDING, Facet
from negotiations.models.talks import Negotiation, Round


class Measure(SluggedModel):
    """A tariff or other measure under negotiation (the 25 % reciprocal tariff on Korea)."""

    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=30, choices=MeasureKind.choices, db_index=True)
    imposing_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="measures_imposed"
    )
    target_party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="measures_targeted",
        null=True,
        blank=True,
        help_text="Empty when the measure applies to all trading partners.",
    )
    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.SET_NULL, related_name="measures", null=True, blank=True
    )
    rate_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    scope = models.TextField(blank=True, help_text="Goods, sectors or countries covered.")
    status = models.CharField(max_length=20, choices=MeasureStatus.choices, db_index=True)
    announced_on = models.DateField(null=True, blank=True, validators=[date_in_range])
    start_date = models.DateField(
        null=True, blank=True, validators=[date_in_range], help_text="In effect from."
    )
    end_date = models.DateField(
        null=True, blank=True, validators=[date_in_range], help_text="In effect until."
    )
    notes = models.TextField(blank=True)
    citations = cited_by("measures", "Measure")
    _history_m2m_fields = ["citations"]
    facets = {
        "title": Facet(("title",), WORDING),
        "kind": Facet(("kind",)),
        "parties": Facet(("imposing_party", "target_party")),
        "rate": Facet(("rate_percent",)),
        "scope": Facet(("scope",), WORDING),
        "status": Facet(("status",), PROGRESS),
        "dates": Facet(("announced_on", "start_date", "end_date")),
    }
    editors_notes = ("notes",)

    class Meta:
        ordering = ["title"]
        constraints = [
            end_not_before_start("measure_end_not_before_start"),
            dates_in_range("measure_dates_in_range", "announced_on", "start_date", "end_date"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        validate_date_range(self)


class Deadline(SluggedModel):
    """A date the talks run against: a legal expiry, a negotiating target, a political event."""

    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=30, choices=DeadlineKind.choices, db_index=True)
    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="deadlines", null=True, blank=True
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        related_name="deadlines",
        null=True,
        blank=True,
        help_text="The measure whose expiry or start this deadline marks, if any.",
    )
    date = models.DateField(
        db_index=True,
        validators=[date_in_range],
        help_text="The day, or the first day of the window a coarse date falls in.",
    )
    end_date = models.DateField(
        null=True,
        blank=True,
        validators=[date_in_range],
        help_text="Last day of the window for a coarse date.",
    )
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    date_as_reported = models.CharField(max_length=200, blank=True)
    date_note = models.TextField(blank=True)
    description = models.TextField(blank=True)
    citations = cited_by("deadlines", "Deadline")
    _history_m2m_fields = ["citations"]
    facets = {
        "title": Facet(("title",), WORDING),
        "kind": Facet(("kind",)),
        "date": Facet(
            ("date", "end_date", "date_precision", "date_as_reported", "date_note"), WINDOW
        ),
        "description": Facet(("description",), WORDING),
    }

    class Meta:
        ordering = ["date", "title"]
        constraints = [
            end_not_before_start("deadline_end_not_before_start", start="date"),
            coarse_date_has_end("deadline_coarse_date_has_end", start="date"),
            dates_in_range("deadline_dates_in_range", "date", "end_date"),
        ]
        indexes = [models.Index(fields=["date", "id"], name="deadline_date_id_idx")]

    def __str__(self):
        return f"{self.title} ({self.date})"

    def clean(self):
        errors = {}
        for validate in (
            partial(validate_date_range, start="date"),
            partial(validate_coarse_date, start="date"),
        ):
            try:
                validate(self)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


class Position(SluggedModel):
    """What a party requested, offered, rejected or stated, and who said it."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="positions")
    kind = models.CharField(max_length=20, choices=PositionKind.choices, db_index=True)
    summary = models.TextField(help_text="What was requested, offered, rejected or stated.")
    speaker = models.ForeignKey(
        Person, on_delete=models.SET_NULL, related_name="positions", null=True, blank=True
    )
    speaker_name_as_reported = models.CharField(
        max_length=200, blank=True, help_text="The speaker exactly as the source named them."
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, related_name="positions", null=True, blank=True
    )
    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="positions", null=True, blank=True
    )
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, related_name="positions", null=True, blank=True
    )
    areas = models.ManyToManyField(
        AgendaArea,
        related_name="positions",
        blank=True,
        help_text="The agenda areas the position is about (a statement may touch several).",
    )
    stated_on = models.DateField(null=True, blank=True, validators=[date_in_range])
    citations = cited_by("positions", "Position")
    facets = {
        "kind": Facet(("kind",)),
        "summary": Facet(("summary",), WORDING),
        "speaker": Facet(("speaker_name_as_reported",), WORDING),
        "stated_on": Facet(("stated_on",)),
    }
    _history_m2m_fields = ["areas", "citations"]

    class Meta:
        ordering = [models.F("stated_on").asc(nulls_last=True), "slug"]
        constraints = [dates_in_range("position_dates_in_range", "stated_on")]

    def __str__(self):
        return f"{self.party.code} {self.get_kind_display().lower()}: {self.summary[:60]}"

    def clean(self):
        if self.round_id:
            if self.negotiation_id is None:
                self.negotiation_id = self.round.negotiation_id
            elif self.negotiation_id != self.round.negotiation_id:
                raise ValidationError(
                    {"round": "The round belongs to another negotiation than this position."}
                )
