"""``?known_as_of=YYYY-MM-DD``: a resource, or a computed answer, as the sources published
by that day told it (negotiations.domain.known)."""

import datetime
from functools import cached_property

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from negotiations import models
from negotiations.api.query import parse_date
from negotiations.domain import known
from negotiations.domain.citations import link_prefetch
from negotiations.domain.provenance import dispute_refs

KNOWN_AS_OF_PARAMETER = OpenApiParameter(
    "known_as_of",
    OpenApiTypes.DATE,
    description="What was known on this day (YYYY-MM-DD): a 404 if no source published by "
    "then reports the record; otherwise it is shown with those sources' citations only.",
)


class KnownAsOfMixin:
    """``?known_as_of=YYYY-MM-DD`` on a resource's list and detail: the records as the
    sources published by that day told them (negotiations.domain.known). The list filter is
    declared in the FilterSet (KnownAsOfFilterSet); answers gain a ``known_as_of`` object."""

    detail_params = {"known_as_of"}
    known_as_of_param = True  # ?known_as_of= (empty: not given), for the schema

    @cached_property
    def known_as_of(self) -> datetime.date | None:
        if self.action not in ("list", "retrieve"):
            return None
        return parse_date(self.request, "known_as_of")

    def known_prefetches(self, day: datetime.date) -> list[Prefetch]:
        """The prefetches that show only the citations published by ``day``."""
        return [link_prefetch(self.queryset.model, known_as_of=day)]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.known_as_of is None or self.reader is not None:
            return queryset  # readers load their own citations
        # The known prefetches replace those of the same relations (Django refuses two
        # querysets for one lookup).
        prefetches = self.known_prefetches(self.known_as_of)
        replaced = {prefetch.prefetch_to for prefetch in prefetches}
        kept = [
            lookup
            for lookup in queryset._prefetch_related_lookups
            if getattr(lookup, "prefetch_to", lookup) not in replaced
        ]
        return queryset.prefetch_related(None).prefetch_related(*kept, *prefetches)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.known_as_of  # noqa: B018 (parsed now: a bad value is a 400 before any work)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.known_as_of is not None:
            # Every field (the citations say what each was), then as known, then trimmed.
            context.pop("sparse_fields", None)
        elif "disputes" in (context.get("sparse_fields") or ()):
            context.pop("sparse_fields")  # the disputes the values make need them all
        return context

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.reader is None and response.status_code == 200:
            response.data["results"] = [
                self.as_known(record) for record in response.data["results"]
            ]
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if self.reader is None and response.status_code == 200:
            response.data = self.as_known(response.data)
        return response

    def as_known(self, record) -> dict:
        """A serialized record as known on the day asked, with the disputes its values make
        (readers do this themselves)."""
        model, record = self.queryset.model, dict(record)
        if self.known_as_of is not None:
            known.as_known(model, record, self.known_as_of)
        if "disputes" in record:
            record["disputes"] = [
                *record["disputes"],
                *dispute_refs(model, record, self.known_as_of),
            ]
        return known.trimmed(record, getattr(self, "sparse_fields", None))

    def finalize_response(self, request, response, *args, **kwargs):
        day = self.__dict__.get("known_as_of")  # set only if it was parsed, and valid
        if (
            day is not None
            and response.status_code == 200
            and isinstance(getattr(response, "data", None), dict)
        ):
            response.data["known_as_of"] = known.summary(day)
        return super().finalize_response(request, response, *args, **kwargs)


def known_citations(day: datetime.date):
    return models.Citation.objects.select_related("source").filter(
        known.published_by(day, "source__")
    )


def with_known_as_of(data: dict, day: datetime.date | None) -> dict:
    """A computed answer, with the known_as_of object when it is as known on a day."""
    if day is not None:
        data["known_as_of"] = known.summary(day)
    return data


def known_as_of_param() -> serializers.DateField:
    return serializers.DateField(
        required=False,
        help_text="What was known on this day (YYYY-MM-DD): only rounds, agenda items, "
        "annotations and disputes cited by sources published by then. A round dated after "
        "it is shown as planned. Undated sources are left out and counted.",
    )
