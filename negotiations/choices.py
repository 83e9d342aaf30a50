"""Enumerations of the negotiation domain, shared by models, filters, API and admin."""

from django.db import models


class PartyKind(models.TextChoices):
    COUNTRY = "country", "Country"
    BLOC = "bloc", "Bloc or group of countries"


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", "Ministry or department"
    AGENCY = "agency", "Agency or office"
    HEAD_OF_STATE = "head_of_state", "Head of state or government office"
    COUNCIL = "council", "Council or committee"
    OTHER = "other", "Other"


class AliasKind(models.TextChoices):
    VARIANT = "variant", "Spelling variant or romanisation"
    MISSPELLING = "misspelling", "Misspelling found in a source"
    ABBREVIATION = "abbreviation", "Abbreviation or acronym"
    SYNONYM = "synonym", "Other words for the same thing"
    SHORT_NAME = "short_name", "Short or informal name"


class NegotiationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CONCLUDED = "concluded", "Concluded"
    ABANDONED = "abandoned", "Abandoned"


class NegotiationRelationKind(models.TextChoices):
    SPUN_OFF_FROM = "spun_off_from", "Spun off from"
    RELATED_TO = "related_to", "Related to"
    SUCCEEDS = "succeeds", "Succeeds"


class RoundLevel(models.TextChoices):
    LEADERS = "leaders", "Leaders"
    MINISTERIAL = "ministerial", "Ministerial"
    HIGH_LEVEL_2PLUS2 = "high_level_2plus2", "High-level 2+2"
    WORKING = "working", "Working-level / technical"
    DIRECTOR = "director", "Director-level"
    UNSPECIFIED = "unspecified", "Not reported"


class RoundStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


class DatePrecision(models.TextChoices):
    """How exactly a date is known; coarser dates are stored as the window they fall in."""

    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    SEASON = "season", "Season"
    YEAR = "year", "Year"


class AgendaStatus(models.TextChoices):
    """Whether any source reported the round's agenda: unknown is not empty."""

    REPORTED = "reported", "Reported"
    NOT_REPORTED = "not_reported", "Not reported (unknown)"


class AgendaBasis(models.TextChoices):
    """What kind of list a round's reported agenda is, as the sources describe it.

    Two agreed scopes compared say how the parties' plans for later talks changed, not what
    either meeting discussed."""

    DISCUSSED = "discussed", "Discussed at the round"
    AGREED_SCOPE = "agreed_scope", "Scope agreed at the round for later talks"
    ANNOUNCED = "announced", "Announced before the round"


class AgendaChange(models.TextChoices):
    ADDED = "added", "Added"
    DROPPED = "dropped", "Dropped"
    RETAINED = "retained", "Retained"


class AnnotationBasis(models.TextChoices):
    """Whether an editors' annotation reports what a source says or is the editors' reading."""

    STATED = "stated", "Stated: a cited source reports this change in so many words"
    EDITORS_READING = "editors_reading", "The editors' reading: context no source links to it"


class DeadlineKind(models.TextChoices):
    LEGAL_EXPIRY = "legal_expiry", "Legal expiry"
    NEGOTIATING_TARGET = "negotiating_target", "Negotiating target"
    POLITICAL_EVENT = "political_event", "Political event"
    OTHER = "other", "Other"


class MeasureKind(models.TextChoices):
    TARIFF = "tariff", "Tariff (kind not reported)"
    RECIPROCAL_TARIFF = "reciprocal_tariff", "Reciprocal tariff"
    SECTORAL_TARIFF = "sectoral_tariff", "Sectoral (item-specific) tariff"
    TARIFF_PAUSE = "tariff_pause", "Tariff pause"
    QUOTA = "quota", "Quota"
    OTHER = "other", "Other"


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ANNOUNCED = "announced", "Announced"
    IN_EFFECT = "in_effect", "In effect"
    SUSPENDED = "suspended", "Suspended"
    LIFTED = "lifted", "Lifted"
    EXPIRED = "expired", "Expired"


class PositionKind(models.TextChoices):
    REQUEST = "request", "Requested"
    OFFER = "offer", "Offered"
    REJECTION = "rejection", "Rejected"
    STATEMENT = "statement", "Stated"


class DisagreementTopic(models.TextChoices):
    """What a disagreement is about. One about a round's agenda with no area is about the
    list as a whole: every comparison with that round is as disputed as the list."""

    AGENDA = "agenda", "What was on a round's agenda"
    PARTICIPANTS = "participants", "Who took part"
    DATE_PLACE = "date_place", "When or where"
    MEASURE = "measure", "A measure at stake"
    OTHER = "other", "Other"


class DisagreementStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved by editors"
