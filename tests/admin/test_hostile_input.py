"""Hostile input in the admin is a 4xx, never a 500: a NUL character anywhere (PostgreSQL
refuses it even in a value only compared with), numbers too big for a date or the database,
words where numbers belong.
"""

import pytest
from django.contrib import admin

from negotiations import models
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

# The autocomplete of a round's negotiation.
ROUND_NEGOTIATION = {
    "app_label": "negotiations",
    "model_name": "round",
    "field_name": "negotiation",
}


# --- The reproductions ---------------------------------------------------------------

KIND_LISTS = sorted(
    (
        model
        for model in admin.site._registry
        if any(field.name == "kind" for field in model._meta.get_fields())
    ),
    key=lambda model: model._meta.label,
)


def test_a_nul_in_a_list_filter_is_a_400_that_names_it(staff_client):
    response = staff_client.get(admin_url(models.Round, "changelist"), {"status__exact": "\x00"})

    assert response.status_code == 400
    assert "The parameter \u201cstatus__exact\u201d contains a NUL character." in (
        response.content.decode()
    )


@pytest.mark.parametrize("model", KIND_LISTS, ids=lambda model: model._meta.label_lower)
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
    last = factories.round(talks, 1, start_date="9998-12-31")
    params = {"start_date__year": "9998", "start_date__month": "12", "start_date__day": "31"}
    response = staff_client.get(admin_url(models.Round, "changelist"), params)
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [last.pk]


def test_a_year_filter_of_20_digits_is_ignored(staff_client):
    response = staff_client.get(admin_url(models.Round, "changelist"), {"year": "9" * 20})
    assert response.status_code == 200
