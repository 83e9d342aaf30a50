"""What is on the table: the canonical agenda taxonomy and each round's agenda as reported."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from negotiations.choices import AgendaChange, AnnotationBasis
from negotiations.models.base import Alias, SluggedModel, TimeStampedModel, child_manager, cited_by
from negotiations.models.provenance import WORDING, Facet
from negotiations.models.talks import Negotiation, Round


class AgendaArea(SluggedModel):
    """A canonical agenda area (currency policy, rules of origin) that reported labels map to."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AgendaAreaAlias(Alias):
    """Other words for an area ("monetary policy" for currency policy).

    The same words may be an alias of several areas: a label that covers them together
    ("major and non-tariff measures" is tariffs and non-tariff measures), which resolves to
    all of them (negotiations.domain.labels.resolve_agenda_areas).
    """

    area = models.ForeignKey(AgendaArea, on_delete=models.CASCADE, related_name="aliases")
    citations = cited_by("agenda_area_aliases", "AgendaAreaAlias")
    _history_m2m_fields = ["citations"]
    embedded_in = ("area",)

    objects = child_manager("area", "name")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agenda area aliases"
        constraints = [
            models.UniqueConstraint(
                "area",
                Lower("name"),
                name="unique_agenda_area_alias",
                violation_error_message="This agenda area already has this alias.",
            ),
        ]

    def natural_key(self):
        return (self.area.slug, self.name)

    natural_key.dependencies = ["negotiations.agendaarea"]

    def clean(self):
        """An alias is never another area's name or slug (compared as labels are: case,
        spacing and punctuation ignored): a label that names an area resolves to that area
        alone, so such an alias would never be used."""
        from negotiations.domain.labels import label_key

        text = (self.name or "").strip()
        if not text or not self.area_id:
            return
        key = label_key(text)
        other_area = next(
            (
                area
                for area in AgendaArea.objects.exclude(pk=self.area_id).order_by("name")
                if key in (label_key(area.name), label_key(area.slug))
            ),
            None,
        )
        if other_area is not None:
            raise ValidationError(
                {
                    "name": f"\u201c{text}\u201d is the name or slug of another agenda area, "
                    f"{other_area.name}: it always means that area."
                }
            )


class AgendaItem(SluggedModel):
    """One entry of a round's agenda, with the label exactly as the source reported it.

    A reported item may cover more than one canonical area ("tariff and non-tariff
    measures" covers tariffs and non-tariff measures); no area appears twice in a round.
    An item no area fits yet is saved *unmapped*, explicitly: never silently left out.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="agenda_items")
    label = models.CharField(max_length=250, help_text="The agenda item exactly as reported.")
    order = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    unmapped = models.BooleanField(
        default=False,
        help_text="Saved on purpose without a canonical area: no area fits the label yet. "
        "Comparisons list it apart and the review queue shows it until it is mapped.",
    )
    areas = models.ManyToManyField(
        AgendaArea, through="AgendaItemArea", related_name="agenda_items"
    )
    citations = cited_by("agenda_items", "AgendaItem")
    _history_m2m_fields = ["citations"]
    facets = {"label": Facet(("label",), WORDING)}
    editors_notes = ("notes",)  # written with hindsight: left out of known-as-of answers
    embedded_in = ("round",)  # a resource of its own, and part of its round's agenda

    class Meta:
        ordering = ["round", "order", "id"]

    def __str__(self):
        return f"{self.label} ({self.round})"

    def clean(self):
        if self.pk and self.round_id:
            stored_round = type(self).objects.filter(pk=self.pk).values_list("round_id", flat=True)
            if stored_round and stored_round[0] != self.round_id:
                raise ValidationError(
                    {"round": "An agenda item cannot move to another round; create a new one."}
                )


# --- An area appears once per round: the rule, for every path that maps items to areas ------


def area_clash_message(area_name: str, label: str) -> str:
    return f"{area_name} is already on this round's agenda as \u201c{label}\u201d."


def area_clashes(taken: dict[int, str], mapping) -> list[str]:
    """The clashes of a new mapping (pairs of item label and its areas) with the areas
    ``taken`` by other items of the round (area id -> item label) and within itself."""
    owner = dict(taken)
    problems = []
    for label, areas in mapping:
        for area in areas:
            if area.pk in owner:
                problems.append(area_clash_message(area.name, owner[area.pk]))
            owner[area.pk] = label
    return problems


def areas_taken(round_id: int, excluding_items=()) -> dict[int, str]:
    """The areas on a round's agenda (area id -> item label), but for the items given."""
    links = AgendaItemArea.objects.filter(round_id=round_id).exclude(item_id__in=excluding_items)
    return dict(links.values_list("area_id", "item__label"))


