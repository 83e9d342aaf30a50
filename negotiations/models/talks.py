"""What is negotiated and when: negotiation tracks, their rounds and who took part."""

from django.core.exceptions import ValidationError
from django.db import models

from negotiations.choices import (
    AgendaBasis,
    AgendaStatus,
    DatePrecision,
    NegotiationRelationKind,
    NegotiationStatus,
    RoundLevel,
    RoundStatus,
)
from negotiations.models.actors import Organization, Party, Person
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
from negotiations.models.provenance import PROGRESS, WINDOW, WORDING, Facet


class Negotiation(SluggedModel):
    """A negotiation track between parties with a goal (the 2025 Korea-US tariff talks)."""

    title = models.CharField(max_length=250)
    parties = models.ManyToManyField(Party, related_name="negotiations")
    organizations = models.ManyToManyField(
        Organization,
        related_name="negotiations",
        blank=True,
        help_text="Ministries and agencies that lead the track.",
    )
    goal = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=NegotiationStatus.choices, default=NegotiationStatus.ACTIVE
    )
    summary = models.TextField(blank=True)
    citations = cited_by("negotiations", "Negotiation")
    _history_m2m_fields = ["parties", "organizations", "citations"]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        # Two tracks with one title are two identical entries in every picker: refused,
        # naming the one that has it (case, spacing and punctuation aside: a handful of rows).
        super().clean()
        if not self.title:
            return
        from negotiations.domain.labels import label_key  # the one rule for "same words"

        wanted = label_key(self.title)
        same = next(
            (
                other
                for other in Negotiation.objects.exclude(pk=self.pk).order_by("pk").only("title")
                if label_key(other.title) == wanted
            ),
            None,
        )
        if same is not None:
            raise ValidationError(
                {
                    "title": ValidationError(
                        "Another negotiation has this title: \u201c%(slug)s\u201d. Add the "
                        "rounds to it, or give this one a title that tells them apart.",
                        code="unique",
                        params={"slug": same.slug},
                    )
                }
            )


class NegotiationRelation(TimeStampedModel):
    """How two tracks relate: one spun off from another (currency talks from the tariff talks)."""

    from_negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="relations_from"
    )
    to_negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="relations_to"
    )
    kind = models.CharField(max_length=20, choices=NegotiationRelationKind.choices)
    note = models.TextField(blank=True)
    citations = cited_by("negotiation_relations", "NegotiationRelation")
    _history_m2m_fields = ["citations"]
    embedded_in = ("from_negotiation", "to_negotiation")

    objects = child_manager("from_negotiation", "to_negotiation__slug", "kind")

    class Meta:
        ordering = ["from_negotiation__title", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_negotiation", "to_negotiation", "kind"],
                name="unique_negotiation_relation",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_negotiation=models.F("to_negotiation")),
                name="negotiation_relation_not_self",
                violation_error_message="A negotiation cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.from_negotiation} {self.get_kind_display().lower()} {self.to_negotiation}"

    def natural_key(self):
        return (self.from_negotiation.slug, self.to_negotiation.slug, self.kind)

    natural_key.dependencies = ["negotiations.negotiation"]


AGENDA_BASIS_RULE = (
    "A reported agenda needs its basis (discussed, scope agreed, or announced); an agenda "
    "that was not reported has none."
)


