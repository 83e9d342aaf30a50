"""Helpers shared by several test modules (the JSON-error helpers are in tests/contract.py,
the data builders in tests/factories.py, the seed's slugs in tests/seed.py)."""

import pytest
from django import forms
from django.core.management.color import no_style
from django.db import connection
from django.urls import reverse

from negotiations import models, registry

# Every list of the API, in the order the tests parametrize them.
LIST_PATHS = [
    "parties",
    "organizations",
    "people",
    "negotiations",
    "rounds",
    "agenda-areas",
    "agenda-items",
    "deadlines",
    "measures",
    "positions",
    "sources",
    "citations",
    "conflicts",
]


# --- API answers ----------------------------------------------------------------------------


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [item["slug"] for item in results(response)]


# --- Agenda answers (round_agenda_changes, compare_rounds and their endpoints) ------------


def area_slugs(entries) -> set[str]:
    """The areas of a list of entries (added, dropped, retained, first reported)."""
    return {entry["slug"] for entry in entries}


def entries_by_area(changes) -> dict:
    """Every entry of an answer, by area slug: (kind of change, entry)."""
    return {
        entry["slug"]: (kind, entry)
        for kind in ("first_reported", "added", "dropped", "retained")
        for entry in changes[kind]
    }


def dispute_slugs(entry) -> list[str]:
    return [dispute["slug"] for dispute in entry["disputes"]]


# --- The dashboard -------------------------------------------------------------------------


def dashboard_page(client, url="/dashboard/", **params):
    """A dashboard page that rendered (a 200), for its context and its HTML."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:2000]
    return response


# --- The admin as a browser uses it ---------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(form) -> dict:
    """What a browser would post back for a bound or unbound form, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        widget = form.fields[name].widget
        if isinstance(widget, forms.MultiWidget):  # a date and a time in two inputs
            for index, part in enumerate(widget.decompress(value)):
                data[f"{key}_{index}"] = "" if part is None else str(part)
        elif value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[key] = str(value)
    return data


def change_form_data(response) -> dict:
    """What a browser posts back from an admin change (or add) page, with its inlines."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(form_data(form))
    return data


def new_round_form(client, negotiation, **fields) -> tuple[str, dict]:
    """The admin's add-round URL and what a browser posts for a planned working-level round of
    ``negotiation`` with an unreported agenda, with ``fields`` filled in."""
    url = admin_url(models.Round, "add")
    data = change_form_data(client.get(url))
    data.update(
        negotiation=str(negotiation.pk),
        level="working",
        status="planned",
        agenda_status="not_reported",
    )
    data.update(fields)
    return url, data


def admin_delete(client, record):
    """Delete a record through its admin confirmation page."""
    response = client.post(admin_url(type(record), "delete", record.pk), {"post": "yes"})
    assert response.status_code == 302, response.content[:500]


# Each kind of alias, its owner field and the message a duplicate gets (the model's clean and
# the admin's form say the same).
DUPLICATE_ALIAS_CASES = pytest.mark.parametrize(
    ("model", "owner", "message"),
    [
        (models.PartyAlias, "party", "This party already has this alias."),
        (models.OrganizationAlias, "organization", "This organization already has this alias."),
        (models.PersonAlias, "person", "This person already has this alias."),
    ],
    ids=["party", "organization", "person"],
)


# --- The database as a whole ----------------------------------------------------------------


def empty_negotiations_tables():
    """Every table of the tracker's records emptied (the test's transaction undoes it)."""
    app_models = registry.data_models()
    tables = [model._meta.db_table for model in app_models]
    tables += [
        field.remote_field.through._meta.db_table
        for model in app_models
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)


def row_counts() -> dict[str, int]:
    """Rows of every model of the tracker's records and of their many-to-many tables."""
    app_models = registry.data_models()
    counts = {model._meta.label: model.objects.count() for model in app_models}
    for model in app_models:
        for field in model._meta.local_many_to_many:
            counts[f"{model._meta.label}.{field.name}"] = field.remote_field.through.objects.count()
    return counts


def updated_stamps() -> dict:
    """Every data record's ``updated``, by model and primary key."""
    return {
        model: dict(model.objects.values_list("pk", "updated")) for model in registry.data_models()
    }


def assert_updated_not_back(before: dict) -> None:
    """No record of ``before`` (updated_stamps()) has an older ``updated`` now."""
    for model, stamps in before.items():
        for pk, updated in model.objects.filter(pk__in=stamps).values_list("pk", "updated"):
            assert updated >= stamps[pk], (model, pk)
