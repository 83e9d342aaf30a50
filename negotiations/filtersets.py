"""The API's FilterSets: every query parameter of every list is declared here."""

import datetime
import re

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from negotiations import models
from negotiations.choices import (
    AgendaBasis,
    AgendaStatus,
    DeadlineKind,
    DisagreementStatus,
    DisagreementTopic,
    MeasureKind,
    MeasureStatus,
    NegotiationStatus,
    OrganizationKind,
    PartyKind,
    PositionKind,
    RoundLevel,
    RoundStatus,
)
from negotiations.domain.known import (
    agenda_status_as_known,
    known,
    known_records,
    status_as_known,
)
from negotiations.limits import MAX_SEARCH_LENGTH


@extend_schema_field({"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"})
class SlugFilter(filters.ModelMultipleChoiceFilter):
    """Filter by the slugs of related objects (repeat the parameter for several)."""


MAX_TEXT_LENGTH = MAX_SEARCH_LENGTH


@extend_schema_field({"type": "string", "pattern": r"^[^\x00]*$", "maxLength": MAX_TEXT_LENGTH})
class TextFilter(filters.CharFilter):
    """Free text of at most 200 characters; a NUL character is refused (400), as no database
    stores it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        super().__init__(*args, **kwargs)


# "+" in a query string is a space: an offset written unencoded ("…T09:00:00+09:00") arrives
# as "…T09:00:00 09:00". The 400 says why, rather than only "Enter a valid date/time".
UNENCODED_PLUS = re.compile(r"\d \d{2}(?::?\d{2})?$")
UNENCODED_PLUS_HINT = (
    "A “+” in a URL's query means a space: write the offset's “+” as %2B "
    "(2026-01-01T09:00:00%2B09:00), or give the time in UTC with Z (2026-01-01T00:00:00Z)."
)


def with_plus_hint(messages: list[str], raw) -> list[str]:
    """A date-time parameter's error messages, with the hint if a "+" was sent unencoded."""
    if messages and isinstance(raw, str) and UNENCODED_PLUS.search(raw.strip()):
        return [f"{messages[0]} {UNENCODED_PLUS_HINT}", *messages[1:]]
    return messages


class InRangeIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time whose UTC equivalent exists: ``9999-12-31T23:59:59-23:00`` is valid
    ISO 8601 but past year 9999 in UTC, where the database needs it (a 400, not a 500). The
    same answer as DRF's DateTimeField gives ``/changes/?since=``."""

    default_error_messages = {"overflow": "Datetime value out of range."}

    def to_python(self, value):
        raw = value
        try:
            value = super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid":
                raise
            # django-filter formats each message with its params (%): "%2B" is kept as %%.
            messages = [m.replace("%", "%%") for m in with_plus_hint(error.messages, raw)]
            raise forms.ValidationError(messages) from None
        if value is not None and timezone.is_aware(value):
            try:
                value.astimezone(datetime.UTC)
            except OverflowError:
                raise forms.ValidationError(
                    self.error_messages["overflow"], code="overflow"
                ) from None
        return value


class InRangeIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = InRangeIsoDateTimeField


