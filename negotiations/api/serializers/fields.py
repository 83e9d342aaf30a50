"""Fields and refs every serializer shares: relations written as slugs and read as slugs or
small embedded objects ("refs"), citations, disputes, strict booleans."""

import re

from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from negotiations import models
from negotiations.api.serializers.shapes import serializer_for
from negotiations.choices import DisagreementStatus, DisagreementTopic
from negotiations.domain.citations import CitationRef, iso_day, link_ref
from negotiations.domain.known import KnownAsOf
from negotiations.domain.writes import CitationLinkSpec

# --- Refs: written as a slug, read as a small object ------------------------------------------


CitationRefSerializer = serializer_for(CitationRef)


class NamedRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class DisputeRefSerializer(serializers.Serializer):
    """A disagreement between sources about a record: recorded by the editors (its versions:
    conflicts/{slug}/), or computed from the values the sources give (its versions: the
    record's claims/)."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    topic = serializers.ChoiceField(choices=DisagreementTopic.choices)
    status = serializers.ChoiceField(choices=DisagreementStatus.choices)
    area = serializers.SlugField(
        source="area.slug", allow_null=True, help_text="The agenda area it concerns, if one."
    )
    facet = serializers.SerializerMethodField(
        help_text="For a dispute computed from values: the facet the sources disagree on."
    )
    computed = serializers.SerializerMethodField(
        help_text="true: computed from the values the sources give (versions in claims/); "
        "false: recorded by the editors (versions in conflicts/{slug}/)."
    )

    def get_facet(self, dispute) -> str | None:
        return dispute.get("facet") if isinstance(dispute, dict) else None

    def get_computed(self, dispute) -> bool:
        return isinstance(dispute, dict) and dispute.get("computed", False)


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


class UnknownFieldsField(serializers.ListField):
    """Present only in answers as known on a day: their schema does not require it."""


def unknown_fields_field():
    return UnknownFieldsField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Present with ?known_as_of=: the fields that no source published by then "
        "states, null in this answer (unknown, not empty).",
    )


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


class CitationLinksField(serializers.ManyRelatedField):
    """A record's citations, read from its citation links (prefetched with their citations
    and sources: negotiations.domain.citations.link_prefetch), each with what its quote
    states of the record."""

    def get_attribute(self, instance):
        return instance.citation_links.all()

    def to_representation(self, links):
        return [link_ref(link) for link in sorted(links, key=lambda link: link.citation.slug)]


class CitationRefField(RefField):
    """A citation, written as its slug (linked to the whole record) or as an object saying
    what its quote states (``{"citation": slug, "facets": [...], "values": {...},
    "reports_change": false}``); read as CitationRef."""

    ref_serializer = CitationRefSerializer
    link_keys = {"citation", "facets", "values", "reports_change"}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", models.Citation.objects.select_related("source"))
        kwargs.setdefault(
            "help_text",
            "Citations: each a citation slug (the quote supports the whole record) or an "
            "object saying which facets of the record the quote states.",
        )
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return CitationLinksField(**list_kwargs)

    def represent(self, citation) -> dict:
        return citation_ref(citation)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        if stray := sorted(set(data) - self.link_keys):
            raise serializers.ValidationError(
                f"Unknown key{'s' if len(stray) > 1 else ''}: {', '.join(stray)} (a citation "
                f"is {{{', '.join(sorted(self.link_keys))}}}).",
                code="unexpected_field",
            )
        if "citation" not in data:
            raise serializers.ValidationError("“citation”: the citation's slug is required.")
        facets, values = data.get("facets", []), data.get("values", {})
        reports_change = data.get("reports_change", False)
        if not isinstance(facets, list) or not all(isinstance(f, str) for f in facets):
            raise serializers.ValidationError("“facets”: a list of facet names.")
        if not isinstance(values, dict):
            raise serializers.ValidationError("“values”: an object, facet -> {field: value}.")
        if not isinstance(reports_change, bool):
            raise serializers.ValidationError("“reports_change”: true or false.")
        return CitationLinkSpec(
            citation=super().to_internal_value(data["citation"]),
            facets=tuple(facets),
            values=values,
            reports_change=reports_change,
        )


def citation_ref(citation) -> dict:
    """A citation as embedded in a fact that it supports as a whole (no link at hand)."""
    return {
        "slug": citation.slug,
        "source": citation.source.slug,
        "publisher": citation.source.publisher,
        "quote": citation.quote,
        "published_on": iso_day(citation.source.known_from),
        "facets": [],
        "values": {},
        "reports_change": False,
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
