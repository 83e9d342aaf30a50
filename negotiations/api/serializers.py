"""Serializers: the shape of every resource, its validation and its OpenAPI schema.

Relations are written as slugs (stable across databases) and read either as slugs or,
where a dashboard needs more than the identifier, as small embedded objects ("refs").
Validation runs the model's own full_clean(), so the API and the admin enforce the same
rules; a rule the database enforces is reported as a 400 naming the field, never a 500.
"""

import copy
import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from negotiations import models
from negotiations.choices import (
    AgendaBasis,
    AgendaChange,
    AgendaStatus,
    AnnotationBasis,
    DatePrecision,
    DisagreementStatus,
    DisagreementTopic,
    RoundLevel,
    RoundStatus,
)
from negotiations.domain import writes
from negotiations.domain.agenda import (
    ABSENT,
    CELL_CHANGES,
    CHANGE_BASES,
    FIRST_REPORTED,
    PRESENT,
    SKIP_REASONS,
    UNKNOWN,
)
from negotiations.domain.deadlines import STATUSES, deadline_status
from negotiations.domain.labels import resolve_agenda_areas
from negotiations.domain.review import KINDS as REVIEW_KINDS
from negotiations.domain.slugs import unique_slug

# --- Refs: written as a slug, read as a small object ------------------------------------------


class CitationRefSerializer(serializers.Serializer):
    """A citation as embedded in a fact: the source and the verbatim quote."""

    slug = serializers.SlugField()
    source = serializers.SlugField(help_text="Slug of the source document.")
    publisher = serializers.CharField()
    quote = serializers.CharField(help_text="The words of the source, verbatim.")


class NamedRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class DisputeRefSerializer(serializers.Serializer):
    """A disagreement between sources about a record (its versions: conflicts/{slug}/)."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    topic = serializers.ChoiceField(choices=DisagreementTopic.choices)
    status = serializers.ChoiceField(choices=DisagreementStatus.choices)
    area = serializers.SlugField(
        source="area.slug", allow_null=True, help_text="The agenda area it concerns, if one."
    )


def disputes_field():
    return DisputeRefSerializer(
        source="disagreements",
        many=True,
        read_only=True,
        help_text="Where sources disagree about this record: each version is in conflicts/.",
    )


class TitledRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class KnownAsOfSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Only sources published by this day were used.")
    sources_published = serializers.IntegerField(help_text="Sources published by that day.")
    sources_undated = serializers.IntegerField(
        help_text="Sources with no publication date, printed or inferred: left out."
    )


KNOWN_AS_OF_FIELD_HELP = "Present with ?known_as_of=: the day and the sources it could use."


def known_as_of_field():
    return KnownAsOfSerializer(required=False, read_only=True, help_text=KNOWN_AS_OF_FIELD_HELP)


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class SlugRelation(serializers.SlugRelatedField):
    """A relation by slug that checks the value is a slug before looking it up: a NUL
    character or a space is a 400, and never reaches the database (PostgreSQL would refuse
    a NUL with an error)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not SLUG.fullmatch(data):
            raise serializers.ValidationError(
                "Not a slug (letters, digits, hyphens and underscores).", code="invalid"
            )
        return super().to_internal_value(data)


class RefField(SlugRelation):
    """A relation written as the related object's slug and read as a small object.

    ``ref_serializer`` documents the object in the schema; ``represent`` builds it.
    """

    ref_serializer: type[serializers.Serializer] = NamedRefSerializer

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def represent(self, obj) -> dict:
        return {"slug": obj.slug, "name": obj.name}

    def to_representation(self, obj):
        return self.represent(obj)


class CitationRefField(RefField):
    ref_serializer = CitationRefSerializer

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", models.Citation.objects.select_related("source"))
        kwargs.setdefault("help_text", "Citations: written as citation slugs.")
        super().__init__(**kwargs)

    def represent(self, citation) -> dict:
        return citation_ref(citation)


def citation_ref(citation) -> dict:
    """A citation as embedded in a fact (CitationRefSerializer's shape)."""
    return {
        "slug": citation.slug,
        "source": citation.source.slug,
        "publisher": citation.source.publisher,
        "quote": citation.quote,
    }


class TitledRefField(RefField):
    ref_serializer = TitledRefSerializer

    def represent(self, obj) -> dict:
        return {"slug": obj.slug, "title": obj.title}