class AsciiIntegerField(forms.IntegerField):
    """Digits 0-9 only: Django's IntegerField also takes "1.0" and full-width or other
    scripts' digits, which the schema's integer does not describe."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]+", str(value).strip()):
            raise forms.ValidationError("Enter a whole number (digits 0-9).", code="invalid")
        return super().to_python(value)


class IntegerFilter(filters.NumberFilter):
    """A whole number: 1.5 is a 400 rather than silently truncated to 1."""

    field_class = AsciiIntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds = {"minimum": self.extra.get("min_value"), "maximum": self.extra.get("max_value")}
        schema = {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}
        set_override(self, "field", schema)  # this filter's bounds in the OpenAPI schema


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.TypedChoiceFilter):
    """true or false, nothing else (django-filter's BooleanFilter ignores other values)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


def slug_filter(field_name: str, model, help_text: str, **kwargs):
    """Filter by the slug of a related object; unknown slugs are a 400, not an empty list."""
    kwargs.setdefault("distinct", False)
    return SlugFilter(
        field_name=f"{field_name}__slug",
        to_field_name="slug",
        queryset=model.objects.all(),
        help_text=f"{help_text}: a slug; repeat the parameter for several.",
        **kwargs,
    )


def linked_filter(model, help_text: str, link, link_column: str, target: str, column="pk"):
    """Records linked to any of the given related objects (by slug) through a link table,
    as a semi-join (``column IN (SELECT link_column FROM link WHERE target IN ...)``): no
    DISTINCT, so pages and counts stay index-friendly however many links match."""

    def method(queryset, name, value):
        if not value:
            return queryset
        linked = link.objects.filter(**{f"{target}__in": value}).values(link_column)
        return queryset.filter(**{f"{column}__in": linked})

    return SlugFilter(
        method=method,
        to_field_name="slug",
        queryset=model.objects.all(),
        help_text=f"{help_text}: a slug; repeat the parameter for several.",
    )


def choice_filter(choices):
    """One or more values of a column of the record itself (no join, so no DISTINCT)."""
    return filters.MultipleChoiceFilter(choices=choices, distinct=False)


def name_or_alias(alias_model, owner_column: str, value: str, *name_fields: str) -> Q:
    """A name matches, or one of its aliases does (as a semi-join: no DISTINCT needed)."""
    condition = Q(pk__in=alias_model.objects.filter(name__icontains=value).values(owner_column))
    for field in name_fields:
        condition |= Q(**{field: value})
    return condition


class TrackedFilterSet(filters.FilterSet):
    """Every list can be synced incrementally: only what changed since a given time."""

    updated_since = InRangeIsoDateTimeFilter(
        field_name="updated",
        lookup_expr="gte",
        help_text="Only records created or changed at or after this ISO 8601 date-time.",
    )


class KnownAsOfFilterSet(TrackedFilterSet):
    """A list of facts as the sources published by a day told it (negotiations.domain.known)."""

    known_as_of = filters.DateFilter(
        method="filter_known_as_of",
        help_text="What was known on this day (YYYY-MM-DD): only records cited by a source "
        "published by then, with those citations only. Undated sources are left out.",
    )

    def filter_known_as_of(self, queryset, name, value):
        return known_records(queryset, value)

    @property
    def known_day(self) -> datetime.date | None:
        return self.form.cleaned_data.get("known_as_of")


class PartyFilterSet(TrackedFilterSet):
    kind = choice_filter(PartyKind.choices)
    search = TextFilter(method="search_names", help_text="Name, code or any alias.")

    class Meta:
        model = models.Party
        fields = ["kind"]

    def search_names(self, queryset, name, value):
        return queryset.filter(
            name_or_alias(models.PartyAlias, "party_id", value, "name__icontains", "code__iexact")
        )


class OrganizationFilterSet(TrackedFilterSet):
    party = slug_filter("party", models.Party, "Organizations of this party")
    parent = slug_filter(
        "parent", models.Organization, "Units of this organization (its direct children)"
    )
    kind = choice_filter(OrganizationKind.choices)
    search = TextFilter(method="search_names", help_text="Name, acronym or any alias.")

    class Meta:
        model = models.Organization
        fields = ["party", "parent", "kind"]

    def search_names(self, queryset, name, value):
        return queryset.filter(
            name_or_alias(
                models.OrganizationAlias,
                "organization_id",
                value,
                "name__icontains",
                "acronym__iexact",
            )
        )


class PersonFilterSet(TrackedFilterSet):
    party = slug_filter("party", models.Party, "People who speak for this party")
    organization = linked_filter(
        models.Organization,
        "People with a role in this organization",
        models.Role,
        "person_id",
        "organization",
    )
    search = TextFilter(
        method="search_names",
        help_text="Name or any alias, including misspellings found in sources (Bescent).",
    )

    class Meta:
        model = models.Person
        fields = ["party", "organization"]

    def search_names(self, queryset, name, value):
        return queryset.filter(
            name_or_alias(models.PersonAlias, "person_id", value, "name__icontains")
        )


class NegotiationFilterSet(TrackedFilterSet):
    party = linked_filter(
        models.Party,
        "Negotiations this party takes part in",
        models.Negotiation.parties.through,
        "negotiation_id",
        "party",
    )
    status = choice_filter(NegotiationStatus.choices)

    class Meta:
        model = models.Negotiation
        fields = ["party", "status"]


class RoundFilterSet(KnownAsOfFilterSet):
    """Status, agenda and participant filters read the rounds as known on ``known_as_of``."""

    negotiation = slug_filter("negotiation", models.Negotiation, "Rounds of this negotiation")
    party = linked_filter(
        models.Party,
        "Rounds of negotiations with this party",
        models.Negotiation.parties.through,
        "negotiation_id",
        "party",
        column="negotiation_id",
    )
    level = choice_filter(RoundLevel.choices)
    status = filters.MultipleChoiceFilter(
        choices=RoundStatus.choices, method="filter_status", help_text="Held, planned..."
    )
    agenda_status = filters.ChoiceFilter(
        choices=AgendaStatus.choices, method="filter_agenda_status"
    )
    agenda_basis = filters.MultipleChoiceFilter(
        choices=AgendaBasis.choices,
        method="filter_agenda_basis",
        help_text="What kind of list the reported agenda is.",
    )
    start_date_after = filters.DateFilter(
        field_name="start_date", lookup_expr="gte", help_text="Starting on or after (YYYY-MM-DD)."
    )
    start_date_before = filters.DateFilter(
        field_name="start_date", lookup_expr="lte", help_text="Starting on or before (YYYY-MM-DD)."
    )
    city = TextFilter(field_name="city", lookup_expr="iexact")
    country = TextFilter(
        field_name="country", lookup_expr="iexact", help_text="ISO 3166 alpha-2 code."
    )
    participant = SlugFilter(
        method="filter_participant",
        to_field_name="slug",
        queryset=models.Person.objects.all(),
        help_text="Rounds this person took part in: a slug; repeat the parameter for several.",
    )
    area = SlugFilter(
        method="filter_area",
        to_field_name="slug",
        queryset=models.AgendaArea.objects.all(),
        help_text="Rounds whose reported agenda included this area: a slug; repeat the "
        "parameter for several.",
    )
    search = TextFilter(method="search_text", help_text="Title, place or occasion.")

    class Meta:
        model = models.Round
        fields = ["negotiation", "level", "status", "agenda_status", "agenda_basis"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        if self.known_day is None:
            return queryset.filter(status__in=value)
        return queryset.alias(status_as_known=status_as_known(self.known_day)).filter(
            status_as_known__in=value
        )

    def filter_agenda_status(self, queryset, name, value):
        if self.known_day is None:
            return queryset.filter(agenda_status=value)
        return queryset.alias(agenda_status_as_known=agenda_status_as_known(self.known_day)).filter(
            agenda_status_as_known=value
        )

    def filter_agenda_basis(self, queryset, name, value):
        if not value:
            return queryset
        if self.known_day is None:
            return queryset.filter(agenda_basis__in=value)
        # As known on a day: a reported agenda of a round still to come was an announced one.
        reported = queryset.alias(
            agenda_status_as_known=agenda_status_as_known(self.known_day)
        ).filter(agenda_status_as_known=AgendaStatus.REPORTED)
        upcoming = Q(start_date__gt=self.known_day)
        condition = ~upcoming & Q(agenda_basis__in=value)
        if AgendaBasis.ANNOUNCED in value:
            condition |= upcoming
        return reported.filter(condition)

    def filter_participant(self, queryset, name, value):
        if not value:
            return queryset
        participants = known(models.Participant.objects.filter(person__in=value), self.known_day)
        return queryset.filter(pk__in=participants.values("round_id"))

    def filter_area(self, queryset, name, value):
        if not value:
            return queryset
        items = known(models.AgendaItem.objects.filter(area_links__area__in=value), self.known_day)
        return queryset.filter(pk__in=items.values("round_id"))

    def search_text(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(city__icontains=value)
            | Q(venue__icontains=value)
            | Q(occasion__icontains=value)
        )


class AgendaAreaFilterSet(TrackedFilterSet):
    search = TextFilter(method="search_names", help_text="Name or any alias.")

    class Meta:
        model = models.AgendaArea
        fields = []

    def search_names(self, queryset, name, value):
        return queryset.filter(
            name_or_alias(models.AgendaAreaAlias, "area_id", value, "name__icontains")
        )


class AgendaItemFilterSet(TrackedFilterSet):
    round = slug_filter("round", models.Round, "Items of this round's agenda")
    negotiation = slug_filter("round__negotiation", models.Negotiation, "Items of this negotiation")
    area = linked_filter(
        models.AgendaArea, "Items mapped to this area", models.AgendaItemArea, "item_id", "area"
    )

    class Meta:
        model = models.AgendaItem
        fields = ["round", "negotiation", "area"]


class AgendaExclusionFilterSet(KnownAsOfFilterSet):
    negotiation = slug_filter("negotiation", models.Negotiation, "Exclusions in this negotiation")
    round = slug_filter("round", models.Round, "Exclusions from this round's agenda")
    area = slug_filter("area", models.AgendaArea, "Exclusions of this area")
    handled_in = slug_filter(
        "handled_in", models.Negotiation, "Areas said to be handled in this negotiation instead"
    )

    class Meta:
        model = models.AgendaExclusion
        fields = ["negotiation", "round", "area", "handled_in"]


class DeadlineFilterSet(KnownAsOfFilterSet):
    """Deadline filters relative to a chosen day, ``as_of`` (default: today)."""

    negotiation = slug_filter("negotiation", models.Negotiation, "Deadlines of this negotiation")
    kind = choice_filter(DeadlineKind.choices)
    as_of = filters.DateFilter(
        method="filter_nothing",
        help_text="The day that days_remaining, status, upcoming and within_days count from "
        "(YYYY-MM-DD; default known_as_of if given, else today).",
    )
    upcoming = StrictBooleanFilter(
        method="filter_upcoming",
        help_text="true: deadlines not yet passed as of as_of (due today included); "
        "false: only passed ones.",
    )
    within_days = IntegerFilter(
        method="filter_within_days",
        min_value=0,
        max_value=36500,
        help_text="Deadlines not yet passed that fall within this many days of as_of.",
    )

    class Meta:
        model = models.Deadline
        fields = ["negotiation", "kind"]

    @property
    def as_of_date(self) -> datetime.date:
        return self.form.cleaned_data.get("as_of") or self.known_day or timezone.localdate()

    def filter_nothing(self, queryset, name, value):
        return queryset

    def not_passed(self, queryset):
        as_of = self.as_of_date
        return queryset.filter(Q(end_date__gte=as_of) | Q(end_date=None, date__gte=as_of))

    def filter_upcoming(self, queryset, name, value):
        if value:
            return self.not_passed(queryset)
        return queryset.exclude(pk__in=self.not_passed(queryset).values("pk"))

    def filter_within_days(self, queryset, name, value):
        try:
            horizon = self.as_of_date + datetime.timedelta(days=value)
        except OverflowError:
            horizon = datetime.date.max
        return self.not_passed(queryset).filter(date__lte=horizon)


class MeasureFilterSet(KnownAsOfFilterSet):
    negotiation = slug_filter(
        "negotiation", models.Negotiation, "Measures at stake in this negotiation"
    )
    imposing_party = slug_filter("imposing_party", models.Party, "Measures imposed by this party")
    target_party = slug_filter("target_party", models.Party, "Measures aimed at this party")
    kind = choice_filter(MeasureKind.choices)
    status = choice_filter(MeasureStatus.choices)

    class Meta:
        model = models.Measure
        fields = ["negotiation", "imposing_party", "target_party", "kind", "status"]


class PositionFilterSet(KnownAsOfFilterSet):
    party = slug_filter("party", models.Party, "Positions of this party")
    kind = choice_filter(PositionKind.choices)
    area = linked_filter(
        models.AgendaArea,
        "Positions on this agenda area",
        models.Position.areas.through,
        "position_id",
        "agendaarea",
    )
    round = slug_filter("round", models.Round, "Positions taken at this round")
    negotiation = slug_filter("negotiation", models.Negotiation, "Positions in this negotiation")
    speaker = slug_filter("speaker", models.Person, "Positions stated by this person")

    class Meta:
        model = models.Position
        fields = ["party", "kind", "area", "round", "negotiation", "speaker"]


class SourceFilterSet(TrackedFilterSet):
    publisher = TextFilter(field_name="publisher", lookup_expr="iexact")
    search = TextFilter(method="search_text", help_text="Title, publisher or authors.")

    class Meta:
        model = models.Source
        fields = ["publisher"]

    def search_text(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(publisher__icontains=value) | Q(authors__icontains=value)
        )


class CitationFilterSet(TrackedFilterSet):
    source = slug_filter("source", models.Source, "Citations of this source")
    search = TextFilter(
        field_name="quote", lookup_expr="icontains", help_text="Words in the quote."
    )

    class Meta:
        model = models.Citation
        fields = ["source"]


class DisagreementFilterSet(KnownAsOfFilterSet):
    status = filters.ChoiceFilter(choices=DisagreementStatus.choices)
    topic = choice_filter(DisagreementTopic.choices)
    negotiation = slug_filter(
        "negotiation", models.Negotiation, "Disagreements in this negotiation"
    )
    round = slug_filter("round", models.Round, "Disagreements about this round")
    area = slug_filter("area", models.AgendaArea, "Disagreements about this agenda area")

    class Meta:
        model = models.Disagreement
        fields = ["status", "topic", "negotiation", "round", "area"]
