"""Hostile input in the admin is a 4xx, never a 500: a NUL character anywhere (PostgreSQL
refuses it even in a value only compared with), numbers too big for a date or the database,
words where numbers belong, in every list filter, search, ordering, date drill-down and
object URL, as each kind of staff user.

The fuzz runs as staff with no permission (refused before anything is read, but a NUL),
view-only staff (lists without actions, forms read-only) and a superuser (actions, editable
forms): a list's filters, search and ordering come from its admin and the request, and the
permissions only decide whether the page opens and what it offers besides. Run on SQLite
in the normal suite and once on PostgreSQL (README, "Security and reliability").
"""

import pytest
from django.contrib import admin
from django.contrib.admin import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.test import RequestFactory

from negotiations import models
from tests import factories
from tests.admin import walk
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

# Values that reach different code: a NUL, words for numbers, a negative, a number of 20
# digits (past every integer column and date), a year whose end is past year 9999, an
# empty value, a day that does not exist, SQL's wildcards and quotes.
HOSTILE = ["\x00", "abc", "-1", "9" * 20, "9999", "", "2025-02-30", "%_\\'\""]
KINDS = ["nobody", "viewer", "superuser"]
# What every list reads besides its filters, search and drill-down.
OTHER_LIST_PARAMETERS = [
    ORDER_VAR,
    PAGE_VAR,
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    TO_FIELD_VAR,
]
ROUND_NEGOTIATION = {
    "app_label": "negotiations",
    "model_name": "round",
    "field_name": "negotiation",
}


# --- The reproductions ---------------------------------------------------------------

KIND_LISTS = [
    model
    for model in walk.REGISTERED
    if any(field.name == "kind" for field in model._meta.get_fields())
]


def test_a_nul_in_a_list_filter_is_a_400_that_names_it(staff_client):
    response = staff_client.get(admin_url(models.Round, "changelist"), {"status__exact": "\x00"})

    assert response.status_code == 400
    assert "The parameter \u201cstatus__exact\u201d contains a NUL character." in (
        response.content.decode()
    )


@pytest.mark.parametrize("model", KIND_LISTS, ids=walk.label)
def test_a_nul_kind_is_a_400_on_every_list(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist"), {"kind": "\x00"}).status_code == 400


def test_a_nul_in_an_autocomplete_term_is_a_400(staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "negotiations",
            "model_name": "round",
            "field_name": "negotiation",
            "term": "\x00",
        },
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]


def test_a_nul_in_a_form_field_or_the_address_is_a_400(staff_client, a_round):
    changelist = admin_url(models.Round, "changelist")
    action = {"action": "delete_selected", "_selected_action": ["\x00"]}
    assert staff_client.post(changelist, action).status_code == 400
    assert staff_client.get(f"{changelist}%00/history/").status_code == 400
    assert models.Round.objects.filter(pk=a_round.pk).exists()


def test_a_nul_is_refused_before_the_login_page_too(client):
    response = client.post("/admin/login/", {"username": "\x00", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["{pk}/history/abc/", "abc/history/1/", "abc/history/"])
def test_a_history_url_that_names_no_version_is_a_404(staff_client, a_round, path):
    url = admin_url(models.Round, "changelist") + path.format(pk=a_round.pk)
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"start_date__year": "9" * 20},
        {"start_date__year": "9999"},
        {"start_date__year": "2025", "start_date__month": "13"},
        {"start_date__year": "9998", "start_date__month": "12", "start_date__day": "٣"},
    ],
    ids=["20 digits", "9999", "month 13", "not an ASCII digit"],
)
def test_a_date_drill_down_out_of_range_is_a_400(staff_client, params):
    response = staff_client.get(admin_url(models.Round, "changelist"), params)
    assert response.status_code == 400
    assert "is a " in response.content.decode()


def test_the_last_day_of_the_drill_down_works(staff_client):
    talks = factories.negotiation()
    last = factories.round(talks, 1, start_date="2100-12-31")  # the last day a date may be
    params = {"start_date__year": "2100", "start_date__month": "12", "start_date__day": "31"}
    response = staff_client.get(admin_url(models.Round, "changelist"), params)
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [last.pk]


def test_a_year_filter_of_20_digits_is_ignored(staff_client):
    response = staff_client.get(admin_url(models.Round, "changelist"), {"year": "9" * 20})
    assert response.status_code == 200


# --- The fuzz: every list parameter and object URL, as each kind of staff user ----------------
#
# A NUL goes in every parameter of every list, object URL and autocomplete, and the other
# hostile values in every parameter whose handling differs: the lists' parameters are read by
# a few kinds of filter, whose code depends on the filter's class and the field's type, so
# each (filter class, field type, lookup) is given every value on the first list that has it
# (search, whose fields differ, on every list). The superuser and the staff without
# permission get the NUL and a number of 20 digits everywhere.