class Round(SluggedModel):
    """A meeting in a negotiation, held or planned, at a level, a place and a date.

    Dates keep their precision: a round planned for "next week" stores that week as
    start_date..end_date with precision "week", never a made-up exact day. The agenda
    status says whether any source reported the agenda: an unreported agenda is unknown,
    which is not the same as an empty one.
    """

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="rounds")
    sequence = models.PositiveIntegerField(
        help_text="Order of the round within its negotiation (1, 2, 3...)."
    )
    title = models.CharField(max_length=250)
    level = models.CharField(
        max_length=20, choices=RoundLevel.choices, default=RoundLevel.UNSPECIFIED, db_index=True
    )
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.PLANNED, db_index=True
    )
    start_date = models.DateField(null=True, blank=True, db_index=True, validators=[date_in_range])
    end_date = models.DateField(
        null=True,
        blank=True,
        validators=[date_in_range],
        help_text="Last day of the round, or of the window a coarse date falls in.",
    )
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    date_as_reported = models.CharField(
        max_length=200, blank=True, help_text='The date as the source wrote it ("next week").'
    )
    date_note = models.TextField(
        blank=True, help_text="How a relative or approximate date was resolved."
    )
    city = models.CharField(max_length=120, blank=True, db_index=True)
    region = models.CharField(max_length=120, blank=True)
    country = models.CharField(
        max_length=2, blank=True, db_index=True, help_text="ISO 3166 alpha-2 code."
    )
    venue = models.CharField(max_length=250, blank=True)
    occasion = models.CharField(
        max_length=250,
        blank=True,
        help_text="e.g. on the sidelines of the APEC trade ministers' meeting.",
    )
    summary = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    agenda_status = models.CharField(
        max_length=20,
        choices=AgendaStatus.choices,
        default=AgendaStatus.NOT_REPORTED,
        db_index=True,
        help_text="Unknown is not empty: leave 'not reported' unless a source reports the agenda.",
    )
    agenda_basis = models.CharField(
        max_length=20,
        choices=AgendaBasis.choices,
        blank=True,
        db_index=True,
        help_text="What kind of list the reported agenda is: what was discussed at the round, "
        "the scope agreed there for later talks, or what was announced before it. "
        "Required when the agenda is reported, empty when it is not.",
    )
    citations = cited_by("rounds", "Round")
    _history_m2m_fields = ["citations"]
    # What sources state of a round, facet by facet (negotiations.models.provenance).
    facets = {
        "title": Facet(("title",), WORDING),
        "level": Facet(("level",)),
        "status": Facet(("status",), PROGRESS),
        "date": Facet(
            ("start_date", "end_date", "date_precision", "date_as_reported", "date_note"), WINDOW
        ),
        "place": Facet(("city", "region", "country")),
        "venue": Facet(("venue",), WORDING),
        "occasion": Facet(("occasion",), WORDING),
        "summary": Facet(("summary",), WORDING),
        "outcomes": Facet(("outcomes",), WORDING),
        "agenda": Facet(("agenda_status", "agenda_basis"), PROGRESS),
        # The source gives the round's whole list of areas: an area it leaves out, which
        # another source lists, is disputed (the areas of the items it cites, unless its
        # value says otherwise).
        "agenda_list": Facet(("areas",), virtual=True, implies=("agenda",)),
    }

    class Meta:
        ordering = ["negotiation__title", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "sequence"],
                name="unique_round_sequence",
                violation_error_message="This negotiation already has a round with this sequence.",
            ),
            end_not_before_start("round_end_not_before_start"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=False),
                name="round_end_needs_start",
                violation_error_message="A round with an end date needs a start date.",
            ),
            coarse_date_has_end("round_coarse_date_has_end"),
            dates_in_range("round_dates_in_range", "start_date", "end_date"),
            models.CheckConstraint(
                condition=(
                    models.Q(agenda_status=AgendaStatus.REPORTED) & ~models.Q(agenda_basis="")
                )
                | models.Q(agenda_status=AgendaStatus.NOT_REPORTED, agenda_basis=""),
                name="round_agenda_basis_iff_reported",
                violation_error_message=AGENDA_BASIS_RULE,
            ),
        ]
        indexes = [
            # The API's default order, and ?ordering=start_date (missing dates last).
            models.Index(fields=["start_date", "id"], name="round_start_id_idx"),
            # ?ordering=-start_date (descending, missing dates still last) is served on
            # PostgreSQL by round_start_desc_id_idx, created in migration 0004 only there:
            # SQLite cannot index NULLS LAST.
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.end_date and not self.start_date:
            errors["start_date"] = "A round with an end date needs a start date."
        for validate in (validate_date_range, validate_coarse_date):
            try:
                validate(self)
            except ValidationError as error:
                errors.update(error.message_dict)
        taken = (
            type(self)
            .objects.filter(negotiation_id=self.negotiation_id, sequence=self.sequence)
            .exclude(pk=self.pk)
        )
        reported = self.agenda_status == AgendaStatus.REPORTED
        if reported != bool(self.agenda_basis):
            errors["agenda_basis"] = AGENDA_BASIS_RULE
        if self.negotiation_id and self.sequence is not None and taken.exists():
            errors["sequence"] = (
                f"This negotiation already has a round with sequence {self.sequence}."
            )
        if errors:
            raise ValidationError(errors)


class Participant(TimeStampedModel):
    """Someone at a round, for a side, with the name exactly as the source reported it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="participations",
        null=True,
        blank=True,
        help_text="Empty when the source does not name the person (director-level officials).",
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="participations")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="participations",
        null=True,
        blank=True,
    )
    organization_inferred = models.BooleanField(
        default=False,
        help_text="The source does not name the organization: the editors inferred it.",
    )
    name_as_reported = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200, blank=True, help_text="Capacity at this round, as reported."
    )
    citations = cited_by("participants", "Participant")
    _history_m2m_fields = ["citations"]
    facets = {
        "name": Facet(("name_as_reported",), WORDING),
        "party": Facet(("party",)),
        "organization": Facet(("organization", "organization_inferred")),
        "role": Facet(("role",), WORDING),
    }
    embedded_in = ("round",)

    objects = child_manager("round", "party__slug", "name_as_reported")

    class Meta:
        ordering = ["round", "party__code", "name_as_reported"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "party", "name_as_reported"], name="unique_participant_name"
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=models.Q(person__isnull=False),
                name="unique_participant_person",
                violation_error_message="This person already takes part in this round.",
            ),
        ]

    def __str__(self):
        return f"{self.name_as_reported} ({self.party.code}) at {self.round}"

    def natural_key(self):
        return (self.round.slug, self.party.slug, self.name_as_reported)

    natural_key.dependencies = ["negotiations.round", "negotiations.party"]
