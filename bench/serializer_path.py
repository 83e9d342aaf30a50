"""The serializer read path of rounds, deadlines and people, plain and improved, for
bench/readers_vs_serializers.py (issue 12, "One read path").

* **plain**: the project's viewsets with ``reader = None``: the class ``queryset`` (its
  select_related/prefetch_related) and the project's serializers, exactly as the API would
  serve them without negotiations/api/readers.py.
* **improved**: what a Django engineer would do cheaply to that path, with the same JSON:

  1. ``agenda`` as a nested serializer declared once (a ListSerializer that answers null
     when the agenda is not reported) instead of a SerializerMethodField that builds a
     RoundAgendaItemSerializer, and so all its fields, for every round;
  2. the fields to read listed once per serializer, without the schema-only ``known_as_of``
     (and deadlines' computed ``days_remaining``/``deadline_status``, added afterwards
     anyway), which DRF otherwise discovers missing on every object by catching an
     AttributeError and raising SkipField;
  3. ``Prefetch(to_attr=...)`` everywhere: plain lists, no related manager and queryset
     clone per object and relation;
  4. ``.only()`` the columns the JSON needs, and child orderings without the joins the
     models' default orderings imply (``Participant`` orders by ``round``, i.e. by the
     round's negotiation title; ``Role`` by ``person__name``);
  5. a sparse request (``?fields=``) prefetches only the relations it asks for;
  6. the few columns of a related object the JSON shows (a participant's person, party and
     organization, a citation's source...) annotated with ``F()`` instead of a
     ``select_related`` model instance each (``annotate=True``).

Mounted only by bench/readers_urls.py (under /bench/serializer/ and /bench/improved/); the
project never serves these views. ``round_variant`` also builds the intermediate steps
(1, 1+2, 1+2+3, 1-4) to attribute the gain.
"""

from functools import cached_property

from django.db.models import F, Prefetch
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from negotiations import models
from negotiations.api import readers, views
from negotiations.api import serializers as api
from negotiations.choices import AgendaStatus

# --- Plain: the project's serializer path ------------------------------------------------------


class PlainRoundViewSet(views.RoundViewSet):
    reader = None


class PlainDeadlineViewSet(views.DeadlineViewSet):
    reader = None


class PlainPersonViewSet(views.PersonViewSet):
    reader = None


# --- Improved serializers ------------------------------------------------------------------------

NOT_READ = frozenset({"known_as_of"})


class ReadableFieldsOnce:
    """The fields to_representation reads, as a list built once per serializer (DRF builds a
    generator per object) and without the fields no model object has (``known_as_of``): DRF
    would look each up on every object, catch the AttributeError and raise SkipField."""

    not_read = NOT_READ

    @cached_property
    def _readable_fields(self):
        return [
            field
            for field in self.fields.values()
            if not field.write_only and field.field_name not in self.not_read
        ]


class AnnotatedCitationRef(api.CitationRefField):
    """A citation whose source's slug and publisher are annotated (cites(annotate=True))."""

    def represent(self, citation) -> dict:
        return {
            "slug": citation.slug,
            "source": citation.source_slug,
            "publisher": citation.publisher,
            "quote": citation.quote,
        }


def citations(source: str, annotated: bool = False):
    """The citations of a fact, read from ``source`` (a to_attr list or the relation)."""
    kwargs = {} if source == "citations" else {"source": source}
    field = AnnotatedCitationRef if annotated else api.CitationRefField
    return field(many=True, read_only=True, queryset=None, **kwargs)


class AnnotatedRef(serializers.Field):
    """A related object read as {"slug": ..., <key>: ...} from two annotations, or null."""

    def __init__(self, slug_from: str, key: str, value_from: str, **kwargs):
        self.slug_from, self.key, self.value_from = slug_from, key, value_from
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        slug = getattr(instance, self.slug_from)
        if slug is None:
            return None
        return {"slug": slug, self.key: getattr(instance, self.value_from)}


