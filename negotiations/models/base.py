"""Abstract building blocks: timestamps, slugs as natural keys, aliases, citations, and the
rules every date obeys."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from simple_history.models import HistoricalRecords

from negotiations.choices import AliasKind
from negotiations.models import provenance

# One HistoricalRecords for every concrete subclass (inherit=True): every save writes an
# audit row (negotiations.domain.writes saves fixture records like any other write).
AUDIT_HISTORY = HistoricalRecords(inherit=True)


class TimeStampedModel(models.Model):
    """Every record knows when it was created and last changed, so dashboards can sync,
    and keeps its audit history (who changed what, when; deletions included)."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    history = AUDIT_HISTORY

    class Meta:
        abstract = True


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SluggedModel(TimeStampedModel):
    """A record addressed by a slug: its stable identity across databases, fixtures and the API."""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Stable identifier used in URLs, fixtures and dashboards. Do not change lightly.",
    )

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)


def cited_by(related_name: str, model_name: str) -> models.ManyToManyField:
    """The citations (source + verbatim quote) that support a fact, through the links that
    say what each quote states (negotiations.models.provenance)."""
    return models.ManyToManyField(
        "negotiations.Citation",
        related_name=related_name,
        # The class, not its name: django-simple-history reads it when the model is defined.
        through=getattr(provenance, f"{model_name}_citations"),
        blank=True,
        help_text="Sources with the verbatim quotes that support this record.",
    )


class ChildManager(models.Manager):
    """Natural key of a record that lives inside a slugged parent: parent slug + own fields.

    Built with child_manager(); the key is described by class attributes because Django
    subclasses a model's default manager, without arguments, for related managers.
    """

    parent_field: str = ""
    key_fields: tuple[str, ...] = ()

    def get_by_natural_key(self, parent_slug, *values):
        lookup = {f"{self.parent_field}__slug": parent_slug}
        lookup.update(zip(self.key_fields, values, strict=True))
        return self.get(**lookup)


def child_manager(parent_field: str, *key_fields: str) -> ChildManager:
    manager_class = type(
        "ChildManager",
        (ChildManager,),
        {"parent_field": parent_field, "key_fields": key_fields, "__module__": __name__},
    )
    return manager_class()


class Alias(TimeStampedModel):
    """Another name for something: a variant, a misspelling, an abbreviation, a synonym.

    Variants found in sources are stored as aliases of the one canonical record, never as
    new records, so that search by any spelling finds the same person, party or area.
    """

    name = models.CharField(max_length=200, help_text="The alternative name exactly as written.")
    kind = models.CharField(max_length=20, choices=AliasKind.choices, default=AliasKind.VARIANT)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


def end_not_before_start(name: str, start: str = "start_date", end: str = "end_date"):
    """Database-level rule: an end date, when both are known, is not before the start."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
        violation_error_message="The end date cannot be before the start date.",
    )


def validate_date_range(instance, start: str = "start_date", end: str = "end_date"):
    """Editor-facing twin of end_not_before_start: names the field that is wrong."""
    start_value, end_value = getattr(instance, start), getattr(instance, end)
    if start_value and end_value and end_value < start_value:
        raise ValidationError(
            {end: f"The end date ({end_value}) cannot be before the start date ({start_value})."}
        )


COARSE_DATE_NEEDS_END = (
    "A date known only to the {precision} needs an end date: the last day of the window "
    "it falls in (the start date is the first)."
)


def coarse_date_has_end(
    name: str, start: str = "start_date", end: str = "end_date", precision: str = "date_precision"
):
    """Database-level rule: a known date coarser than a day is stored as a window, with its
    end (a date not known at all has nothing to end)."""
    return models.CheckConstraint(
        condition=models.Q(**{precision: "day"})
        | models.Q(**{f"{end}__isnull": False})
        | models.Q(**{f"{start}__isnull": True}),
        name=name,
        violation_error_message="A date coarser than a day needs an end date.",
    )


def validate_coarse_date(
    instance, start: str = "start_date", end: str = "end_date", precision: str = "date_precision"
):
    """Editor-facing twin of coarse_date_has_end: names the field that is missing."""
    value = getattr(instance, precision)
    known = getattr(instance, start) is not None
    if known and value and value != "day" and getattr(instance, end) is None:
        label = getattr(instance, f"get_{precision}_display")().lower()
        raise ValidationError({end: COARSE_DATE_NEEDS_END.format(precision=label)})


# Every date the record holds (a round's, a deadline's, a measure's, a position's, a role's,
# a source's publication) falls within years a negotiation can have. A far date
# (9999-12-31, 0001-01-01) is a slip of the keyboard, and the pages that compute with dates
# (a calendar event's end + 1 day, a timeline's margins) would overflow on it.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_OUT_OF_RANGE = (
    f"Enter a date from {EARLIEST_DATE:%-d %B %Y} to {LATEST_DATE:%-d %B %Y} "
    f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})."
)


@deconstructible
class DateInRange:
    """The field validator of every date of the record (a date or a date and time, taken in
    UTC): the one rule the admin, the API and fixture loads apply, naming the field."""

    code = "date_out_of_range"

    def __call__(self, value):
        day = value
        if isinstance(value, datetime.datetime):
            day = (value.astimezone(datetime.UTC) if value.tzinfo else value).date()
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(DATE_OUT_OF_RANGE, code=self.code)

    def __eq__(self, other):
        return isinstance(other, DateInRange)

    def __hash__(self):
        return hash(DateInRange)


date_in_range = DateInRange()


def in_date_range(name: str, *, with_time: bool = False) -> models.Q:
    """The database's form of the rule for one date field (empty is allowed)."""
    low, high = EARLIEST_DATE, LATEST_DATE + datetime.timedelta(days=1)
    if with_time:
        low, high = (
            datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
            for day in (low, high)
        )
    return models.Q(**{f"{name}__isnull": True}) | models.Q(
        **{f"{name}__gte": low, f"{name}__lt": high}
    )


class DatesInRange(models.CheckConstraint):
    """Database-level twin of date_in_range, for the writes that skip validation (bulk loads,
    SQL). Model validation leaves it to the fields' own validator, which names the field
    (and costs no query)."""

    def validate(self, model, instance, exclude=None, using=None):
        return None


def dates_in_range(name: str, *dates: str, datetimes: tuple[str, ...] = ()) -> DatesInRange:
    """One constraint for a model's date fields (``datetimes``: dates with a time): each
    empty or within the years allowed."""
    condition = models.Q()
    for field in dates:
        condition &= in_date_range(field)
    for field in datetimes:
        condition &= in_date_range(field, with_time=True)
    return DatesInRange(condition=condition, name=name, violation_error_message=DATE_OUT_OF_RANGE)
