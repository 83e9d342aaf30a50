"""The admin's view of field-level provenance: which quote backs each value of a record.

* A panel, "Where each value comes from", on the page of every record with facets (a round,
  a participant, an agenda item, a deadline, a measure, a position): each facet with its
  value now, the quotes stating it, what a source gave when it differs, and whether a value
  was superseded or is disputed. Read from negotiations.domain.claims.record_claims: the
  admin shows the rules' answer, it never works one out itself.
* An inline on the same pages, "Quotes and the facts they state": one row per citation
  link, the facets its quote states ticked by name, and, for each facet, what the source
  says when it says it differently, in the facet's own typed fields. Checked by
  negotiations.domain.provenance.validate_link (the field named, nothing written) and saved
  through negotiations.domain.writes.set_citation_links, in the record form's transaction.
  It replaces the plain "citations" picker on those pages; the picker stays where an inline
  cannot nest (a round's participants and agenda items), and links to the whole record.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AdminDateWidget
from django.db import models as db
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from negotiations import models
from negotiations.dashboard.values import field_label, value_text
from negotiations.domain import writes
from negotiations.domain.claims import record_claims
from negotiations.domain.provenance import facets_of, json_value, python_value, validate_link

PANEL_TITLE = "Where each value comes from"


def citation_url(slug: str) -> str:
    return reverse("admin:negotiations_citation_changelist") + f"?q={slug}"


def citations_shown(citations: list) -> list[dict]:
    return [
        {
            "slug": ref["slug"],
            "url": citation_url(ref["slug"]),
            "publisher": ref["publisher"] or ref["source"],
            "source": ref["source"],
            "published_on": ref["published_on"],
            "quote": ref["quote"],
            "whole": not ref["facets"],
        }
        for ref in citations
    ]


def facets_shown(model, facets: list) -> list[dict]:
    """The claims of a record's facets (record_claims) as the panel shows them."""
    shown = []
    for claim in facets:
        now = value_text(model, claim["fields"], claim["value"])
        by_slug = {
            ref["slug"]: f"{ref['publisher'] or ref['source']} ({ref['published_on'] or 'undated'})"
            for version in claim["values"]
            for ref in version["citations"]
        }
        shown.append(
            {
                "name": claim["facet"],
                "label": claim["facet"].replace("_", " ").capitalize(),
                "fields": ", ".join(
                    str(field_label(model, name)).lower() for name in claim["fields"]
                ),
                "known": claim["known"],
                "disputed": claim["disputed"],
                "value": now,
                "versions": [
                    {
                        "state": version["state"],
                        "superseded_by": [
                            by_slug.get(slug, slug) for slug in version["superseded_by"]
                        ],
                        # What this source gave, where it is not the value shown.
                        "differs": (text := value_text(model, claim["fields"], version["value"]))
                        != now,
                        "value": text,
                        "citations": citations_shown(version["citations"]),
                    }
                    for version in claim["values"]
                ],
            }
        )
    return shown