def annotated_slug(source: str):
    return serializers.CharField(source=source, read_only=True, allow_null=True)


def sourced(source: str, name: str) -> dict:
    """``source=`` only when it differs from the field's name (DRF refuses a redundant one)."""
    return {} if source == name else {"source": source}


class ReportedAgenda(serializers.ListSerializer):
    """A round's agenda items, or null when the agenda is not reported: what
    RoundSerializer.get_agenda answers, with the item serializer built once per response."""

    items = "agenda_items"  # the relation, or the to_attr list

    def get_attribute(self, round_):
        if round_.agenda_status != AgendaStatus.REPORTED:
            return None
        return getattr(round_, self.items)


def round_serializer(agenda_once=True, readable_once=True, to_attr=True, annotated=True):
    """RoundSerializer with the improvements 1 (agenda_once), 2 (readable_once), the
    to_attr sources of 3 and the annotated fields of 6 (the queryset must match:
    round_queryset(to_attr=..., annotate=...))."""

    def rel(listed: str, relation: str) -> str:
        return listed if to_attr else relation

    mixins = (ReadableFieldsOnce,) if readable_once else ()

    class Participant(*mixins, api.ParticipantSerializer):
        citations = citations(rel("citation_list", "citations"), annotated)
        if annotated:
            person = AnnotatedRef("person_slug", "name", "person_name", allow_null=True)
            party = annotated_slug("party_slug")
            organization = annotated_slug("organization_slug")

    class Agenda(ReportedAgenda):
        items = rel("agenda_list", "agenda_items")

    class AgendaItem(*mixins, api.RoundAgendaItemSerializer):
        areas = api.RefField(
            many=True, read_only=True, **sourced(rel("area_list", "areas"), "areas")
        )
        citations = citations(rel("citation_list", "citations"), annotated)

        class Meta(api.RoundAgendaItemSerializer.Meta):
            list_serializer_class = Agenda

    class Dispute(*mixins, api.DisputeRefSerializer):
        if annotated:
            area = annotated_slug("area_slug")

    class Round(*mixins, api.RoundSerializer):
        participants = Participant(
            many=True,
            read_only=True,
            **sourced(rel("participant_list", "participants"), "participants"),
        )
        disputes = Dispute(many=True, read_only=True, source=rel("dispute_list", "disagreements"))
        citations = citations(rel("citation_list", "citations"), annotated)
        if agenda_once:
            agenda = AgendaItem(many=True, read_only=True)
        if annotated:
            negotiation = AnnotatedRef("negotiation_slug", "title", "negotiation_title")

    return Round


# --- Improved querysets --------------------------------------------------------------------------

ROUND_ORDER = (F("start_date").asc(nulls_last=True), "pk")
# The columns the rounds reader reads (derived from RoundSerializer): the same data.
ROUND_COLUMNS = readers.ROUND.columns


def wants(wanted, *names) -> bool:
    return wanted is None or any(name in wanted for name in names)


def cites(path: str, to_attr: bool, only: bool, annotate: bool = False) -> Prefetch:
    """The citations (with their source) of the facts at ``path`` ("" for the records)."""
    if annotate:
        queryset = models.Citation.objects.annotate(
            source_slug=F("source__slug"), publisher=F("source__publisher")
        ).only("slug", "quote")
    else:
        queryset = models.Citation.objects.select_related("source")
        if only:
            queryset = queryset.only("slug", "quote", "source__slug", "source__publisher")
    lookup = f"{path}__citations" if path else "citations"
    return Prefetch(lookup, queryset=queryset, to_attr="citation_list" if to_attr else None)


