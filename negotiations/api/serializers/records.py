"""The resources: one serializer per model, its fields, validation and schema."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers

from negotiations import models
from negotiations.api.serializers.base import RecordSerializer, api_errors, timestamps
from negotiations.api.serializers.fields import (
    CitationRefField,
    CitationRefSerializer,
    DisputeRefSerializer,
    RefField,
    TitledRefField,
    citations_field,
    disputes_field,
    known_as_of_field,
    slug_of,
    unknown_fields_field,
)
from negotiations.choices import AgendaStatus
from negotiations.domain import writes
from negotiations.domain.agenda_lists import computed_round_disputes
from negotiations.domain.citations import link_ref
from negotiations.domain.claims import current_values
from negotiations.domain.deadlines import STATUSES, deadline_status
from negotiations.domain.labels import resolve_agenda_areas
from negotiations.domain.provenance import dispute_refs

# --- Parties, organizations, people -------------------------------------------------------------


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    citations = CitationRefField(
        many=True, read_only=True, queryset=None, help_text="Where this spelling was found."
    )


class PartySerializer(RecordSerializer):
    aliases = AliasSerializer(many=True, read_only=True, help_text="Edited in the admin.")

    class Meta(RecordSerializer.Meta):
        model = models.Party
        fields = ["id", "slug", "name", "code", "kind", "aliases", "notes", *timestamps()]


class OrganizationSerializer(RecordSerializer):
    party = slug_of(models.Party)
    parent = slug_of(models.Organization, required=False, allow_null=True)
    aliases = AliasSerializer(many=True, read_only=True, help_text="Edited in the admin.")

    class Meta(RecordSerializer.Meta):
        model = models.Organization
        fields = [
            "id",
            "slug",
            "name",
            "acronym",
            "kind",
            "party",
            "parent",
            "aliases",
            "notes",
            *timestamps(),
        ]


class RoleSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    citations = citations_field()

    class Meta:
        model = models.Role
        fields = [
            "organization",
            "organization_name",
            "title",
            "is_acting",
            "start_date",
            "end_date",
            "citations",
        ]
        read_only_fields = fields


class PersonSerializer(RecordSerializer):
    party = slug_of(models.Party, required=False, allow_null=True)
    aliases = AliasSerializer(
        many=True,
        read_only=True,
        help_text="Other spellings found in sources, misspellings included. Edited in the admin.",
    )
    roles = RoleSerializer(many=True, read_only=True)

    class Meta(RecordSerializer.Meta):
        model = models.Person
        fields = ["id", "slug", "name", "party", "aliases", "roles", "notes", *timestamps()]


# --- Negotiations and rounds --------------------------------------------------------------------


class RelatedNegotiationSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="spun_off_from, related_to or succeeds.")
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: this negotiation <kind> the other; incoming: the other <kind> this.",
    )
    negotiation = serializers.SlugField()
    note = serializers.CharField()
    citations = CitationRefSerializer(many=True)


class NegotiationSerializer(RecordSerializer):
    parties = slug_of(models.Party, many=True)
    organizations = slug_of(models.Organization, many=True, required=False)
    related = serializers.SerializerMethodField()
    citations = citations_field()

    class Meta(RecordSerializer.Meta):
        model = models.Negotiation
        fields = [
            "id",
            "slug",
            "title",
            "parties",
            "organizations",
            "goal",
            "status",
            "summary",
            "related",
            "citations",
            *timestamps(),
        ]

    def get_related(self, negotiation) -> RelatedNegotiationSerializer(many=True):
        outgoing = [
            {
                "kind": relation.kind,
                "direction": "outgoing",
                "negotiation": relation.to_negotiation.slug,
                "note": relation.note,
                "citations": [link_ref(link) for link in relation.citation_links.all()],
            }
            for relation in negotiation.relations_from.all()
        ]
        incoming = [
            {
                "kind": relation.kind,
                "direction": "incoming",
                "negotiation": relation.from_negotiation.slug,
                "note": relation.note,
                "citations": [link_ref(link) for link in relation.citation_links.all()],
            }
            for relation in negotiation.relations_to.all()
        ]
        return outgoing + incoming


class ParticipantSerializer(serializers.ModelSerializer):
    person = RefField(read_only=True, allow_null=True)
    unknown_fields = unknown_fields_field()
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    citations = citations_field()

    class Meta:
        model = models.Participant
        fields = [
            "person",
            "name_as_reported",
            "party",
            "organization",
            "organization_inferred",
            "role",
            "citations",
            "unknown_fields",
        ]
        read_only_fields = fields


class RoundAgendaItemSerializer(serializers.ModelSerializer):
    areas = RefField(many=True, read_only=True)
    citations = citations_field()
    unknown_fields = unknown_fields_field()

    class Meta:
        model = models.AgendaItem
        fields = ["slug", "label", "order", "areas", "notes", "citations", "unknown_fields"]
        read_only_fields = fields


class RoundSerializer(RecordSerializer):
    negotiation = TitledRefField(queryset=models.Negotiation.objects.all())
    participants = ParticipantSerializer(many=True, read_only=True)
    agenda = serializers.SerializerMethodField(
        help_text="The agenda as reported; null when no source reported it (unknown, not empty)."
    )
    disputes = disputes_field()
    citations = citations_field()

    unknown_fields = unknown_fields_field()
    known_as_of = known_as_of_field()

    class Meta(RecordSerializer.Meta):
        model = models.Round
        fields = [
            "id",
            "slug",
            "negotiation",
            "sequence",
            "title",
            "level",
            "status",
            "start_date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "date_note",
            "city",
            "region",
            "country",
            "venue",
            "occasion",
            "summary",
            "outcomes",
            "agenda_status",
            "agenda_basis",
            "agenda",
            "participants",
            "disputes",
            "citations",
            *timestamps(),
            "unknown_fields",
            "known_as_of",
        ]

    def to_representation(self, round_):
        data = super().to_representation(round_)
        if "disputes" in data:  # what its values and lists make disputed, as a reader adds
            computed_round_disputes([data])
        return data

    def get_agenda(self, round_) -> RoundAgendaItemSerializer(many=True, allow_null=True):
        if round_.agenda_status != AgendaStatus.REPORTED:
            return None
        return RoundAgendaItemSerializer(round_.agenda_items.all(), many=True).data


# --- Agenda -------------------------------------------------------------------------------------


class AgendaAreaSerializer(RecordSerializer):
    aliases = AliasSerializer(
        many=True, read_only=True, help_text="Other words for the area. Edited in the admin."
    )

    class Meta(RecordSerializer.Meta):
        model = models.AgendaArea
        fields = ["id", "slug", "name", "description", "aliases", *timestamps()]


class AgendaItemSerializer(RecordSerializer):
    round = slug_of(models.Round)
    negotiation = serializers.SlugRelatedField(
        source="round.negotiation", slug_field="slug", read_only=True
    )
    areas = RefField(
        many=True,
        required=False,
        queryset=models.AgendaArea.objects.all(),
        help_text="Canonical areas (slugs). Omitted on create: resolved from the label "
        "through area names, slugs and aliases (case, spacing and punctuation ignored). "
        "Empty only for an item saved as unmapped.",
    )
    citations = citations_field()

    class Meta(RecordSerializer.Meta):
        model = models.AgendaItem
        fields = [
            "id",
            "slug",
            "round",
            "negotiation",
            "label",
            "order",
            "areas",
            "unmapped",
            "notes",
            "citations",
            *timestamps(),
        ]
        extra_kwargs = {
            **RecordSerializer.Meta.extra_kwargs,
            "unmapped": {
                "help_text": "True: saved on purpose without an area (no area fits the label "
                "yet); comparisons list it apart and the review queue shows it. Giving the "
                "item areas makes it mapped again."
            },
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        round_ = attrs.get("round") or self.instance.round
        unmapped = attrs.get("unmapped", self.instance.unmapped if self.instance else False)
        if self.instance is None and "areas" not in attrs and not unmapped:
            areas = resolve_agenda_areas(attrs["label"])
            if not areas:
                raise serializers.ValidationError(
                    {"areas": writes.unmapped_label_error(attrs["label"])}
                )
            attrs["areas"] = areas
        areas = attrs.get("areas")
        if areas is None and self.instance is not None:
            areas = list(self.instance.areas.all())
        if areas and attrs.get("unmapped"):
            raise serializers.ValidationError(
                {"unmapped": "An item mapped to areas is not unmapped: leave out its areas."}
            )
        if not areas and not unmapped:
            raise serializers.ValidationError(
                {"areas": "Give the item at least one area, or save it with unmapped: true."}
            )
        if areas and "unmapped" not in attrs:
            attrs["unmapped"] = False
        if round_.agenda_status != AgendaStatus.REPORTED:
            raise serializers.ValidationError(
                {"round": "This round's agenda is marked not reported; mark it reported first."}
            )
        return attrs

    def save_areas(self, item, areas):
        if areas is None:
            return
        try:
            writes.set_agenda_item_areas(item=item, areas=areas)
        except DjangoValidationError as error:
            raise serializers.ValidationError(api_errors(error)) from error

    def create(self, validated_data):
        areas = validated_data.pop("areas", None)
        with writes.writing():  # the item and its areas: one write
            item = super().create(validated_data)
            self.save_areas(item, areas)
        return item

    def update(self, instance, validated_data):
        areas = validated_data.pop("areas", None)
        with writes.writing():
            item = super().update(instance, validated_data)
            self.save_areas(item, areas)
        return item


# --- Deadlines, measures, positions --------------------------------------------------------------


class DeadlineSerializer(RecordSerializer):
    negotiation = slug_of(models.Negotiation, required=False, allow_null=True)
    measure = slug_of(models.Measure, required=False, allow_null=True)
    days_remaining = serializers.IntegerField(
        read_only=True,
        help_text="Days from as_of to the deadline (to the first day of a coarse date's "
        "window); negative once passed.",
    )
    deadline_status = serializers.ChoiceField(
        choices=STATUSES, read_only=True, help_text="Relative to as_of."
    )
    citations = citations_field()

    unknown_fields = unknown_fields_field()
    known_as_of = known_as_of_field()
    disputes = serializers.SerializerMethodField(
        help_text="Where the sources' values for this deadline disagree (computed from them: "
        "the versions are in its claims/)."
    )

    class Meta(RecordSerializer.Meta):
        model = models.Deadline
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "negotiation",
            "measure",
            "date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "date_note",
            "description",
            "days_remaining",
            "deadline_status",
            "disputes",
            "citations",
            *timestamps(),
            "unknown_fields",
            "known_as_of",
        ]

    def to_representation(self, deadline):
        data = super().to_representation(deadline)
        computed = {"days_remaining", "deadline_status"} & set(self.fields)
        if computed:
            as_of = self.context.get("as_of") or timezone.localdate()
            status = deadline_status(deadline.date, deadline.end_date, as_of)
            if "days_remaining" in computed:
                data["days_remaining"] = status["days_remaining"]
            if "deadline_status" in computed:
                data["deadline_status"] = status["status"]
        return data

    def get_disputes(self, deadline) -> DisputeRefSerializer(many=True):
        record = {
            **current_values(deadline),
            "slug": deadline.slug,
            "title": deadline.title,
            "citations": [link_ref(link) for link in deadline.citation_links.all()],
        }
        return dispute_refs(models.Deadline, record)


class MeasureSerializer(RecordSerializer):
    imposing_party = slug_of(models.Party)
    target_party = slug_of(models.Party, required=False, allow_null=True)
    negotiation = slug_of(models.Negotiation, required=False, allow_null=True)
    disputes = disputes_field()
    citations = citations_field()
    unknown_fields = unknown_fields_field()
    known_as_of = known_as_of_field()

    class Meta(RecordSerializer.Meta):
        model = models.Measure
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "imposing_party",
            "target_party",
            "negotiation",
            "rate_percent",
            "scope",
            "status",
            "announced_on",
            "start_date",
            "end_date",
            "notes",
            "disputes",
            "citations",
            *timestamps(),
            "unknown_fields",
            "known_as_of",
        ]


class PositionSerializer(RecordSerializer):
    party = slug_of(models.Party)
    speaker = RefField(queryset=models.Person.objects.all(), required=False, allow_null=True)
    organization = slug_of(models.Organization, required=False, allow_null=True)
    negotiation = slug_of(models.Negotiation, required=False, allow_null=True)
    round = slug_of(models.Round, required=False, allow_null=True)
    areas = slug_of(
        models.AgendaArea,
        many=True,
        required=False,
        help_text="The agenda areas the position is about (slugs).",
    )
    citations = citations_field()

    unknown_fields = unknown_fields_field()
    known_as_of = known_as_of_field()

    class Meta(RecordSerializer.Meta):
        model = models.Position
        fields = [
            "id",
            "slug",
            "party",
            "kind",
            "summary",
            "speaker",
            "speaker_name_as_reported",
            "organization",
            "negotiation",
            "round",
            "areas",
            "stated_on",
            "citations",
            *timestamps(),
            "unknown_fields",
            "known_as_of",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        round_ = attrs.get("round")
        if (
            round_ is not None
            and attrs.get("negotiation") is None
            and (self.instance is None or self.instance.negotiation_id is None)
        ):
            attrs["negotiation"] = round_.negotiation
        return attrs


class AgendaExclusionSerializer(RecordSerializer):
    negotiation = slug_of(models.Negotiation)
    round = slug_of(
        models.Round,
        required=False,
        allow_null=True,
        help_text="The round whose agenda the area was off; null: the whole negotiation.",
    )
    area = slug_of(models.AgendaArea)
    handled_in = slug_of(
        models.Negotiation,
        required=False,
        allow_null=True,
        help_text="Where a source says the area is handled instead, if it does.",
    )
    citations = citations_field()
    known_as_of = known_as_of_field()

    class Meta(RecordSerializer.Meta):
        model = models.AgendaExclusion
        fields = [
            "id",
            "slug",
            "negotiation",
            "round",
            "area",
            "handled_in",
            "note",
            "citations",
            *timestamps(),
            "known_as_of",
        ]


# --- Sources, citations, disagreements ------------------------------------------------------------


class SourceSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = models.Source
        fields = [
            "id",
            "slug",
            "title",
            "publisher",
            "authors",
            "published_at",
            "updated_at",
            "published_on",
            "published_on_end",
            "published_on_precision",
            "published_on_inferred",
            "date_note",
            "url",
            "seed_file",
            "text",
            "language",
            "notes",
            *timestamps(),
        ]
        extra_kwargs = {
            **RecordSerializer.Meta.extra_kwargs,
            # A whole article, against which the review queue checks the quotes.
            "text": {"max_length": 200_000},
        }


class CitationSerializer(RecordSerializer):
    source = slug_of(models.Source)
    publisher = serializers.CharField(source="source.publisher", read_only=True)

    class Meta(RecordSerializer.Meta):
        model = models.Citation
        fields = ["id", "slug", "source", "publisher", "quote", "note", *timestamps()]


class ClaimSerializer(serializers.ModelSerializer):
    citations = citations_field()

    class Meta:
        model = models.DisagreementClaim
        fields = ["label", "claim", "citations"]
        read_only_fields = fields


class DisagreementSerializer(RecordSerializer):
    negotiation = slug_of(models.Negotiation, required=False, allow_null=True)
    round = slug_of(models.Round, required=False, allow_null=True)
    area = slug_of(models.AgendaArea, required=False, allow_null=True)
    measures = slug_of(
        models.Measure,
        many=True,
        required=False,
        help_text="The measures whose description is disputed (slugs).",
    )
    claims = ClaimSerializer(
        many=True, read_only=True, help_text="Each version of the disputed fact, with citations."
    )

    known_as_of = known_as_of_field()

    class Meta(RecordSerializer.Meta):
        model = models.Disagreement
        fields = [
            "id",
            "slug",
            "title",
            "note",
            "status",
            "resolution",
            "topic",
            "negotiation",
            "round",
            "area",
            "measures",
            "claims",
            *timestamps(),
            "known_as_of",
        ]
