"""Edges found in review: each was a 500, a wrong answer or a refused legitimate save."""

import pytest

from negotiations import models
from tests import factories
from tests.admin.test_editing import admin_url, change_form_data
from tests.contract import error_messages

pytestmark = pytest.mark.django_db


def test_agenda_item_change_page_refuses_an_area_of_a_sibling_item(staff_client):
    talks = factories.negotiation()
    fx, trade = factories.area(name="FX test"), factories.area(name="Trade test")
    round_ = factories.round(talks, 1, agenda={"currency": fx, "trade": trade})
    item = round_.agenda_items.get(label="trade")
    url = admin_url(models.AgendaItem, "change", item.pk)
    data = change_form_data(staff_client.get(url))
    data["canonical_areas"] = [str(trade.pk), str(fx.pk)]

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "already on this round" in response.content.decode()
    assert set(item.areas.all()) == {trade}


def test_aliases_that_differ_only_beyond_lower_case_can_both_be_kept(staff_client):
    # The database compares aliases with LOWER(): "Weiß" and "Weiss" are two spellings.
    person = models.Person.objects.get(slug="scott-bessent")
    person.aliases.create(name="Weiß")
    person.aliases.create(name="Weiss")
    url = admin_url(models.Person, "change", person.pk)
    data = change_form_data(staff_client.get(url))
    data["notes"] = "Edited."

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    person.refresh_from_db()
    assert person.notes == "Edited."


@pytest.mark.parametrize("value", ["１２", "1.0", "٣"])
def test_within_days_takes_ascii_digits_only(api, value):
    response = api.get("/api/v1/deadlines/", {"within_days": value})
    assert response.status_code == 400
    assert "within_days" in error_messages(response)


def test_options_is_json_even_when_csv_is_asked_for(api):
    response = api.options("/api/v1/parties/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_cross_origin_dashboards_can_read_the_paging_headers(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    response = api.get(
        "/api/v1/citations/", {"format": "csv"}, HTTP_ORIGIN="https://dashboard.example.org"
    )
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"x-total-count", "link", "etag"} <= exposed
