"""Read-only feeds across resources: the changes feed and the review queue."""

from urllib.parse import urlencode

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response

from negotiations.api import serializers as api
from negotiations.api.caching import CachedAnswersMixin
from negotiations.api.conditional import ConditionalRequestsMixin
from negotiations.api.http import MethodFirstMixin, StrictFormatMixin
from negotiations.api.pagination import ReviewPagination, link_header
from negotiations.api.query import refuse_unknown_params
from negotiations.api.views.base import JSON_ONLY
from negotiations.domain import audit, review


def api_resources() -> dict[str, type]:
    """The API's resources by URL prefix (the router's registry): the changes feed's types."""
    from negotiations.api.urls import router

    return {prefix: viewset.queryset.model for prefix, viewset, _ in router.registry}


@extend_schema(
    summary="Changes feed: what was created, updated or deleted since a time",
    description="Every resource, oldest first, from the audit history, so that a synced copy "
    "can apply deletions too. Follow `next` until it is null; keep the last event's time "
    "for the next sync.",
    parameters=[api.ChangesQuerySerializer],
    responses=api.ChangesFeedSerializer,
)
class ChangesView(MethodFirstMixin, StrictFormatMixin, generics.GenericAPIView):
    renderer_classes = JSON_ONLY
    # ?after= and ?page_size= (empty) are "not given": the first page, 100 events.
    empty_means_default = {"after", "page_size"}
    pagination_class = None
    filter_backends = []
    permission_classes = [permissions.AllowAny]  # read-only: it only answers GET
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        refuse_unknown_params(request, {"since", "after", "page_size", "format"})
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
class ReviewView(
    MethodFirstMixin,
    StrictFormatMixin,
    ConditionalRequestsMixin,
    CachedAnswersMixin,
    generics.ListAPIView,
):
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
        refuse_unknown_params(request, self.allowed_params)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
