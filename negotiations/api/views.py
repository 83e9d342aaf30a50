"""API views: declarative viewsets over the serializers, filtersets and domain functions."""

import datetime
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from negotiations import filtersets, models
from negotiations.api import readers
from negotiations.api import serializers as api
from negotiations.api.exceptions import Moved, NotModified, PreconditionFailed
from negotiations.api.filters import StrictOrderingFilter, filter_param_names
from negotiations.api.http import CreatedLocationMixin, MethodFirstMixin, RateLimitHeadersMixin
from negotiations.api.pagination import AreaHistoryPagination, ReviewPagination, link_header
from negotiations.api.parsers import JSONParser
from negotiations.api.renderers import CSVRenderer, ICalendarRenderer, ORJSONRenderer
from negotiations.api.schema import SLUG_PATTERN, TrackerAutoSchema
from negotiations.domain import agenda, audit, known, review
from negotiations.domain.versioning import current_data_version, etag_for, object_token
from negotiations.domain.writes import delete_record, run_write, settle_now
from negotiations.models import SlugHistory

JSON_ONLY = [ORJSONRenderer, renderers.BrowsableAPIRenderer]
KNOWN_AS_OF_PARAMETER = OpenApiParameter(
    "known_as_of",
    OpenApiTypes.DATE,
    description="What was known on this day (YYYY-MM-DD): a 404 if no source published by "
    "then reports the record; otherwise it is shown with those sources' citations only.",
)
CITATIONS = Prefetch("citations", queryset=models.Citation.objects.select_related("source"))
DISPUTES = Prefetch(
    "disagreements",
    queryset=models.Disagreement.objects.select_related("area").order_by("title", "pk"),
)


def cited(path: str) -> Prefetch:
    """Prefetch the citations (with their sources) of the facts at a relation path."""
    return Prefetch(f"{path}__citations", queryset=models.Citation.objects.select_related("source"))


def api_resources() -> dict[str, type]:
    """The API's resources by URL prefix (the router's registry): the changes feed's types."""
    from negotiations.api.urls import router

    return {prefix: viewset.queryset.model for prefix, viewset, _ in router.registry}


def current_slug(model, former: str) -> str | None:
    """The slug of the record that last had ``former`` as its slug, if it still exists."""
    renamed = (
        SlugHistory.objects.filter(model=model._meta.label, slug=former)
        .order_by("-renamed_at", "-pk")
        .values_list("record_id", flat=True)
        .first()
    )
    if renamed is None:
        return None
    return model._base_manager.filter(pk=renamed).values_list("slug", flat=True).first()


