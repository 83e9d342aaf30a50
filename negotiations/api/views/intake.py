"""Article intake through the API (negotiations.intake.editor, which the admin calls too):

* ``POST /api/v1/intake/``: the article stored as a source, answered with what intake
  proposes for it (201);
* ``GET /api/v1/intake/{source}/``: the proposals again (nothing already recorded);
* ``POST /api/v1/intake/{source}/accept/``: the accepted proposals written in one
  transaction, each needing the permission it writes (a 403 naming it otherwise).

Editors only: a token or a session with the permission to add sources.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response

from negotiations.api.http import MethodFirstMixin, StrictFormatMixin
from negotiations.api.parsers import JSONParser
from negotiations.api.query import refuse_unknown_params
from negotiations.api.serializers.base import json_type_problem, no_control_characters
from negotiations.api.views.base import JSON_ONLY
from negotiations.domain.writes import run_write, settle_now
from negotiations.intake import editor
from negotiations.intake import proposals as kinds
from negotiations.models import Source

KINDS = [
    *kinds.WRITTEN_KINDS,
    kinds.DATE,
    kinds.PARTY,
    kinds.ORGANIZATION,
    kinds.AREA,
]


class StrictBodySerializer(serializers.Serializer):
    """A request body: JSON types as the schema states them, and a field the request does
    not take is a 400 naming it (never silently dropped)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        writable = {name for name, field in self.fields.items() if not field.read_only}
        errors = {
            name: [
                serializers.ErrorDetail(
                    f"Not a field of this request. Fields: {', '.join(sorted(writable))}.",
                    code="unexpected_field",
                )
            ]
            for name in data
            if name not in writable
        }
        for name, field in self.fields.items():
            if name in data and name in writable:
                problem = json_type_problem(field, data[name])
                if problem:
                    errors[name] = [problem]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class IntakeArticleSerializer(StrictBodySerializer):
    title = serializers.CharField(max_length=400, validators=[no_control_characters])
    text = serializers.CharField(
        max_length=200_000,
        trim_whitespace=False,  # verbatim: the quotes are slices of it
        validators=[no_control_characters],
        help_text="The article's whole text, as published: every proposal quotes it verbatim.",
    )
    url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Another source with this URL is a 400 naming `url` and that source's slug.",
    )
    publisher = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[no_control_characters]
    )
    published_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The publication day, if printed or known; else intake reads or infers it "
        "(the `source:publication` proposal).",
    )


class ClosestSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField(help_text="Similarity, 0 to 100 (100: the same words).")


class SentenceSerializer(serializers.Serializer):
    sentence = serializers.CharField(help_text="A verbatim slice of the article.")
    facets = serializers.ListField(
        child=serializers.CharField(), help_text="The fields of the record the sentence states."
    )


class ProposalSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="Stable: the same article proposes the same keys (accept names them)."
    )
    kind = serializers.ChoiceField(choices=KINDS)
    writes = serializers.BooleanField(
        help_text="False for what only informs (dates, names the text mentions)."
    )
    values = serializers.DictField(help_text="The fields accepting it writes (dates YYYY-MM-DD).")
    sentence = serializers.CharField(
        allow_blank=True, help_text="The sentence it comes from, verbatim."
    )
    sentences = SentenceSerializer(many=True)
    refers = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the proposals it needs."
    )
    existing = serializers.CharField(
        allow_blank=True, help_text="The slug of the stored record it matches, if any."
    )
    note = serializers.CharField(allow_blank=True)
    closest = ClosestSerializer(
        many=True,
        help_text="For a name or a label: the closest known people or agenda areas, best first.",
    )


class PublicationSerializer(serializers.Serializer):
    how = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class IntakeSourceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    publication = PublicationSerializer(
        allow_null=True, help_text="The publication day as intake reads it, with its reasoning."
    )


class IntakeSerializer(serializers.Serializer):
    source = IntakeSourceSerializer()
    proposals = ProposalSerializer(many=True)