def round_queryset(to_attr=True, only=True, annotate=True, wanted=None):
    """ROUND_QUERYSET (to_attr=False, only=False, annotate=False), or with improvements 3, 4
    and 6; with ``wanted`` (sparse fields), only the prefetches those fields need (5)."""
    attr = (lambda name: name) if to_attr else (lambda name: None)
    participants = models.Participant.objects.select_related("person", "party", "organization")
    items = models.AgendaItem.objects.order_by("order", "pk")
    areas = models.AgendaArea.objects.all()
    disputes = models.Disagreement.objects.select_related("area").order_by("title", "pk")
    if only:
        participants = participants.only(
            "round",
            "name_as_reported",
            "organization_inferred",
            "role",
            "person__slug",
            "person__name",
            "party__slug",
            "organization__slug",
        ).order_by("party__code", "name_as_reported", "pk")
        items = items.only("round", "slug", "label", "order", "notes")
        areas = areas.only("slug", "name").order_by("name", "pk")
        disputes = disputes.only("round", "slug", "title", "topic", "status", "area__slug")
    if annotate:
        participants = (
            models.Participant.objects.annotate(
                person_slug=F("person__slug"),
                person_name=F("person__name"),
                party_slug=F("party__slug"),
                organization_slug=F("organization__slug"),
            )
            .only("round", "name_as_reported", "organization_inferred", "role")
            .order_by("party__code", "name_as_reported", "pk")
        )
        disputes = (
            models.Disagreement.objects.annotate(area_slug=F("area__slug"))
            .only("round", "slug", "title", "topic", "status")
            .order_by("title", "pk")
        )
    participant_path = "participant_list" if to_attr else "participants"
    item_path = "agenda_list" if to_attr else "agenda_items"
    prefetches = []
    if wants(wanted, "participants"):
        prefetches += [
            Prefetch("participants", queryset=participants, to_attr=attr("participant_list")),
            cites(participant_path, to_attr, only, annotate),
        ]
    if wants(wanted, "agenda"):
        prefetches += [
            Prefetch("agenda_items", queryset=items, to_attr=attr("agenda_list")),
            Prefetch(f"{item_path}__areas", queryset=areas, to_attr=attr("area_list")),
            cites(item_path, to_attr, only, annotate),
        ]
    if wants(wanted, "disputes"):
        prefetches.append(
            Prefetch("disagreements", queryset=disputes, to_attr=attr("dispute_list"))
        )
    if wants(wanted, "citations"):
        prefetches.append(cites("", to_attr, only, annotate))
    if annotate:
        queryset = models.Round.objects.annotate(
            negotiation_slug=F("negotiation__slug"), negotiation_title=F("negotiation__title")
        ).only(*(name for name in ROUND_COLUMNS if "__" not in name))
    else:
        queryset = models.Round.objects.select_related("negotiation")
        if only:
            queryset = queryset.only(*ROUND_COLUMNS)
    return queryset.prefetch_related(*prefetches).order_by(*ROUND_ORDER)


# From plain to improved, one improvement at a time: (round_queryset's to_attr, only and
# annotate, or None for the viewset's queryset; round_serializer's options, or None for
# RoundSerializer).
ROUND_STEPS = {
    "plain": (None, None),
    "agenda_once": (None, (True, False, False, False)),
    "readable_once": (None, (True, True, False, False)),
    "to_attr": ((True, False, False), (True, True, True, False)),
    "only": ((True, True, False), (True, True, True, False)),
    "annotate": ((True, True, True), (True, True, True, True)),
}


def round_variant(step: str):
    """(queryset builder, serializer class) of one step from plain to improved."""
    query, options = ROUND_STEPS[step]
    serializer = api.RoundSerializer if options is None else round_serializer(*options)

    def queryset(wanted=None):
        if query is None:
            return views.RoundViewSet.queryset
        return round_queryset(*query, wanted=wanted)

    return queryset, serializer


class DeadlineSerializer(ReadableFieldsOnce, api.DeadlineSerializer):
    # Computed after the model fields by DeadlineSerializer.to_representation.
    not_read = NOT_READ | {"days_remaining", "deadline_status"}
    negotiation = annotated_slug("negotiation_slug")
    measure = annotated_slug("measure_slug")
    citations = citations("citation_list", annotated=True)


