"""RecordViewSet, the base of every resource, composed of one small mixin per behaviour:

- MethodFirstMixin, CreatedLocationMixin, StrictFormatMixin (http.py);
- ConditionalRequestsMixin (conditional.py): ETags, 304s, If-Match;
- StrictQueryMixin (query.py): unknown query parameters are a 400, ``?fields=``;
- CachedAnswersMixin (caching.py): a GET's whole answer cached under its ETag;
- RepresentationsMixin (representations.py): the JSON, CSV and sparse URLs of a resource;
- ReaderMixin: lists and details read through a fast reader (readers.py) where one exists;
- WritesMixin: each write one unit of work (negotiations.domain.writes), on the locked row;
- RenamedRecordMixin (renames.py): an old slug redirects;
- AuditHistoryMixin: ``{slug}/audit-history/``.

A read goes: initial() (405, credentials, throttles, 303 to the CSV or sparse URL, the
cached answer if there is one, query parameters, 304 for lists) ->
list() or retrieve() (filters, known_as_of, the reader or the serializer) ->
finalize_response() (ETag; RateLimitMiddleware then charges the answer's cost and adds
RateLimit-*). A write: initial() -> get_object() (row locked,
If-Match) -> the serializer's save() through negotiations.domain.writes, in one transaction.
"""

from django.db import connection
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from negotiations import models
from negotiations.api import serializers as api
from negotiations.api.caching import CachedAnswersMixin
from negotiations.api.conditional import ConditionalRequestsMixin
from negotiations.api.fields_sent import check_body_fields
from negotiations.api.filters import StrictOrderingFilter
from negotiations.api.http import CreatedLocationMixin, MethodFirstMixin, StrictFormatMixin
from negotiations.api.parsers import JSONParser
from negotiations.api.query import StrictQueryMixin
from negotiations.api.renames import RenamedRecordMixin
from negotiations.api.renderers import CSVRenderer, ORJSONRenderer
from negotiations.api.representations import RepresentationsMixin
from negotiations.api.views.claims import ClaimsMixin, ClaimsQuerySerializer
from negotiations.domain import audit, known
from negotiations.domain.writes import delete_record, run_write, settle_now

JSON_ONLY = [ORJSONRenderer, renderers.BrowsableAPIRenderer]
DISPUTES = Prefetch(
    "disagreements",
    queryset=models.Disagreement.objects.select_related("area").order_by("title", "pk"),
)


class ReaderMixin:
    """Lists and details through a fast reader (negotiations.api.readers) where the resource
    has one, else through the serializer. A reader turns the ``.values(*reader.columns)``
    rows of a page into records; readers and computed endpoints load their own data."""

    # A reader for list and detail, or None for the serializer.
    reader = None
    # What was known on a day (?known_as_of=, KnownAsOfMixin); None: everything known now.
    known_as_of = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "queryset", None) is not None:
            # Built once: cloning away the prefetching on every request is measurable.
            cls.lean_queryset = cls.queryset.select_related(None).prefetch_related(None)

    def get_queryset(self):
        if self.action in ("list", "retrieve") and self.reader is None:
            return super().get_queryset()
        # Readers, computed endpoints and writes (which answer with record_answer()) load
        # what they show themselves: find the objects without the serializer's prefetching.
        return self.lean_queryset.all()

    def record_answer(self, instance) -> dict:
        """A record just written, as a GET would answer it, read again in the fixed number
        of queries of a detail (its cached relations are stale after a write)."""
        if self.reader is not None:
            rows = self.lean_queryset.filter(pk=instance.pk).values(*self.reader_columns())
            return self.read(list(rows))[0]
        return self.get_serializer(type(self).queryset.get(pk=instance.pk)).data

    def filter_queryset(self, queryset):
        # Only lists take filters (check_query_params refuses them elsewhere): a detail or a
        # computed endpoint need not build the FilterSet.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def read(self, rows) -> list[dict]:
        return self.reader(rows, getattr(self, "sparse_fields", None))

    def reader_columns(self) -> tuple[str, ...]:
        return self.reader.columns

    def list(self, request, *args, **kwargs):
        if self.reader is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*self.reader_columns()))
        return self.get_paginated_response(self.read(list(page)))

    def retrieve(self, request, *args, **kwargs):
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        columns = self.reader_columns() if self.reader else ("id", "updated")
        found = known.known_records(self.lean_queryset.filter(**lookup), self.known_as_of)
        rows = list(found.values(*columns)[:1])
        if not rows:
            self.redirect_if_renamed()
            name = self.queryset.model._meta.verbose_name
            if self.known_as_of is not None and self.lean_queryset.filter(**lookup).exists():
                raise NotFound(
                    f"No source published by {self.known_as_of.isoformat()} reports this {name}."
                )
            raise NotFound(f"No {name} matches the given query.")
        self.check_not_modified(request, self.object_token(rows[0]["updated"]))
        if self.reader is None:
            return super().retrieve(request, *args, **kwargs)
        return Response(self.read(rows)[0])