def parse_date(request, name: str) -> datetime.date | None:
    """A YYYY-MM-DD query parameter, None if absent or empty; a 400 naming it otherwise."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return forms.DateField().clean(raw)
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def parse_as_of(request) -> datetime.date:
    """The day deadlines count from: as_of, else known_as_of, else today."""
    return (
        parse_date(request, "as_of") or parse_date(request, "known_as_of") or timezone.localdate()
    )


def last_modified_of(changed_at: datetime.datetime | None) -> datetime.datetime | None:
    """Last-Modified for an answer: the last write anywhere, or the start of today if later
    (answers count days from today), and none within the current second (RFC 9110 8.8.2.2:
    a second write in the same second would go unseen by If-Modified-Since)."""
    if changed_at is None:
        return None
    now = timezone.localtime()
    start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    last_modified = max(changed_at, start_of_today)
    if int(last_modified.timestamp()) >= int(now.timestamp()):
        return None
    return last_modified


def parse_query(serializer_class, request) -> dict:
    """The validated query parameters of a computed endpoint (a 400 naming each bad one)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class StrictFormatMixin:
    """`?format=` must name one of the view's documented formats (json, csv): anything
    else, empty included, is a 400 naming the parameter, like every bad query parameter.
    Errors are always JSON, whatever format the request asked for."""

    schema = TrackerAutoSchema()

    def perform_content_negotiation(self, request, force=False):
        if "format" in request.query_params:
            formats = sorted(
                {r.format for r in self.get_renderers()} - {"api"}  # the browsable API: Accept
            )
            if request.query_params.getlist("format") not in ([name] for name in formats):
                handled = getattr(self, request.method.lower(), None) is not None  # else 405
                if force or not handled:  # answering an error: in JSON
                    return ORJSONRenderer(), ORJSONRenderer.media_type
                raise ValidationError(
                    {"format": [f"Choose one of: {', '.join(formats)}."]}, code="unknown_format"
                )
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and OPTIONS metadata are JSON: only records are CSV or a calendar.
        if (response.status_code >= 400 or request.method == "OPTIONS") and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer | ICalendarRenderer
        ):
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class RecordViewSet(
    MethodFirstMixin,
    RateLimitHeadersMixin,
    CreatedLocationMixin,
    StrictFormatMixin,
    viewsets.ModelViewSet,
):
    """Base of every resource: slug lookups, strict query parameters, sparse fields,
    CSV, conditional requests, and writes in one transaction each."""

    conditional_requests = True  # ETag / If-None-Match / If-Match (documented in the schema)
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    renderer_classes = [ORJSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    # Writes are JSON: form encodings cannot carry null, numbers or lists of slugs as the
    # schema types them (anything else is a 415).
    parser_classes = [JSONParser]
    # Query parameters every GET accepts besides the filters.
    common_params = {"fields", "format"}
    list_params = {"page", "page_size", "ordering", "cursor"}
    # Extra query parameters a resource's detail view accepts.
    detail_params: set[str] = set()

    # A fast reader (negotiations.api.readers) for list and detail, or None for the
    # serializer. A reader turns the .values(*reader.columns) rows of a page into records.
    reader = None
    # The query parameters of each computed endpoint (@action), as a serializer that
    # validates them and documents them in the schema.
    action_params: dict[str, type[serializers.Serializer]] = {}
    # What was known on a day (?known_as_of=, KnownAsOfMixin); None: everything known now.
    known_as_of = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "queryset", None) is not None:
            # Built once: cloning away the prefetching on every request is measurable.
            cls.lean_queryset = cls.queryset.select_related(None).prefetch_related(None)

    def get_queryset(self):
        if self.action in ("create", "update", "partial_update", "destroy") or (
            self.action in ("list", "retrieve") and self.reader is None
        ):
            return super().get_queryset()
        # Readers and computed endpoints load their own data: find the objects without
        # the prefetching that serializing them would need.
        return self.lean_queryset.all()

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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is not None:  # None: a method the route does not take (405)
            self.check_query_params(request)  # writes too: only ?format= is allowed there
        # A detail's ETag also needs the object's token: retrieve() checks it.
        if request.method in ("GET", "HEAD") and self.action != "retrieve":
            self.check_not_modified(request)

    # --- Conditional requests -------------------------------------------------------------
    # Every GET answer carries an ETag made of the data version (which any write anywhere
    # moves) and the exact request; If-None-Match then costs one indexed lookup and a 304.
    # A detail's ETag starts with the object's own token (its last change), which is what
    # If-Match compares on PUT, PATCH and DELETE: unrelated edits never cause a 412.

    @staticmethod
    def object_token(instance_or_updated) -> str:
        return object_token(getattr(instance_or_updated, "updated", instance_or_updated))

    def check_not_modified(self, request, object_token: str = ""):
        version, changed_at = current_data_version()
        variant = (
            request.get_full_path(),
            request.accepted_media_type or "",
            timezone.localdate().isoformat(),
        )
        tag = etag_for(version, object_token, *variant)
        if object_token:
            tag = f'"{object_token}.{tag.strip(chr(34))}"'
        last_modified = last_modified_of(changed_at)
        self.response_etag, self.response_last_modified = tag, last_modified
        if "html" in (request.accepted_media_type or ""):
            return  # the browsable API shows the user; never answer it with a 304
        if_none_match = request.headers.get("If-None-Match", "").strip()
        if if_none_match == "*":
            # "*" matches any current representation, so it can only be answered once the
            # request is known to have one: after validation, for a 200 (finalize_response).
            self.not_modified_if_ok = True
            return
        if not if_none_match and "If-Modified-Since" in request.headers:
            # If-Modified-Since (ignored when If-None-Match is sent) compares dates, not this
            # request: like "*", it is answered only once the request proved valid.
            timestamp = int(last_modified.timestamp()) if last_modified else None
            answer = timestamp and get_conditional_response(
                request._request, last_modified=timestamp
            )
            self.not_modified_if_ok = getattr(answer, "status_code", None) == 304
            return
        if get_conditional_response(request._request, etag=tag) is not None:
            # A specific ETag matches only one issued for this very request (path, query,
            # format, data version), so the request was valid and still gives the same answer.
            raise NotModified(tag)

    def check_if_match(self, request, instance):
        """If-Match per RFC 9110 13.1.1: "*" or any listed entity-tag that matches the
        record's current one by strong comparison. A weak tag (W/"...") never matches, nor
        does an unquoted value (not an entity-tag); either is a 412 like a stale tag."""
        header = request.headers.get("If-Match", "").strip()
        if not header:
            return
        tags = parse_etags(header)
        if tags == ["*"]:
            return
        current = self.object_token(instance)
        # A detail's ETag is "<object token>.<representation digest>"; a write answers with
        # "<object token>" alone. Either carries the token If-Match compares.
        tokens = {tag.strip('"').split(".")[0] for tag in tags if not tag.startswith("W/")}
        if current not in tokens:
            raise PreconditionFailed()

    def get_object(self):
        # The action, not the method: OPTIONS (action "metadata") also calls get_object()
        # with a PUT request to describe the form, outside any transaction.
        if self.action in ("update", "partial_update", "destroy"):
            # Lock the row for the rest of the write's transaction: the If-Match check and
            # the write see the same version (on PostgreSQL; SQLite serialises writes).
            # FOR NO KEY UPDATE (PostgreSQL): what the UPDATE itself takes. Plain FOR UPDATE
            # would also block inserts that merely refer to the row (their foreign-key checks
            # take KEY SHARE locks), a needless wait and a source of deadlocks.
            self.queryset = self.queryset.select_for_update(
                of=("self",), no_key=connection.features.has_select_for_no_key_update
            )
            instance = self.found_object()
            self.check_if_match(self.request, instance)
            return instance
        return self.found_object()

    def found_object(self):
        try:
            return super().get_object()
        except Http404:
            self.redirect_if_renamed()
            raise

    def redirect_if_renamed(self):
        """A slug a record had before a rename answers with its new URL (301 or 308)."""
        kwarg = self.lookup_url_kwarg or self.lookup_field
        slug = self.kwargs.get(kwarg)
        current = current_slug(self.queryset.model, slug) if slug else None
        if current is None:
            return
        path = self.request.path.replace(f"/{slug}/", f"/{current}/", 1)
        query = self.request.META.get("QUERY_STRING")
        location = self.request.build_absolute_uri(f"{path}?{query}" if query else path)
        raise Moved(location, method=self.request.method)

    # --- Writes: one write each (negotiations.domain.writes), run again on a deadlock ---------

    def create(self, request, *args, **kwargs):
        return run_write(lambda: super(RecordViewSet, self).create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return run_write(lambda: super(RecordViewSet, self).update(request, *args, **kwargs))

    def destroy(self, request, *args, **kwargs):
        return run_write(lambda: super(RecordViewSet, self).destroy(request, *args, **kwargs))

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

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code == 200 and getattr(self, "not_modified_if_ok", False):
            response = HttpResponseNotModified()
            response["ETag"] = self.response_etag
            if self.response_last_modified:
                response["Last-Modified"] = http_date(self.response_last_modified.timestamp())
            return super().finalize_response(request, response, *args, **kwargs)
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and getattr(self, "response_etag", None):
            response["ETag"] = self.response_etag
            if self.response_last_modified:
                response["Last-Modified"] = http_date(self.response_last_modified.timestamp())
            response["Cache-Control"] = "no-cache"
        return response

    def allowed_query_params(self) -> set[str]:
        allowed = set(self.common_params)
        if self.action == "list":
            allowed |= self.list_params | self.filter_param_names()
        elif self.action == "retrieve":
            allowed |= self.detail_params
        else:
            allowed = {"format", *self.action_query_params()}
        return allowed

    def action_query_params(self) -> set[str]:
        params = self.action_params.get(self.action)
        names = set(params().fields) if params is not None else set()
        pagination = getattr(getattr(self, self.action, None), "kwargs", {}).get("pagination_class")
        if pagination is not None:
            names |= {pagination.page_query_param, pagination.page_size_query_param}
        return names

    def action_query(self) -> dict:
        """The validated query parameters of the computed endpoint being answered."""
        return parse_query(self.action_params[self.action], self.request)

    def filter_param_names(self) -> set[str]:
        return filter_param_names(self.filterset_class, self.queryset)

    def check_query_params(self, request):
        allowed = self.allowed_query_params()
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError(
                {
                    name: [f"Unknown query parameter. Allowed here: {', '.join(sorted(allowed))}."]
                    for name in unknown
                },
                code="unknown_parameter",
            )
        if "fields" in request.query_params and self.action in ("list", "retrieve"):
            # Spaces around names are allowed, nothing else (the schema's pattern says so).
            wanted = [name.strip(" ") for name in request.query_params["fields"].split(",")]
            known = set(self.get_serializer_class()(context={"request": request}).fields)
            bad = [name for name in wanted if name not in known]
            if bad or not any(wanted):
                raise ValidationError(
                    {
                        "fields": [
                            f"Unknown field(s): {', '.join(bad) or '(empty)'}. "
                            f"Choose from: {', '.join(sorted(known))}."
                        ]
                    },
                    code="unknown_field",
                )
            self.sparse_fields = set(wanted)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        sparse = getattr(self, "sparse_fields", None)
        if sparse:
            context["sparse_fields"] = sparse
        return context

    # --- Audit history ----------------------------------------------------------------------

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
        return [Prefetch("citations", queryset=known_citations(day))]

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


class AgendaQuerySerializer(serializers.Serializer):
    """The query parameters of every agenda comparison."""

    known_as_of = known_as_of_param()
    include_planned = api.StrictBooleanField(
        required=False,
        default=False,
        help_text="Also compare a held round with planned or postponed rounds (by default it "
        "is compared with the latest earlier held round, and they are skipped).",
    )


def agenda_answer(compute, query: dict):
    """Run a comparison with the request's parameters; a round unknown on the day is a 404."""
    try:
        return compute(
            known_as_of=query.get("known_as_of"), include_planned=query["include_planned"]
        )
    except agenda.RoundNotKnown as error:
        raise NotFound(
            f"No source published by {query['known_as_of'].isoformat()} reports the round "
            f"{error.args[0]}."
        ) from error


class PartyViewSet(RecordViewSet):
    """Negotiating sides (countries, blocs) with their aliases."""

    queryset = models.Party.objects.prefetch_related("aliases", cited("aliases")).order_by(
        "name", "pk"
    )
    serializer_class = api.PartySerializer
    filterset_class = filtersets.PartyFilterSet
    ordering_fields = ["name", "code", "created", "updated"]


class OrganizationViewSet(RecordViewSet):
    """Ministries and agencies of the parties, with their aliases."""

    queryset = (
        models.Organization.objects.select_related("party", "parent")
        .prefetch_related("aliases", cited("aliases"))
        .order_by("party__code", "name", "pk")
    )
    serializer_class = api.OrganizationSerializer
    filterset_class = filtersets.OrganizationFilterSet
    ordering_fields = ["name", "acronym", "created", "updated"]


class PersonViewSet(RecordViewSet):
    """People, with every spelling of their names found in sources, and their roles."""

    queryset = (
        models.Person.objects.select_related("party")
        .prefetch_related(
            "aliases",
            cited("aliases"),
            Prefetch("roles", queryset=models.Role.objects.select_related("organization")),
            cited("roles"),
        )
        .order_by("name", "pk")
    )
    serializer_class = api.PersonSerializer
    reader = staticmethod(readers.read_people)
    filterset_class = filtersets.PersonFilterSet
    ordering_fields = ["name", "created", "updated"]


class NegotiationViewSet(RecordViewSet):
    """Negotiation tracks; their agenda changes and agenda matrix are computed here."""

    queryset = models.Negotiation.objects.prefetch_related(
        "parties",
        "organizations",
        Prefetch(
            "relations_from",
            queryset=models.NegotiationRelation.objects.select_related("to_negotiation"),
        ),
        cited("relations_from"),
        Prefetch(
            "relations_to",
            queryset=models.NegotiationRelation.objects.select_related("from_negotiation"),
        ),
        cited("relations_to"),
        CITATIONS,
    ).order_by("title", "pk")
    serializer_class = api.NegotiationSerializer
    filterset_class = filtersets.NegotiationFilterSet
    ordering_fields = ["title", "status", "created", "updated"]
    action_params = {
        "agenda_changes": AgendaQuerySerializer,
        "agenda_matrix": AgendaQuerySerializer,
    }

    @extend_schema(
        summary="Every round's agenda changes, in sequence",
        description="For each round of the negotiation, what was added, dropped and retained "
        "against the round it is compared with, on what evidence, and where the sources "
        "disagree (see the round endpoint for the rules).",
        parameters=[AgendaQuerySerializer],
        responses=api.NegotiationAgendaChangesSerializer,
    )
    @action(detail=True, url_path="agenda-changes", renderer_classes=JSON_ONLY)
    def agenda_changes(self, request, slug=None):
        negotiation, query = self.get_object(), self.action_query()
        changes = agenda_answer(
            lambda **options: agenda.negotiation_agenda_changes(negotiation, **options), query
        )
        answer = {
            "negotiation": {"slug": negotiation.slug, "title": negotiation.title},
            "changes": changes,
            "contested": any(change["contested"] for change in changes),
        }
        return Response(with_known_as_of(answer, query.get("known_as_of")))

    @extend_schema(
        summary="Agenda areas × rounds, for a heat map",
        description="Each cell is present, absent or unknown (the round's agenda was not "
        "reported) and marks the change against the round it is compared with "
        "(first_reported for the first reported agenda), with its basis, the editors' "
        "annotations and the disputes.",
        parameters=[AgendaQuerySerializer],
        responses=api.AgendaMatrixSerializer,
    )
    @action(detail=True, url_path="agenda-matrix", renderer_classes=JSON_ONLY)
    def agenda_matrix(self, request, slug=None):
        negotiation, query = self.get_object(), self.action_query()
        matrix = agenda_answer(
            lambda **options: agenda.agenda_matrix(negotiation, **options), query
        )
        return Response(with_known_as_of(matrix, query.get("known_as_of")))


ROUND_QUERYSET = models.Round.objects.select_related("negotiation").prefetch_related(
    Prefetch(
        "participants",
        queryset=models.Participant.objects.select_related("person", "party", "organization"),
    ),
    cited("participants"),
    Prefetch("agenda_items", queryset=models.AgendaItem.objects.order_by("order", "pk")),
    "agenda_items__areas",
    cited("agenda_items"),
    DISPUTES,
    CITATIONS,
)


class CompareQuerySerializer(serializers.Serializer):
    """The two rounds of /rounds/compare/: ?from=<slug>&to=<slug>[&known_as_of=]."""

    def get_fields(self):
        return {
            "from": api.slug_of(models.Round, help_text="The earlier round (slug)."),
            "to": api.slug_of(models.Round, help_text="The later round (slug)."),
            "known_as_of": known_as_of_param(),
        }


@extend_schema_view(
    list=extend_schema(
        description="Rounds, held and planned. List items embed the negotiation, participants "
        "and agenda; citations are embedded in lists and details alike."
    )
)
class RoundViewSet(KnownAsOfMixin, RecordViewSet):
    """Rounds of negotiation: when, where, at what level, with whom, on which agenda."""

    queryset = ROUND_QUERYSET.order_by(F("start_date").asc(nulls_last=True), "pk")
    serializer_class = api.RoundSerializer
    reader = staticmethod(readers.read_rounds)
    filterset_class = filtersets.RoundFilterSet
    ordering_fields = ["start_date", "sequence", "title", "level", "status", "created", "updated"]
    action_params = {"agenda_changes": AgendaQuerySerializer, "compare": CompareQuerySerializer}

    def reader_columns(self):
        # As known on a day, a round's agenda is reported only if one of its items was.
        extra = ("agenda_known",) if self.known_as_of is not None else ()
        return (*self.reader.columns, *extra)

    def read(self, rows):
        return self.reader(rows, getattr(self, "sparse_fields", None), self.known_as_of)

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="What this round's agenda added, dropped and retained, on what evidence",
        description="A held round is compared with the latest earlier held round of the "
        "same negotiation whose agenda is reported; planned and postponed rounds are skipped "
        "(unless include_planned=true). Any other round is compared with the latest earlier "
        "round of any status. Rounds with an unknown agenda and cancelled ones are skipped "
        "and listed in `skipped`, never treated as empty. The first reported agenda is "
        "`first_reported`. Each entry says its basis (stated or inferred) and the disputes "
        "about it. If this round's own agenda is unknown, `comparable` is false and the lists "
        "are empty.",
        parameters=[AgendaQuerySerializer],
        responses=api.AgendaChangesSerializer,
    )
    @action(detail=True, url_path="agenda-changes", renderer_classes=JSON_ONLY)
    def agenda_changes(self, request, slug=None):
        round_, query = self.get_object(), self.action_query()
        changes = agenda_answer(
            lambda **options: agenda.round_agenda_changes(round_, **options), query
        )
        return Response(with_known_as_of(changes, query.get("known_as_of")))

    @extend_schema(
        summary="Compare the agendas of any two rounds",
        description="The same shape as a round's agenda-changes, for any two rounds, even "
        "across negotiations: `round` is `to`, `compared_to` is `from`.",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                required=True,
                pattern=SLUG_PATTERN,
                description="Slug of the earlier round.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                required=True,
                pattern=SLUG_PATTERN,
                description="Slug of the later round.",
            ),
            KNOWN_AS_OF_PARAMETER,
        ],
        responses=api.AgendaChangesSerializer,
        filters=False,
    )
    @action(detail=False, url_path="compare", renderer_classes=JSON_ONLY)
    def compare(self, request):
        query = self.action_query()
        day = query.get("known_as_of")
        try:
            changes = agenda.compare_rounds(query["from"], query["to"], known_as_of=day)
        except agenda.RoundNotKnown as error:
            raise NotFound(
                f"No source published by {day.isoformat()} reports the round {error.args[0]}."
            ) from error
        return Response(with_known_as_of(changes, day))