class AgendaItemArea(TimeStampedModel):
    """Maps an agenda item to a canonical area; the copied round keeps areas unique per round."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="area_links")
    area = models.ForeignKey(AgendaArea, on_delete=models.PROTECT, related_name="item_links")
    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="agenda_area_links",
        editable=False,
        help_text="Always the item's round, copied so the database keeps areas unique per round.",
    )

    objects = child_manager("item", "area__slug")
    embedded_in = ("item", "round")

    class Meta:
        ordering = ["item", "area__name"]
        verbose_name = "agenda item area"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area"],
                name="unique_area_per_round",
                violation_error_message="This area is already on this round's agenda.",
            ),
            models.UniqueConstraint(fields=["item", "area"], name="unique_area_per_item"),
        ]

    def __str__(self):
        return f"{self.item.label} -> {self.area.name}"

    def save(self, *args, **kwargs):
        self.round_id = self.item.round_id
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.item.slug, self.area.slug)

    natural_key.dependencies = ["negotiations.agendaitem", "negotiations.agendaarea"]

    def clean(self):
        if not self.item_id:
            return
        if self.round_id and self.round_id != self.item.round_id:
            raise ValidationError({"item": "The agenda item belongs to another round."})
        # round is not editable, so a form never validates unique_area_per_round: copy the
        # item's round (as save() does) and explain a clash before the database refuses it.
        self.round_id = self.item.round_id
        if self.area_id:
            taken = areas_taken(self.round_id, excluding_items=[self.item_id])
            if problems := area_clashes(taken, [(self.item.label, [self.area])]):
                raise ValidationError({"area": problems})


class AgendaChangeAnnotation(TimeStampedModel):
    """The editors' note, with sources, on an area added, dropped or kept at a round.

    Its basis says what it is: a report (a cited source states the change in so many words:
    "but with currency policy absent"), or the editors' reading (context, a likely cause, a
    mapping) that no source links to the change. A round's area may have one of each.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="annotations")
    area = models.ForeignKey(AgendaArea, on_delete=models.CASCADE, related_name="annotations")
    change = models.CharField(max_length=10, choices=AgendaChange.choices)
    basis = models.CharField(
        max_length=20,
        choices=AnnotationBasis.choices,
        default=AnnotationBasis.EDITORS_READING,
        help_text="Stated only when a cited quote reports this change in so many words.",
    )
    note = models.TextField()
    citations = cited_by("agenda_change_annotations", "AgendaChangeAnnotation")
    _history_m2m_fields = ["citations"]
    embedded_in = ("round",)

    objects = child_manager("round", "area__slug", "basis")

    class Meta:
        ordering = ["round", "area__name", "-basis"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area", "basis"],
                name="unique_annotation",
                violation_error_message="This round already has an annotation of this basis "
                "for this area.",
            ),
        ]

    def __str__(self):
        return f"{self.area} {self.get_change_display().lower()} at {self.round}"

    def natural_key(self):
        return (self.round.slug, self.area.slug, self.basis)

    natural_key.dependencies = ["negotiations.round", "negotiations.agendaarea"]


class AgendaExclusion(SluggedModel):
    """An area a source says is off the agenda: of one round ("the discussion did not include
    defense costs"), or of a whole negotiation ("defense costs are not part of trade
    negotiations"), and, where a source says so, the negotiation that handles it instead (a
    request that currency be discussed separately by the finance ministries).

    Not the same as an area missing from a reported list ("not listed"), nor as an agenda no
    source reported ("unknown"): the comparisons show it as *excluded*, with its quote.
    """

    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="agenda_exclusions"
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="agenda_exclusions",
        null=True,
        blank=True,
        help_text="The round whose agenda it was off; empty: the whole negotiation.",
    )
    area = models.ForeignKey(AgendaArea, on_delete=models.PROTECT, related_name="exclusions")
    handled_in = models.ForeignKey(
        Negotiation,
        on_delete=models.SET_NULL,
        related_name="agenda_handled",
        null=True,
        blank=True,
        help_text="Where a source says the area is handled instead, if it does.",
    )
    note = models.TextField(
        blank=True, help_text="What the source says, in the editors' words (the quote is cited)."
    )
    citations = cited_by("agenda_exclusions", "AgendaExclusion")
    _history_m2m_fields = ["citations"]

    class Meta:
        ordering = ["negotiation__title", "round__sequence", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area"],
                condition=models.Q(round__isnull=False),
                name="unique_round_agenda_exclusion",
                violation_error_message="This area is already recorded as excluded here.",
            ),
            models.UniqueConstraint(
                fields=["negotiation", "area"],
                condition=models.Q(round__isnull=True),
                name="unique_negotiation_agenda_exclusion",
                violation_error_message="This area is already recorded as excluded here.",
            ),
            models.CheckConstraint(
                condition=~models.Q(handled_in=models.F("negotiation")),
                name="agenda_exclusion_handled_elsewhere",
                violation_error_message="An area handled instead in the same negotiation "
                "is not excluded from it.",
            ),
        ]

    def __str__(self):
        where = self.round.title if self.round_id else self.negotiation.title
        return f"{self.area} excluded from {where}"

    def clean(self):
        if (
            self.round_id
            and self.negotiation_id
            and self.round.negotiation_id != self.negotiation_id
        ):
            raise ValidationError({"round": "The round belongs to another negotiation."})
        if self.handled_in_id and self.handled_in_id == self.negotiation_id:
            raise ValidationError(
                {"handled_in": "An area handled in the same negotiation is not excluded."}
            )
