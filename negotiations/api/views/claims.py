"""``GET {slug}/claims/`` on every cited resource: each facet's values as each source gave
them (negotiations.domain.claims)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from negotiations import registry
from negotiations.api.renderers import ORJSONRenderer
from negotiations.api.serializers.shapes import serializer_for
from negotiations.api.views.known_as_of import known_as_of_param, with_known_as_of
from negotiations.domain import known
from negotiations.domain.claims import RecordClaims, record_claims

RecordClaimsSerializer = serializer_for(RecordClaims)


class ClaimsQuerySerializer(serializers.Serializer):
    known_as_of = known_as_of_param()


class ClaimsMixin:
    """The claims of a record, on the resources whose records sources cite."""

    @classmethod
    def get_extra_actions(cls):
        actions = super().get_extra_actions()
        queryset = getattr(cls, "queryset", None)
        if queryset is None or queryset.model not in registry.cited_models().values():
            actions = [found for found in actions if found.__name__ != "claims"]
        return actions

    @extend_schema(
        summary="Every value of the record as each source gave it",
        description="For each facet of the record (a group of fields a source states "
        "together: a round's date, its place, its status...), every value its sources "
        "gave, with their quotes and publication days, and whether it is the current one, "
        "was superseded (by which quote) or is disputed; the same for the records it "
        "embeds (a round's participants and agenda items), and the citations that do not "
        "yet say which facets they state. With known_as_of, only the sources published by "
        "then.",
        parameters=[ClaimsQuerySerializer],
        responses=RecordClaimsSerializer,
    )
    @action(
        detail=True,
        url_path="claims",
        renderer_classes=[ORJSONRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def claims(self, request, slug=None):
        query = self.action_query()
        day = query.get("known_as_of")
        found = known.known_records(self.lean_queryset.filter(slug=slug), day)
        record = found.first()
        if record is None:
            self.redirect_if_renamed()
            name = self.queryset.model._meta.verbose_name
            if day is not None and self.lean_queryset.filter(slug=slug).exists():
                raise NotFound(f"No source published by {day.isoformat()} reports this {name}.")
            raise NotFound(f"No {name} matches the given query.")
        return Response(with_known_as_of(record_claims(record, known_as_of=day), day))