class StrictBooleanField(serializers.BooleanField):
    """true or false, nothing else: a query parameter's "true"/"false" or a JSON boolean
    (DRF's BooleanField also takes "yes", "on", 1...)."""

    def to_internal_value(self, data):
        if data in (True, "true"):
            return True
        if data in (False, "false"):
            return False
        self.fail("invalid", input=data)


def citations_field():
    return CitationRefField(many=True, required=False)


def slug_of(model, **kwargs):
    """A relation read and written as the related object's slug."""
    kwargs.setdefault("queryset", model.objects.all())
    return SlugRelation(slug_field="slug", **kwargs)


# --- Base serializer ----------------------------------------------------------------------------


def api_errors(error: DjangoValidationError) -> dict:
    """A model ValidationError as a DRF error body: field -> messages, each keeping the
    model's code (`unique`, `invalid_choice`, ...) for the error envelope."""

    def details(errors) -> list[ErrorDetail]:
        return [
            ErrorDetail(message, code=each.code or "invalid")
            for each in errors
            for message in each.messages
        ]

    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: details(error.error_list)}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: details(errors)
        for field, errors in error.error_dict.items()
    }


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A lone UTF-16 surrogate ("\ud800" in JSON) is no character: no database can store it.
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
MAX_TEXT_LENGTH = 20_000


def no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise serializers.ValidationError(
            "Control characters are not allowed (tabs and line breaks are)."
        )
    if LONE_SURROGATES.search(value):
        raise serializers.ValidationError("Lone UTF-16 surrogates are not text.")


def json_type_problem(field, value) -> str | None:
    """Why a JSON value does not have the type the schema gives this field, if it does not."""
    if value is None:
        return None  # DRF's own "may not be null" applies
    if isinstance(field, serializers.ManyRelatedField | serializers.MultipleChoiceField):
        if isinstance(field, serializers.MultipleChoiceField):
            return None if isinstance(value, list) else "Expected a list."
        if not isinstance(value, list):
            return "Expected a list of slugs."
        if not all(isinstance(item, str) and item for item in value):
            return "Expected a list of slugs (non-empty strings)."
        return None
    if isinstance(field, serializers.RelatedField):
        return None if isinstance(value, str) and value else "Expected a slug (a non-empty string)."
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Expected true or false."
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "Expected a whole number."
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        # A decimal may also come as a string ("12.5"), which keeps its exact digits.
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return None if ok else "Expected a number."
    if isinstance(field, serializers.JSONField | serializers.ListField | serializers.DictField):
        return None
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return None if isinstance(value, str) else "Expected a string."
    if isinstance(field, serializers.DateTimeField | serializers.TimeField):
        return None if isinstance(value, str) else "Expected a string."
    return None


class RecordSerializer(serializers.ModelSerializer):
    """Base for every resource: slugs, sparse fields and model validation.

    * ``slug`` may be omitted on create (the domain's rule makes it: negotiations.domain.slugs)
      and never changes.
    * ``?fields=a,b`` (validated by the view) trims the top-level fields of a response.
    * ``validate()`` runs the model's full_clean() on the would-be instance.
    """

    id = serializers.IntegerField(
        read_only=True, help_text="The record's id: it never changes, whatever its slug."
    )

    class Meta:
        read_only_fields = ["id", "created", "updated"]
        extra_kwargs = {"slug": {"required": False}}
        # Multi-field uniqueness is checked by the model's full_clean() in validate(),
        # which reports every error at once and names the field.
        validators = []

    def build_standard_field(self, field_name, model_field):
        """Text input is bounded and free of control characters, whatever the model says."""
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField):
            field_kwargs["validators"] = [
                *field_kwargs.get("validators", []),
                no_control_characters,
            ]
            field_kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        return field_class, field_kwargs

    def get_fields(self):
        fields = super().get_fields()
        wanted = self.context.get("sparse_fields")
        is_root = self.parent is None or (
            isinstance(self.parent, serializers.ListSerializer) and self.parent.parent is None
        )
        if wanted and is_root:
            return {name: field for name, field in fields.items() if name in wanted}
        return fields

    def to_internal_value(self, data):
        """JSON types exactly as the schema states them: DRF would turn 0 into "0", {} into
        an empty list and "" into null; here they are a 400 naming the field."""
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        errors = {}
        for name, field in self.fields.items():
            if name in data and not field.read_only:
                problem = json_type_problem(field, data[name])
                if problem:
                    errors[name] = [problem]
        if not errors:
            return super().to_internal_value(data)
        # Report the other fields' errors too, as for any invalid request.
        try:
            super().to_internal_value({k: v for k, v in data.items() if k not in errors})
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict):
                errors = {**error.detail, **errors}
        raise serializers.ValidationError(errors)

    def create(self, validated_data):
        fields, links = split_links(self.Meta.model, validated_data)
        return writes.create_record(model=self.Meta.model, fields=fields, links=links)

    def update(self, instance, validated_data):
        fields, links = split_links(self.Meta.model, validated_data)
        return writes.update_record(record=instance, fields=fields, links=links)

    def validate_slug(self, value):
        if self.instance is not None and value != self.instance.slug:
            raise serializers.ValidationError(
                "Slugs are stable identifiers used by dashboards and fixtures: they cannot change."
            )
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        if self.instance is None and not attrs.get("slug") and "slug" in self.fields:
            attrs["slug"] = unique_slug(model, attrs)
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {field.name for field in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(api_errors(error)) from error
        return attrs


def timestamps():
    return ["created", "updated"]


def split_links(model, data: dict) -> tuple[dict, dict]:
    """Validated data as (field values, many-to-many lists), as the write services take."""
    names = {field.name for field in model._meta.many_to_many}
    fields = {name: value for name, value in data.items() if name not in names}
    links = {name: value for name, value in data.items() if name in names}
    return fields, links


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
                "citations": [citation_ref(c) for c in relation.citations.all()],
            }
            for relation in negotiation.relations_from.all()
        ]
        incoming = [
            {
                "kind": relation.kind,
                "direction": "incoming",
                "negotiation": relation.from_negotiation.slug,
                "note": relation.note,
                "citations": [citation_ref(c) for c in relation.citations.all()],
            }
            for relation in negotiation.relations_to.all()
        ]
        return outgoing + incoming