def admin_url(model_name: str, pk) -> str | None:
    try:
        return reverse(f"admin:negotiations_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


def provenance_panel(record) -> str:
    """The panel of a saved record (and, on a round's page, of its participants and agenda
    items), from its claims."""
    model = type(record)
    claims = record_claims(record)
    embedded_models = {"participant": models.Participant, "agendaitem": models.AgendaItem}
    embedded = []
    for entry in claims["embedded"]:
        nested = embedded_models[entry["record"]["type"]]
        embedded.append(
            {
                "kind": nested._meta.verbose_name,
                "label": entry["label"],
                "url": admin_url(entry["record"]["type"], entry["record"]["id"]),
                "id": f"provenance-{entry['record']['type']}-{entry['record']['id']}",
                "facets": facets_shown(nested, entry["facets"]),
            }
        )
    return render_to_string(
        "admin/provenance_panel.html",
        {
            "facets": facets_shown(model, claims["facets"]),
            "whole": citations_shown(claims["cited_as_a_whole"]),
            "embedded": embedded,
            "id": f"provenance-{model._meta.model_name}-{record.pk}",
            "verbose_name": model._meta.verbose_name,
        },
    )


# --- Which facts each quote states: the inline --------------------------------------------------

LINKS_TITLE = "Quotes and the facts they state"


def facet_label(name: str) -> str:
    return name.replace("_", " ")


def value_field(model, name: str) -> forms.Field:
    """A form field for one field of a facet as a source gives it: typed like the record's
    own (a date as a date, a choice as a select, a related record by its slug)."""
    model_field = model._meta.get_field(name)
    label = capfirst(model_field.verbose_name)
    if model_field.is_relation:
        related = model_field.related_model
        return forms.ModelChoiceField(
            related._default_manager.all(), to_field_name="slug", required=False, label=label
        )
    if model_field.choices:
        return forms.ChoiceField(
            choices=[("", "---------"), *model_field.flatchoices], required=False, label=label
        )
    if isinstance(model_field, db.DateField):
        return forms.DateField(required=False, label=label, widget=AdminDateWidget)
    if isinstance(model_field, db.BooleanField):
        return forms.BooleanField(required=False, label=label)
    if isinstance(model_field, db.TextField):
        return forms.CharField(
            required=False, label=label, widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
        )
    field = model_field.formfield(required=False, label=label)
    field.widget.attrs.setdefault("class", "vTextField")
    return field


def given_facets(model) -> dict:
    """The facets whose value a source can give in the form (a virtual facet's value, a
    round's list of areas, is kept as stored)."""
    return {name: facet for name, facet in facets_of(model).items() if not facet.virtual}


def differs_name(facet: str) -> str:
    return f"differs__{facet}"


def value_name(facet: str, field: str) -> str:
    return f"{facet}__{field}"


class CitationLinkForm(forms.ModelForm):
    """One citation link of a record: the quote, the facets it states, the values it gives
    where they differ from the record's, and whether it reports a change. The fields of each
    facet are added per record model (link_form)."""

    record_model: type = None  # set per model by link_form()

    states = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="The quote states",
        help_text="None ticked: the quote supports the whole record (every value).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self.record_model
        if "states" in self.fields:
            self.fields["states"].choices = [(name, facet_label(name)) for name in facets_of(model)]
        link = self.instance
        if link.pk is None:
            return
        self.initial["states"] = list(link.facets)
        for facet, given in (link.values or {}).items():
            if facet not in given_facets(model) or not isinstance(given, dict):
                continue
            self.initial[differs_name(facet)] = True
            for name, value in given.items():
                self.initial[value_name(facet, name)] = python_value(model, name, value)

    def clean(self):
        cleaned = super().clean()
        model = self.record_model
        facets = [name for name in facets_of(model) if name in (cleaned.get("states") or [])]
        values = {
            facet: given
            for facet, given in (self.instance.values or {}).items()
            if facet not in given_facets(model)  # kept as stored: not in the form
        }
        for facet, spec in given_facets(model).items():
            if not cleaned.get(differs_name(facet)):
                continue
            values[facet] = {
                name: json_value(model, name, cleaned.get(value_name(facet, name)))
                for name in spec.fields
                if cleaned.get(value_name(facet, name)) not in (None, "", False)
            }
        # The rule of every write path; each problem on the field it is about.
        problems = validate_link(model, facets, {})
        for message in problems.get("facets", []):
            self.add_error("states", message)
        for facet in values:
            for message in validate_link(model, facets, {facet: values[facet]}).get("values", []):
                self.add_error(
                    differs_name(facet) if facet in given_facets(model) else None, message
                )
        self.link_facets, self.link_values = tuple(facets), values
        return cleaned

    def spec(self) -> writes.CitationLinkSpec:
        return writes.CitationLinkSpec(
            citation=self.cleaned_data["citation"],
            facets=self.link_facets,
            values=self.link_values,
            reports_change=bool(self.cleaned_data.get("reports_change")),
        )


class CitationLinkFormSet(forms.BaseInlineFormSet):
    """Saved as one list through writes.set_citation_links (TrackedAdmin.save_formset): a
    row left as it was keeps its link as stored (with what the record's own save froze into
    it), a changed or new row is written as its form says, a deleted row is unlinked."""

    def save_links(self) -> None:
        links = []
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or cleaned.get("citation") is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if form in self.initial_forms and not form.has_changed():
                links.append(cleaned["citation"])
            else:
                links.append(form.spec())
        writes.set_citation_links(record=self.instance, links=links)
        # What the admin's log of the change lists (the links' own history keeps the rest).
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []


_link_forms: dict = {}


def link_form(model) -> type[CitationLinkForm]:
    """The link form of a record model: its facets' fields declared."""
    if model not in _link_forms:
        fields = {}
        for facet, spec in given_facets(model).items():
            fields[differs_name(facet)] = forms.BooleanField(
                required=False,
                label="The source says it differently",
                help_text=f"Then give the {facet_label(facet)} as this source gives it.",
            )
            for name in spec.fields:
                fields[value_name(facet, name)] = value_field(model, name)
        through = writes.link_model(model)
        _link_forms[model] = type(
            f"{model.__name__}CitationLinkForm",
            (CitationLinkForm,),
            {
                **fields,
                "record_model": model,
                "Meta": type(
                    "Meta", (), {"model": through, "fields": ["citation", "reports_change"]}
                ),
            },
        )
    return _link_forms[model]


class CitationLinkInline(admin.StackedInline):
    """The citation links of a record, each with what its quote states."""

    formset = CitationLinkFormSet
    autocomplete_fields = ["citation"]
    readonly_fields = ["quote", "stated", "given"]
    extra = 0
    verbose_name = "quote and the facts it states"
    verbose_name_plural = LINKS_TITLE
    classes = ["citation-links"]

    def get_fieldsets(self, request, obj=None):
        if not self.has_change_permission(request, obj) and not self.has_add_permission(
            request, obj
        ):
            return [(None, {"fields": ["citation", "quote", "stated", "given", "reports_change"]})]
        fieldsets = [(None, {"fields": ["citation", "quote", "states", "reports_change"]})]
        for facet, spec in given_facets(self.record_model).items():
            fieldsets.append(
                (
                    f"The {facet_label(facet)} as this source gives it",
                    {
                        "fields": [
                            differs_name(facet),
                            tuple(value_name(facet, name) for name in spec.fields),
                        ],
                        "classes": ["collapse"],
                    },
                )
            )
        return fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("citation__source")

    def parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    # A link is part of its record: who may change the record may change its links.
    def has_view_permission(self, request, obj=None):
        parent = self.parent_admin()
        return parent.has_view_permission(request, obj) or parent.has_change_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        parent = self.parent_admin()
        if obj is None:
            return parent.has_add_permission(request)
        return parent.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    @admin.display(description="Quote")
    def quote(self, link):
        if link is None or not link.pk:
            return "-"
        source = link.citation.source
        day = source.known_from
        return format_html(
            "{}, {}: \u201c{}\u201d",
            source.publisher or source.title,
            day.isoformat() if isinstance(day, datetime.date) else "undated",
            link.citation.quote,
        )

    @admin.display(description="The quote states")
    def stated(self, link):
        if link is None or not link.pk:
            return "-"
        return ", ".join(facet_label(name) for name in link.facets) or "The whole record"

    @admin.display(description="The source says it differently")
    def given(self, link):
        if link is None or not link.pk or not link.values:
            return "-"
        model = self.record_model
        declared = facets_of(model)
        return "; ".join(
            f"{facet_label(facet)}: {value_text(model, list(declared[facet].fields), given)}"
            for facet, given in link.values.items()
            if facet in facets_of(model) and isinstance(given, dict)
        )


_link_inlines: dict = {}


def link_inline(model) -> type[CitationLinkInline]:
    if model not in _link_inlines:
        _link_inlines[model] = type(
            f"{model.__name__}CitationLinkInline",
            (CitationLinkInline,),
            {"model": writes.link_model(model), "form": link_form(model), "record_model": model},
        )
    return _link_inlines[model]


# --- The record's page ------------------------------------------------------------------------


class ProvenancePanelAdmin:
    """Adds the panel to a record's page (below its fields), once the record is saved, and
    the inline of its citation links in place of the plain citations picker."""

    def get_inlines(self, request, obj=None):
        return [*super().get_inlines(request, obj), link_inline(self.model)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "provenance"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                name,
                {
                    **options,
                    "fields": [
                        f for f in options["fields"] if f not in ("provenance", "citations")
                    ],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None or not facets_of(self.model):
            return fieldsets
        assert "provenance" not in flatten_fieldsets(fieldsets)
        return [*fieldsets, (PANEL_TITLE, {"fields": ["provenance"], "classes": ["provenance"]})]

    def provenance(self, obj):
        if obj is None or not obj.pk:
            return "Save the record to see which quote backs each value."
        # On the history's revert page ``obj`` is an old version: its sources are the stored
        # record's.
        stored = self.model._default_manager.filter(pk=obj.pk).first()
        if stored is None:
            return "This record is deleted: its sources show once it is restored."
        return provenance_panel(stored)

    provenance.short_description = PANEL_TITLE