class AgendaAreaViewSet(RecordViewSet):
    """The canonical agenda taxonomy, with the other words sources use for each area."""

    queryset = models.AgendaArea.objects.prefetch_related("aliases", cited("aliases")).order_by(
        "name", "pk"
    )
    serializer_class = api.AgendaAreaSerializer
    filterset_class = filtersets.AgendaAreaFilterSet
    ordering_fields = ["name", "created", "updated"]

    action_params = {"history": AgendaQuerySerializer}

    @extend_schema(
        summary="Where this area was on, off or unknown, round by round",
        description="Every round of the negotiations in which the area ever appeared (a page "
        "of negotiations, by title), with its state, the change each round marks, its "
        "evidence and disputes, and the events (first reported, added, dropped).",
        parameters=[AgendaQuerySerializer],
        responses=api.AreaHistorySerializer,
    )
    @action(
        detail=True,
        url_path="history",
        renderer_classes=JSON_ONLY,
        pagination_class=AreaHistoryPagination,
        filter_backends=[],
    )
    def history(self, request, slug=None):
        # The agenda story of the area; its audit history is at audit-history/.
        area, query = self.get_object(), self.action_query()
        day = query.get("known_as_of")
        paginator = self.paginator
        page = paginator.paginate_queryset(agenda.area_negotiations(area, day), request, self)
        story = agenda.area_history(
            area,
            [negotiation.pk for negotiation in page],
            known_as_of=day,
            include_planned=query["include_planned"],
        )
        answer = {
            "area": story["area"],
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "negotiations": story["negotiations"],
            "contested": story["contested"],
        }
        return Response(with_known_as_of(answer, day), headers=paginator.paging_headers())