class ParticipantSerializer(serializers.ModelSerializer):
    person = RefField(read_only=True, allow_null=True)
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
        ]
        read_only_fields = fields


class RoundAgendaItemSerializer(serializers.ModelSerializer):
    areas = RefField(many=True, read_only=True)
    citations = citations_field()

    class Meta:
        model = models.AgendaItem
        fields = ["slug", "label", "order", "areas", "notes", "citations"]
        read_only_fields = fields


class RoundSerializer(RecordSerializer):
    negotiation = TitledRefField(queryset=models.Negotiation.objects.all())
    participants = ParticipantSerializer(many=True, read_only=True)
    agenda = serializers.SerializerMethodField(
        help_text="The agenda as reported; null when no source reported it (unknown, not empty)."
    )
    disputes = disputes_field()
    citations = citations_field()

    RESERVED_SLUGS = {"compare"}

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
            "known_as_of",
        ]

    def validate_slug(self, value):
        if value in self.RESERVED_SLUGS:
            raise serializers.ValidationError(f"“{value}” is reserved by the API.")
        return super().validate_slug(value)

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

    known_as_of = known_as_of_field()

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
            "citations",
            *timestamps(),
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


class MeasureSerializer(RecordSerializer):
    imposing_party = slug_of(models.Party)
    target_party = slug_of(models.Party, required=False, allow_null=True)
    negotiation = slug_of(models.Negotiation, required=False, allow_null=True)
    disputes = disputes_field()
    citations = citations_field()
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


# --- Computed answers (documentation of the domain functions' output) -------------------------


class RoundRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    sequence = serializers.IntegerField()
    negotiation = serializers.SlugField()
    level = serializers.ChoiceField(choices=RoundLevel.choices)
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    agenda_status = serializers.ChoiceField(choices=AgendaStatus.choices)
    agenda_basis = serializers.ChoiceField(
        choices=AgendaBasis.choices,
        allow_blank=True,
        help_text="What kind of list the agenda is: discussed at the round, scope agreed there "
        "for later talks, or announced before it; empty when the agenda was not reported.",
    )


class ReportedItemSerializer(serializers.Serializer):
    item = serializers.SlugField(help_text="Slug of the agenda item.")
    label = serializers.CharField(help_text="The label exactly as reported.")
    citations = CitationRefSerializer(many=True)


class DisputeClaimSerializer(serializers.Serializer):
    label = serializers.CharField()
    claim = serializers.CharField()
    citations = CitationRefSerializer(many=True)


class DisputeSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The disagreement (conflicts/{slug}/).")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=DisagreementStatus.choices)
    topic = serializers.ChoiceField(choices=DisagreementTopic.choices)
    round = serializers.SlugField(help_text="The round it is about.")
    area = serializers.SlugField(
        allow_null=True, help_text="The area it is about; null: the round's agenda as a whole."
    )
    claims = DisputeClaimSerializer(many=True, help_text="Every version, with its citations.")


