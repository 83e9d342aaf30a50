"""Fields and refs every serializer shares: relations written as slugs and read as slugs or
small embedded objects ("refs"), citations, disputes, strict booleans."""

import re

from rest_framework import serializers

from negotiations import models
from negotiations.api.serializers.shapes import serializer_for
from negotiations.choices import DisagreementStatus, DisagreementTopic
from negotiations.domain.citations import CitationRef
from negotiations.domain.known import KnownAsOf

# --- Refs: written as a slug, read as a small object ------------------------------------------


CitationRefSerializer = serializer_for(CitationRef)


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


KnownAsOfSerializer = serializer_for(KnownAsOf)


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


class OptionalChoiceField(serializers.ChoiceField):
    """A choice that may have no value: null, as every value the API does not have (one rule
    for "no value"; text alone is never null, its "no value" being ""). The model keeps it as
    "" (a CharField with blank=True, as Django does); "" sent for it is a 400 (use null)."""

    def __init__(self, **kwargs):
        kwargs.pop("allow_blank", None)
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return "" if value is None else value

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


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