def list_parameters(model) -> list[tuple[str, tuple]]:
    """Every parameter a list of ``model`` reads, with what decides how it is handled: each
    filter's (whether or not the data gives it choices to show), the date drill-down,
    search, ordering, paging and the rest."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = walk.get_user_model()(is_superuser=True, is_staff=True)
    found = []
    for list_filter in model_admin.get_list_filter(request):
        if isinstance(list_filter, type) and issubclass(list_filter, SimpleListFilter):
            found.append((list_filter.parameter_name, (list_filter.__qualname__,)))
            continue
        path, filter_class = (
            list_filter if isinstance(list_filter, tuple | list) else (list_filter, None)
        )
        field = get_fields_from_path(model, path)[-1]
        spec = (filter_class or FieldListFilter.create)(
            field, request, {}, model, model_admin, field_path=path
        )
        kind = (type(spec).__name__, field.get_internal_type())
        found += [(name, (*kind, name.removeprefix(path))) for name in spec.expected_parameters()]
    if field_name := model_admin.date_hierarchy:
        field_type = model._meta.get_field(field_name).get_internal_type()
        for part in ("year", "month", "day"):
            found.append((f"{field_name}__{part}", ("drill-down", field_type, part)))
    if model_admin.search_fields:
        found.append((SEARCH_VAR, ("search", walk.label(model))))
    return found + [(name, (name,)) for name in OTHER_LIST_PARAMETERS]


@pytest.fixture(scope="module")
def plan(world) -> dict:
    """model -> its list's parameters, each with whether it gets every hostile value (the
    filters read their choices from the database as they are made)."""
    seen = set()
    plan = {}
    for model in walk.REGISTERED:
        plan[model] = []
        for name, handling in list_parameters(model):
            plan[model].append((name, handling not in seen))
            seen.add(handling)
    return plan


def answers(world, kind, url, params=None) -> int:
    status = world.client(kind).get(url, params or {}).status_code
    assert status < 500, f"GET {url} {params} as {kind}"
    return status


@pytest.mark.parametrize("model", walk.REGISTERED, ids=walk.label)
def test_every_list_parameter_takes_hostile_values(world, plan, model):
    url = admin_url(model, "changelist")
    for name, every_value in plan[model]:
        assert answers(world, "viewer", url, {name: "\x00"}) == 400, name
        for value in HOSTILE[1:] if every_value else []:
            answers(world, "viewer", url, {name: value})
        for value in ["9" * 20, "abc"] if every_value else []:
            answers(world, "superuser", url, {name: value})
    every = [name for name, _ in plan[model]]
    for kind in ["nobody", "superuser"]:
        assert answers(world, kind, url, dict.fromkeys(every, "\x00")) == 400
        answers(world, kind, url, dict.fromkeys(every, "9" * 20))


def handling_of_ids(model) -> tuple:
    """What decides how an admin reads an id from its URLs: the views and the lookup of its
    class (Django's or overridden), and the primary key's type."""
    model_admin = type(admin.site._registry[model])
    views = ["get_object", "change_view", "delete_view", "history_view", "history_form_view"]
    methods = tuple(getattr(model_admin, name, None) for name in views)
    return (*methods, model._meta.pk.get_internal_type())


FIRST_OF_ITS_HANDLING = {
    handling: model for model in reversed(walk.REGISTERED) for handling in [handling_of_ids(model)]
}


@pytest.mark.parametrize("model", walk.REGISTERED, ids=walk.label)
def test_every_object_url_takes_hostile_ids(world, model):
    """Every object URL of every admin with a NUL, a number of 20 digits and a word for its
    id; every other hostile id on the first admin of each way of reading ids."""
    obj = world.targets[model][0]
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    patterns = [f"{base}{{}}/{view}/" for view in ("change", "delete", "history")]
    patterns.append(f"{base}{{}}/")
    if hasattr(model, "history"):
        patterns += [f"{base}{{}}/history/1/", f"{base}{obj.pk}/history/{{}}/"]
    if model is walk.get_user_model():
        patterns.append(f"{base}{{}}/password/")
    every_id = FIRST_OF_ITS_HANDLING[handling_of_ids(model)] is model
    for pattern in patterns:
        assert answers(world, "viewer", pattern.format("%00")) == 400
        answers(world, "superuser", pattern.format("9" * 20))
        answers(world, "nobody", pattern.format("abc"))
        for key in ["abc", "-1", "9" * 20, "1.5", "_5F", "..%2F"] if every_id else []:
            answers(world, "viewer", pattern.format(key))
            answers(world, "superuser", pattern.format(key))


def autocomplete_fields():
    """(app label, model name, field name) of every autocomplete widget of the admin."""
    request = RequestFactory().get("/")
    request.user = walk.get_user_model()(is_superuser=True, is_staff=True)
    for model in walk.REGISTERED:
        model_admin = admin.site._registry[model]
        for each in [model_admin, *model_admin.get_inline_instances(request)]:
            for name in each.get_autocomplete_fields(request):
                yield each.model._meta.app_label, each.model._meta.model_name, name


def test_every_autocomplete_and_the_review_queue_take_hostile_values(world):
    url = "/admin/autocomplete/"
    for app_label, model_name, field_name in sorted(set(autocomplete_fields())):
        params = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        assert answers(world, "viewer", url, {**params, "term": "\x00"}) == 400
    for name in ["term", "page", "app_label", "model_name", "field_name"]:
        for value in HOSTILE:
            answers(world, "viewer", url, {**ROUND_NEGOTIATION, name: value})
        for kind in ["nobody", "superuser"]:
            assert answers(world, kind, url, {**ROUND_NEGOTIATION, name: "\x00"}) == 400
            answers(world, kind, url, {**ROUND_NEGOTIATION, name: "9" * 20})
    for name in ["kind", "page"]:
        for value in HOSTILE:
            for kind in KINDS:
                answers(world, kind, "/admin/review/", {name: value})
