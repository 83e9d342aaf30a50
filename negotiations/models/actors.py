"""Who negotiates: parties, their organizations, and the people who speak for them."""

from django.db import models
from django.db.models.functions import Lower

from negotiations.choices import OrganizationKind, PartyKind
from negotiations.models.base import (
    Alias,
    SluggedModel,
    TimeStampedModel,
    child_manager,
    cited_by,
    date_in_range,
    dates_in_range,
    end_not_before_start,
    validate_date_range,
)


class Party(SluggedModel):
    """A negotiating side: a country or a bloc (South Korea, the United States)."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=8,
        unique=True,
        help_text="Short code, such as an ISO 3166 alpha-2 code (KR, US).",
    )
    kind = models.CharField(max_length=20, choices=PartyKind.choices, default=PartyKind.COUNTRY)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self):
        return self.name


class PartyAlias(Alias):
    """Another name for a party in the sources ("South Korea", "Seoul", "Washington")."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="aliases")
    citations = cited_by("party_aliases", "PartyAlias")
    embedded_in = ("party",)
    _history_m2m_fields = ["citations"]

    objects = child_manager("party", "name")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "party aliases"
        constraints = [
            models.UniqueConstraint(
                "party",
                Lower("name"),
                name="unique_party_alias",
                violation_error_message="This party already has this alias.",
            ),
        ]

    def natural_key(self):
        return (self.party.slug, self.name)

    natural_key.dependencies = ["negotiations.party"]


class Organization(SluggedModel):
    """A ministry, agency or office of a party (MOTIE, USTR, the Treasury, the White House)."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="organizations")
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(
        max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.MINISTRY
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["party__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["party", "name"], name="unique_organization_per_party"),
        ]

    def __str__(self):
        return f"{self.name} ({self.party.code})"


class OrganizationAlias(Alias):
    """Another name for an organization ("Industry Ministry" for MOTIE)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    citations = cited_by("organization_aliases", "OrganizationAlias")
    embedded_in = ("organization",)
    _history_m2m_fields = ["citations"]

    objects = child_manager("organization", "name")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "organization aliases"
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                name="unique_organization_alias",
                violation_error_message="This organization already has this alias.",
            ),
        ]

    def natural_key(self):
        return (self.organization.slug, self.name)

    natural_key.dependencies = ["negotiations.organization"]


class Person(SluggedModel):
    """A person who negotiates, speaks or decides, under the canonical spelling of the name."""

    name = models.CharField(max_length=200, help_text="Canonical spelling of the name.")
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        help_text="The side this person speaks for.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class PersonAlias(Alias):
    """A spelling of a person's name found in a source ("Scott Bescent", "Jamie Son Greer")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    citations = cited_by("person_aliases", "PersonAlias")
    embedded_in = ("person",)
    _history_m2m_fields = ["citations"]

    objects = child_manager("person", "name")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "person aliases"
        constraints = [
            models.UniqueConstraint(
                "person",
                Lower("name"),
                name="unique_person_alias",
                violation_error_message="This person already has this alias.",
            ),
        ]

    def natural_key(self):
        return (self.person.slug, self.name)

    natural_key.dependencies = ["negotiations.person"]


class Role(TimeStampedModel):
    """A person's office in an organization over a time span (Ahn Duk-geun, Minister of MOTIE)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="roles")
    title = models.CharField(max_length=200)
    is_acting = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True, validators=[date_in_range])
    end_date = models.DateField(null=True, blank=True, validators=[date_in_range])
    note = models.TextField(blank=True)
    citations = cited_by("roles", "Role")
    _history_m2m_fields = ["citations"]
    embedded_in = ("person",)

    objects = child_manager("person", "organization__slug", "title")

    class Meta:
        ordering = ["person__name", models.F("start_date").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organization", "title"], name="unique_role"),
            end_not_before_start("role_end_not_before_start"),
            dates_in_range("role_dates_in_range", "start_date", "end_date"),
        ]

    def __str__(self):
        return f"{self.person}: {self.title}, {self.organization.name}"

    def natural_key(self):
        return (self.person.slug, self.organization.slug, self.title)

    natural_key.dependencies = ["negotiations.person", "negotiations.organization"]

    def clean(self):
        validate_date_range(self)