class WritesMixin:
    """Each write is one unit of work (negotiations.domain.writes), run again on a deadlock;
    an update or a delete locks its row and checks If-Match against it first."""

    def get_object(self):
        # The action, not the method: OPTIONS (action "metadata") also calls get_object()
        # with a PUT request to describe the form, outside any transaction.
        if self.action not in ("update", "partial_update", "destroy"):
            return super().get_object()
        # Lock the row for the rest of the write's transaction: the If-Match check and the
        # write see the same version (on PostgreSQL; SQLite serialises writes).
        # FOR NO KEY UPDATE (PostgreSQL): what the UPDATE itself takes. Plain FOR UPDATE
        # would also block inserts that merely refer to the row (their foreign-key checks
        # take KEY SHARE locks), a needless wait and a source of deadlocks.
        self.queryset = self.queryset.select_for_update(
            of=("self",), no_key=connection.features.has_select_for_no_key_update
        )
        instance = super().get_object()
        self.check_if_match(self.request, instance)
        return instance

    def create(self, request, *args, **kwargs):
        def write():
            check_body_fields(self, request.data)
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            self.perform_create(serializer)
            answer = self.record_answer(serializer.instance)
            return Response(answer, status=201, headers=self.get_success_headers(answer))

        return run_write(write)

    def update(self, request, *args, partial=False, **kwargs):
        def write():
            instance = self.get_object()
            check_body_fields(self, request.data, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
            return Response(self.record_answer(serializer.instance))

        return run_write(write)

    def destroy(self, request, *args, **kwargs):
        return run_write(lambda: super(WritesMixin, self).destroy(request, *args, **kwargs))

    def perform_create(self, serializer):
        serializer.save()  # through the write services (RecordSerializer.create)
        settle_now()  # the answer's `updated` includes the touches

    def perform_update(self, serializer):
        serializer.save()
        settle_now()
        self.response_etag = f'"{self.object_token(serializer.instance)}"'
        self.response_last_modified = None

    def perform_destroy(self, instance):
        delete_record(record=instance)


class AuditHistoryMixin:
    """``GET {slug}/audit-history/``: the record's audit trail (negotiations.domain.audit)."""

    def audit_entries(self, request, slug):
        model = self.queryset.model
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is None:
            self.redirect_if_renamed()
            # Once deleted, a record's URL and everything under it is gone (404). Its
            # deletion, with who and when, is in the changes feed; its whole trail stays in
            # the audit tables, from which the admin's revert view can restore it.
            raise NotFound(
                f"No {model._meta.verbose_name} with this slug. A deleted record's deletion "
                "is listed by /api/v1/changes/."
            )
        entries = audit.object_history(model, pk)
        if not request.user.is_authenticated:
            entries = [{**entry, "user": None} for entry in entries]
        return Response(entries)

    @extend_schema(
        summary="Audit history of this record",
        description="Every change, newest first: who (for authenticated clients), when, what "
        "changed. A deleted record is a 404 here; the changes feed lists its deletion.",
        responses=api.HistoryEntrySerializer(many=True),
    )
    @action(
        detail=True,
        url_path="audit-history",
        renderer_classes=JSON_ONLY,
        pagination_class=None,
        filter_backends=[],
    )
    def audit_history(self, request, slug=None):
        return self.audit_entries(request, slug)


class RecordViewSet(
    MethodFirstMixin,
    CreatedLocationMixin,
    StrictFormatMixin,
    ConditionalRequestsMixin,
    StrictQueryMixin,
    CachedAnswersMixin,
    RepresentationsMixin,
    ReaderMixin,
    WritesMixin,
    RenamedRecordMixin,
    AuditHistoryMixin,
    ClaimsMixin,
    viewsets.ModelViewSet,
):
    """Base of every resource: slug lookups, strict query parameters, sparse fields,
    CSV, conditional requests, and writes in one transaction each."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    # The query parameters of each computed endpoint (subclasses add their own to these).
    action_params = {"claims": ClaimsQuerySerializer}
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    renderer_classes = [ORJSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    # Writes are JSON: form encodings cannot carry null, numbers or lists of slugs as the
    # schema types them (anything else is a 415).
    parser_classes = [JSONParser]
