"""The admin's view of field-level provenance: which quote backs each value of a record.

* A panel, "Where each value comes from", on the page of every record with facets (a round,
  a participant, an agenda item, a deadline, a measure, a position): each facet with its
  value now, the quotes stating it, what a source gave when it differs, and whether a value
  was superseded or is disputed. Read from negotiations.domain.claims.record_claims: the
  admin shows the rules' answer, it never works one out itself.
"""

from django.contrib.admin.utils import flatten_fieldsets
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from negotiations import models
from negotiations.domain.claims import record_claims
from negotiations.domain.provenance import facets_of

PANEL_TITLE = "Where each value comes from"


def field_label(model, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except Exception:  # a virtual facet's field
        return capfirst(name.replace("_", " "))


def shown_value(model, name: str, value) -> str:
    """One field's value as an editor reads it: a choice by its label, a flag as words."""
    if value is True:
        return "yes"
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def value_text(model, fields: list[str], value: dict | None) -> str:
    """A facet's value (field -> value, as the API shows it) in a line; "" if it is empty."""
    if not value:
        return ""
    given = [(name, value.get(name)) for name in fields if value.get(name) not in (None, "", False)]
    if len(fields) == 1:
        return shown_value(model, fields[0], given[0][1]) if given else ""
    return "; ".join(
        f"{field_label(model, name)}: {shown_value(model, name, found)}" for name, found in given
    )


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


class ProvenancePanelAdmin:
    """Adds the panel to a record's page (below its fields), once the record is saved."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "provenance"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "provenance"]})
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