class AgendaItemViewSet(RecordViewSet):
    """Agenda entries as reported, each mapped to one or more canonical areas."""

    queryset = (
        models.AgendaItem.objects.select_related("round__negotiation")
        .prefetch_related("areas", CITATIONS)
        .order_by("round__negotiation__title", "round__sequence", "order", "pk")
    )
    serializer_class = api.AgendaItemSerializer
    filterset_class = filtersets.AgendaItemFilterSet
    ordering_fields = ["order", "label", "created", "updated"]


class DeadlineViewSet(KnownAsOfMixin, RecordViewSet):
    """Deadlines with days remaining and status relative to `as_of` (default today)."""

    queryset = (
        models.Deadline.objects.select_related("negotiation", "measure")
        .prefetch_related(CITATIONS)
        .order_by("date", "pk")
    )
    serializer_class = api.DeadlineSerializer
    reader = staticmethod(readers.read_deadlines)
    filterset_class = filtersets.DeadlineFilterSet
    ordering_fields = ["date", "title", "kind", "created", "updated"]
    detail_params = {"as_of", "known_as_of"}
    empty_means_default = {"as_of"}  # ?as_of= counts from today (documented in the schema)

    def read(self, rows):
        return self.reader(
            rows,
            parse_as_of(self.request),
            getattr(self, "sparse_fields", None),
            self.known_as_of,
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["as_of"] = parse_as_of(self.request)
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="Count days remaining from this day (default: known_as_of if "
                "given, else today).",
            ),
            KNOWN_AS_OF_PARAMETER,
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """The calendar feed is always a calendar, whatever the client's Accept header."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    summary="Deadlines as an iCalendar feed (RFC 5545)",
    description="One all-day event per deadline with a stable UID; coarse dates span their "
    "window and say so. Accepts the same filters as the deadlines list.",
    responses={(200, "text/calendar"): OpenApiTypes.STR},
    filters=True,
)
class DeadlineCalendarView(MethodFirstMixin, RateLimitHeadersMixin, generics.ListAPIView):
    schema = TrackerAutoSchema()
    ignores_accept = True  # no 406: the feed is a calendar whatever the Accept header
    queryset = DeadlineViewSet.queryset
    serializer_class = api.DeadlineSerializer
    filterset_class = filtersets.DeadlineFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    renderer_classes = [ICalendarRenderer]
    content_negotiation_class = IgnoreAcceptNegotiation

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": parse_as_of(self.request)}

    def get_queryset(self):
        day = parse_date(self.request, "known_as_of")
        if day is None:
            return super().get_queryset()
        # As known on a day (the filter keeps the deadlines known then): those days' quotes.
        return self.queryset.prefetch_related(None).prefetch_related(
            Prefetch("citations", queryset=known_citations(day))
        )

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and OPTIONS metadata are JSON: only a list of deadlines is a calendar.
        if response.status_code >= 400 or request.method == "OPTIONS":
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        allowed = filter_param_names(self.filterset_class, self.queryset)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError(
                {name: ["Unknown query parameter."] for name in unknown}, code="unknown_parameter"
            )
        response = super().get(request, *args, **kwargs)
        response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
        return response


class MeasureViewSet(KnownAsOfMixin, RecordViewSet):
    """Tariffs and other measures at stake: rate, scope, status and dates."""

    queryset = (
        models.Measure.objects.select_related("imposing_party", "target_party", "negotiation")
        .prefetch_related(DISPUTES, CITATIONS)
        .order_by("title", "pk")
    )
    serializer_class = api.MeasureSerializer
    filterset_class = filtersets.MeasureFilterSet
    ordering_fields = ["title", "rate_percent", "announced_on", "status", "created", "updated"]

    def known_prefetches(self, day):
        disputes = known.known_disagreements(DISPUTES.queryset, day)
        return [*super().known_prefetches(day), Prefetch("disagreements", queryset=disputes)]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class PositionViewSet(KnownAsOfMixin, RecordViewSet):
    """What each side requested, offered, rejected or stated — who said it, citing what."""

    queryset = (
        models.Position.objects.select_related(
            "party", "speaker", "organization", "negotiation", "round"
        )
        .prefetch_related("areas", CITATIONS)
        .order_by(F("stated_on").asc(nulls_last=True), "slug", "pk")
    )
    serializer_class = api.PositionSerializer
    filterset_class = filtersets.PositionFilterSet
    ordering_fields = ["stated_on", "kind", "created", "updated"]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class SourceViewSet(RecordViewSet):
    """The documents the record is built from."""

    queryset = models.Source.objects.order_by(F("published_at").asc(nulls_last=True), "slug", "pk")
    serializer_class = api.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    ordering_fields = ["published_at", "title", "publisher", "created", "updated"]


class CitationViewSet(RecordViewSet):
    """Verbatim quotes from sources; every fact points at the citations that support it."""

    queryset = models.Citation.objects.select_related("source").order_by(
        "source__slug", "slug", "pk"
    )
    serializer_class = api.CitationSerializer
    filterset_class = filtersets.CitationFilterSet
    ordering_fields = ["slug", "created", "updated"]


class DisagreementViewSet(KnownAsOfMixin, RecordViewSet):
    """Where sources contradict each other: every version, with its citations."""

    queryset = (
        models.Disagreement.objects.select_related("negotiation", "round", "area")
        .prefetch_related("measures", "claims", cited("claims"))
        .order_by("title", "pk")
    )
    serializer_class = api.DisagreementSerializer
    filterset_class = filtersets.DisagreementFilterSet
    ordering_fields = ["title", "status", "created", "updated"]

    def known_prefetches(self, day):
        # Only the versions published by then, with only those citations.
        claims = known.known(models.DisagreementClaim.objects.all(), day)
        return [
            Prefetch("claims", queryset=claims),
            Prefetch("claims__citations", queryset=known_citations(day)),
        ]

    @extend_schema(parameters=[KNOWN_AS_OF_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


@extend_schema(
    summary="Changes feed: what was created, updated or deleted since a time",
    description="Every resource, oldest first, from the audit history, so that a synced copy "
    "can apply deletions too. Follow `next` until it is null; keep the last event's time "
    "for the next sync.",
    parameters=[api.ChangesQuerySerializer],
    responses=api.ChangesFeedSerializer,
)
class ChangesView(
    MethodFirstMixin, RateLimitHeadersMixin, StrictFormatMixin, generics.GenericAPIView
):
    renderer_classes = JSON_ONLY
    # ?after= and ?page_size= (empty) are "not given": the first page, 100 events.
    empty_means_default = {"after", "page_size"}
    pagination_class = None
    filter_backends = []
    permission_classes = [permissions.AllowAny]  # read-only: it only answers GET
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        unknown = sorted(set(request.query_params) - {"since", "after", "page_size", "format"})
        if unknown:
            raise ValidationError(
                {name: ["Unknown query parameter."] for name in unknown}, code="unknown_parameter"
            )
        query = api.ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data.get("after")
        if after:
            name, _, history_id = after.partition(":")
            after = (name, int(history_id))
        limit = query.validated_data["page_size"]
        events, resume = audit.changes_since(
            api_resources(), query.validated_data["since"], after, limit
        )
        if not request.user.is_authenticated:
            events = [{**event, "user": None} for event in events]
        next_url = None
        if resume is not None:
            date, name, history_id = resume
            next_url = request.build_absolute_uri(
                f"{request.path}?"
                + urlencode(
                    {"since": date.isoformat(), "after": f"{name}:{history_id}", "page_size": limit}
                )
            )
        links = {"Link": link_header({"next": next_url})} if next_url else None
        return Response({"next": next_url, "results": events}, headers=links)


class ReviewQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=review.KINDS,
        required=False,
        allow_blank=True,  # empty is "not given", as for the lists' filters
        help_text="Only entries of this kind: unmapped_item, unmatched_participant, "
        "unmatched_speaker, undated_source, unverified_quote, uncited_fact (empty: all).",
    )


@extend_schema(
    summary="Review queue: what needs an editor's eye, with suggested fixes",
    description="Agenda items mapped to no area; participants and speakers whose name as "
    "reported matches no person's name or alias; sources without a publication day; "
    "citations whose quote is not found verbatim in their source's stored text; facts "
    "without a citation. In that order; each entry's suggestions (areas, people, the closest "
    "passage of a source) are ranked by similarity, best first, with their score. "
    "Suggestions are accepted in the admin's review queue (/admin/review/).",
    parameters=[ReviewQuerySerializer],
)
class ReviewView(MethodFirstMixin, RateLimitHeadersMixin, StrictFormatMixin, generics.ListAPIView):
    renderer_classes = JSON_ONLY
    serializer_class = api.ReviewEntrySerializer
    pagination_class = ReviewPagination
    filter_backends = []
    permission_classes = [permissions.AllowAny]  # read-only: it only answers GET
    http_method_names = ["get", "head", "options"]
    allowed_params = {"kind", "page", "page_size", "format"}

    def get_queryset(self):
        query = ReviewQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data.get("kind")
        return review.ReviewQueue([kind] if kind else review.KINDS)

    def list(self, request, *args, **kwargs):
        unknown = sorted(set(request.query_params) - self.allowed_params)
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