DISPUTES_HELP = (
    "Disagreements between sources about either compared round that concern this area, or "
    "that round's agenda as a whole."
)


class FirstReportedAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Canonical agenda area.")
    name = serializers.CharField()
    after = ReportedItemSerializer(help_text="As reported in round.")
    disputes = DisputeSerializer(many=True, help_text=DISPUTES_HELP)


class AreaChangeSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Canonical agenda area.")
    name = serializers.CharField()
    before = ReportedItemSerializer(allow_null=True, help_text="As reported in compared_to.")
    after = ReportedItemSerializer(allow_null=True, help_text="As reported in round.")
    basis = serializers.ChoiceField(
        choices=CHANGE_BASES,
        help_text="stated: an editors' annotation cites a source that reports this change in "
        "so many words; inferred: it only follows from comparing the two lists.",
    )
    disputes = DisputeSerializer(many=True, help_text=DISPUTES_HELP)


class SkippedRoundSerializer(serializers.Serializer):
    round = RoundRefSerializer()
    reason = serializers.ChoiceField(
        choices=SKIP_REASONS,
        help_text="agenda_not_reported or cancelled: never a basis; planned or postponed: not "
        "held, so not what a held round is compared with (unless include_planned=true).",
    )


class AnnotationSerializer(serializers.Serializer):
    area = serializers.SlugField()
    change = serializers.ChoiceField(choices=AgendaChange.choices)
    basis = serializers.ChoiceField(
        choices=AnnotationBasis.choices,
        help_text="stated: its citations report the change in so many words; editors_reading: "
        "context or a cause that no source links to the change.",
    )
    note = serializers.CharField()
    citations = CitationRefSerializer(many=True)


class UnmappedItemsSerializer(serializers.Serializer):
    before = ReportedItemSerializer(
        many=True, help_text="Items of compared_to's agenda mapped to no area."
    )
    after = ReportedItemSerializer(
        many=True, help_text="Items of round's agenda mapped to no area."
    )


UNMAPPED_HELP = (
    "Agenda items mapped to no canonical area (saved as unmapped, or not mapped yet): they "
    "cannot be compared by area, so they are listed here rather than left out."
)


class AgendaChangesSerializer(serializers.Serializer):
    round = RoundRefSerializer()
    compared_to = RoundRefSerializer(
        allow_null=True,
        help_text="The round compared with: for a held round, the latest earlier held round "
        "whose agenda is reported; otherwise the latest earlier one of any status.",
    )
    comparable = serializers.BooleanField(help_text="Whether both agendas are known.")
    reason = serializers.CharField(help_text="Why the answer is partial, if it is.")
    skipped = SkippedRoundSerializer(
        many=True, help_text="Rounds passed over to find compared_to, latest first."
    )
    first_reported = FirstReportedAreaSerializer(
        many=True,
        help_text="The areas of the first reported agenda, which has nothing to compare with "
        "(added, dropped and retained are then empty).",
    )
    added = AreaChangeSerializer(many=True)
    dropped = AreaChangeSerializer(many=True)
    retained = AreaChangeSerializer(many=True)
    unmapped = UnmappedItemsSerializer(help_text=UNMAPPED_HELP)
    annotations = AnnotationSerializer(many=True, help_text="Editors' notes, cited.")
    contested = serializers.BooleanField(help_text="Whether any entry has disputes.")
    known_as_of = known_as_of_field()


class NegotiationAgendaChangesSerializer(serializers.Serializer):
    negotiation = TitledRefSerializer()
    changes = AgendaChangesSerializer(many=True)
    contested = serializers.BooleanField(help_text="Whether any round's answer is contested.")
    known_as_of = known_as_of_field()


class MatrixCellSerializer(serializers.Serializer):
    round = serializers.SlugField()
    state = serializers.ChoiceField(choices=[PRESENT, ABSENT, UNKNOWN])
    change = serializers.ChoiceField(
        choices=CELL_CHANGES,
        allow_null=True,
        help_text="The change this cell marks against the round it is compared with; "
        "first_reported for the negotiation's first reported agenda.",
    )
    basis = serializers.ChoiceField(
        choices=CHANGE_BASES,
        allow_null=True,
        help_text="For added, dropped and retained cells: stated or inferred.",
    )
    label = serializers.CharField(allow_null=True)
    item = serializers.SlugField(allow_null=True)
    citations = CitationRefSerializer(many=True, help_text="Of the item reporting the area.")
    before = ReportedItemSerializer(
        allow_null=True, help_text="For a dropped cell: the area as the compared round reported it."
    )
    annotations = AnnotationSerializer(
        many=True, help_text="Editors' notes on this change (a dropped cell: what reports it)."
    )
    disputes = DisputeSerializer(many=True)


class MatrixAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    cells = MatrixCellSerializer(many=True, help_text="One per round, in round order.")


class MatrixUnmappedSerializer(serializers.Serializer):
    round = serializers.SlugField()
    items = ReportedItemSerializer(many=True)


class AgendaMatrixSerializer(serializers.Serializer):
    negotiation = serializers.SlugField()
    rounds = RoundRefSerializer(many=True)
    areas = MatrixAreaSerializer(many=True)
    unmapped = MatrixUnmappedSerializer(
        many=True, help_text=UNMAPPED_HELP + " Only rounds (reported agendas) that have some."
    )
    contested = serializers.BooleanField(help_text="Whether any cell has disputes.")
    known_as_of = known_as_of_field()


class HistoryRoundSerializer(MatrixCellSerializer):
    round = RoundRefSerializer()


class HistoryEventSerializer(serializers.Serializer):
    round = serializers.SlugField()
    change = serializers.ChoiceField(choices=[FIRST_REPORTED, "added", "dropped"])


class HistoryNegotiationSerializer(serializers.Serializer):
    negotiation = TitledRefSerializer()
    rounds = HistoryRoundSerializer(many=True)
    events = HistoryEventSerializer(many=True)


class AreaHistorySerializer(serializers.Serializer):
    area = NamedRefSerializer()
    count = serializers.IntegerField(help_text="Negotiations in which the area appeared.")
    next = serializers.URLField(allow_null=True, help_text="The next page of negotiations.")
    previous = serializers.URLField(allow_null=True)
    negotiations = HistoryNegotiationSerializer(many=True)
    contested = serializers.BooleanField(help_text="Whether any cell on this page has disputes.")
    known_as_of = known_as_of_field()


# --- Review queue --------------------------------------------------------------------------------


class ReviewRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The kind of record (agendaitem, participant...).")
    id = serializers.IntegerField()
    slug = serializers.SlugField(allow_null=True, help_text="Its slug, if it has one.")
    text = serializers.CharField(help_text="What needs review: the label, name, title or quote.")


class ReviewSuggestionSerializer(serializers.Serializer):
    slug = serializers.SlugField(
        help_text="The suggested area or person (for a quote: the source)."
    )
    name = serializers.CharField(help_text="Its name (for a quote: the closest passage).")
    score = serializers.FloatField(help_text="Similarity, 0 to 100 (100: the same words).")
    matched = serializers.CharField(help_text="The name or alias that scored best.")


class ReviewEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=REVIEW_KINDS)
    key = serializers.CharField(help_text="Identifies the entry (kind:id).")
    record = ReviewRecordSerializer()
    round = TitledRefSerializer(allow_null=True, help_text="The round it belongs to, if any.")
    reason = serializers.CharField()
    suggestions = ReviewSuggestionSerializer(
        many=True, help_text="Best first; accepted in the admin's review queue."
    )


# --- Audit history -------------------------------------------------------------------------------


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["created", "updated", "deleted"])
    user = serializers.CharField(
        allow_null=True, help_text="Who made the change; shown to authenticated clients only."
    )
    reason = serializers.CharField(allow_null=True)
    changes = FieldChangeSerializer(many=True, help_text="Foreign keys and lists as slugs.")


class ChangeEventSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The resource, as in its URL (rounds, people...).")
    id = serializers.IntegerField(help_text="The record's id: it never changes.")
    slug = serializers.SlugField(help_text="The record's slug at that moment.")
    previous_slug = serializers.SlugField(
        allow_null=True, help_text="For a rename: the slug it had before (its old URL redirects)."
    )
    action = serializers.ChoiceField(choices=["created", "updated", "renamed", "deleted"])
    time = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    history_id = serializers.IntegerField()


class ChangesFeedSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null if none.")
    results = ChangeEventSerializer(many=True)


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Changes at or after this ISO 8601 time.")
    after = serializers.RegexField(
        r"^[a-z-]+:\d+$",
        required=False,
        help_text="Resume token from `next` (type:history_id); set by the server.",
    )
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False, default=100)


__all__ = [name for name, value in dict(globals()).items() if isinstance(value, type)]