def deadline_queryset(wanted=None):
    queryset = (
        models.Deadline.objects.annotate(
            negotiation_slug=F("negotiation__slug"), measure_slug=F("measure__slug")
        )
        .only(
            "slug",
            "title",
            "kind",
            "date",
            "end_date",
            "date_precision",
            "date_as_reported",
            "date_note",
            "description",
            "created",
            "updated",
        )
        .order_by("date", "pk")
    )
    if wants(wanted, "citations"):
        queryset = queryset.prefetch_related(cites("", True, True, True))
    return queryset


class AliasSerializer(ReadableFieldsOnce, api.AliasSerializer):
    citations = citations("citation_list", annotated=True)


class RoleSerializer(ReadableFieldsOnce, api.RoleSerializer):
    organization = annotated_slug("organization_slug")
    organization_name = serializers.CharField(read_only=True, allow_null=True)
    citations = citations("citation_list", annotated=True)


class PersonSerializer(ReadableFieldsOnce, api.PersonSerializer):
    party = annotated_slug("party_slug")
    aliases = AliasSerializer(many=True, read_only=True, source="alias_list")
    roles = RoleSerializer(many=True, read_only=True, source="role_list")


def person_queryset(wanted=None):
    queryset = models.Person.objects.annotate(party_slug=F("party__slug")).only(
        "slug", "name", "notes", "created", "updated"
    )
    prefetches = []
    if wants(wanted, "aliases"):
        aliases = models.PersonAlias.objects.only("person", "name", "kind").order_by("name", "pk")
        prefetches += [
            Prefetch("aliases", queryset=aliases, to_attr="alias_list"),
            cites("alias_list", True, True, True),
        ]
    if wants(wanted, "roles"):
        roles = (
            models.Role.objects.annotate(
                organization_slug=F("organization__slug"),
                organization_name=F("organization__name"),
            )
            .only("person", "title", "is_acting", "start_date", "end_date")
            # Role's default ordering starts with person__name: a join, constant per person.
            .order_by(F("start_date").desc(nulls_last=True), "title", "pk")
        )
        prefetches += [
            Prefetch("roles", queryset=roles, to_attr="role_list"),
            cites("role_list", True, True, True),
        ]
    return queryset.prefetch_related(*prefetches).order_by("name", "pk")


# --- Improved viewsets ---------------------------------------------------------------------------


class ImprovedQuerysetMixin:
    """Lists and details read ``improved_queryset(sparse fields)``; writes the parent's
    queryset. ``?known_as_of=`` is not benchmarked: its prefetches (KnownAsOfMixin) would
    need the same to_attr names, so it is refused here rather than answered wrongly."""

    reader = None

    def get_queryset(self):
        if self.action not in ("list", "retrieve"):
            return super().get_queryset()
        if getattr(self, "known_as_of", None) is not None:
            raise ValidationError({"known_as_of": ["Not in the benchmark's improved path."]})
        return self.improved_queryset(getattr(self, "sparse_fields", None))


class ImprovedRoundViewSet(ImprovedQuerysetMixin, views.RoundViewSet):
    queryset = round_queryset()
    serializer_class = round_serializer()
    improved_queryset = staticmethod(lambda wanted: round_queryset(wanted=wanted))


class ImprovedDeadlineViewSet(ImprovedQuerysetMixin, views.DeadlineViewSet):
    queryset = deadline_queryset()
    serializer_class = DeadlineSerializer
    improved_queryset = staticmethod(deadline_queryset)


class ImprovedPersonViewSet(ImprovedQuerysetMixin, views.PersonViewSet):
    queryset = person_queryset()
    serializer_class = PersonSerializer
    improved_queryset = staticmethod(person_queryset)