class AcceptSerializer(StrictBodySerializer):
    keys = serializers.ListField(
        child=serializers.CharField(allow_blank=True),  # "" is no key: a 400 naming `keys`
        allow_empty=False,
        help_text="The keys of the proposals accepted; the others are rejected.",
    )
    corrections = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        help_text="key -> {field: value}: the editor's values instead of the proposed ones "
        "(e.g. a round's `start_date`, an agenda item's `areas`: a label no area knew "
        "becomes an alias of the areas given).",
    )


class WrittenRecordSerializer(serializers.Serializer):
    key = serializers.CharField()
    type = serializers.CharField(help_text="The record's kind (round, participant, ...).")
    slug = serializers.CharField(allow_blank=True)


class AcceptedSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The source's slug.")
    written = WrittenRecordSerializer(many=True)


class CanAddSources(permissions.BasePermission):
    """An editor who may add sources (a token or a session); OPTIONS, which writes and shows
    nothing, is answered to anyone, as on every URL (its `actions` only to such an editor)."""

    def has_permission(self, request, view):
        if request.method == "OPTIONS":
            return True
        return bool(request.user and request.user.has_perm("negotiations.add_source"))


SOURCE_PARAMETER = OpenApiParameter(
    "source", str, OpenApiParameter.PATH, description="The slug of the article's source."
)


class IntakeBase(MethodFirstMixin, StrictFormatMixin, generics.GenericAPIView):
    renderer_classes = JSON_ONLY
    parser_classes = [JSONParser]
    permission_classes = [CanAddSources]
    reads_need_permission = True  # documents the 403 of a GET (TrackerAutoSchema)
    pagination_class = None
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_unknown_params(request, {"format"})

    def source(self) -> Source:
        return get_object_or_404(Source, slug=self.kwargs["source"])


class IntakeView(IntakeBase):
    http_method_names = ["post", "options"]
    serializer_class = IntakeArticleSerializer

    @extend_schema(
        summary="Enter an article: store it as a source and get the facts it states",
        description="Stores the article as a source and answers with what intake proposes "
        "(nothing else is written before acceptance): the publication day, dates, people, "
        "the rounds it reports with their participants, agenda items, deadlines and "
        "positions, each with the sentence it comes from, verbatim. Accept them with "
        "`POST /api/v1/intake/{source}/accept/`. Needs the permission to add sources.",
        request=IntakeArticleSerializer,
        responses={201: IntakeSerializer},
    )
    def post(self, request):
        body = IntakeArticleSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def write():
            source = editor.enter_article(**body.validated_data)
            settle_now()
            return source

        source = run_write(write)
        answer = editor.rendered(source, editor.proposals_for(source))
        location = request.build_absolute_uri(f"{request.path}{source.slug}/")
        return Response(answer, status=201, headers={"Location": location})


class IntakeDetailView(IntakeBase):
    http_method_names = ["get", "head", "options"]
    serializer_class = IntakeSerializer

    @extend_schema(
        summary="What intake proposes for an article entered before",
        description="The proposals for the source's text, as when it was entered, less what "
        "is already recorded from it. Needs the permission to add sources.",
        parameters=[SOURCE_PARAMETER],
        responses=IntakeSerializer,
    )
    def get(self, request, source):
        stored = self.source()
        return Response(editor.rendered(stored, editor.proposals_for(stored)))


class IntakeAcceptView(IntakeBase):
    http_method_names = ["post", "options"]
    serializer_class = AcceptSerializer

    @extend_schema(
        summary="Accept proposals of an article: write them, cited by their sentences",
        description="Writes the accepted proposals (with the editor's corrections) in one "
        "transaction, each fact cited by its sentences as verbatim quotes of the source. "
        "Each needs the permission to write its record (a 403 names the one missing); a "
        "refusal names the key and the field (`corrections.<key>.<field>`, or `keys` for a "
        "proposal that needs another), and then nothing is written.",
        parameters=[SOURCE_PARAMETER],
        request=AcceptSerializer,
        responses={200: AcceptedSerializer},
    )
    def post(self, request, source):
        stored = self.source()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def write():
            accepted = editor.accept_article(
                stored,
                body.validated_data["keys"],
                body.validated_data.get("corrections", {}),
                request.user,
            )
            settle_now()
            return accepted

        return Response(editor.written(run_write(write)))
