"""A round's admin page refuses an agenda marked reported with no item on it: it would read
as every area of the round compared with dropped. Copying the previous agenda is the way in."""

import pytest

from negotiations import models
from negotiations.choices import AgendaBasis, AgendaStatus
from tests import factories
from tests.helpers import admin_url, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreported():
    negotiation = factories.negotiation()
    tariffs = factories.area(slug="empty-tariffs")
    factories.round(negotiation, 1, agenda={"tariffs": tariffs})
    return factories.round(negotiation, 2, slug="empty-round-two")


def save(staff_client, round_, **changes):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data.update(changes)
    return staff_client.post(url, data)


def test_marking_the_agenda_reported_without_items_is_refused(staff_client, unreported):
    response = save(
        staff_client,
        unreported,
        agenda_status=AgendaStatus.REPORTED,
        agenda_basis=AgendaBasis.DISCUSSED,
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "marked reported but lists no items" in response.content.decode()
    unreported.refresh_from_db()
    assert unreported.agenda_status == AgendaStatus.NOT_REPORTED


def test_deleting_the_last_item_of_a_reported_agenda_is_refused(staff_client):
    tariffs = factories.area(slug="empty-last-tariffs")
    round_ = factories.round(factories.negotiation(), 1, agenda={"tariffs": tariffs})
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    prefix = next(key for key in data if key.endswith("-0-id")).removesuffix("-0-id")
    data[f"{prefix}-0-DELETE"] = "on"
    response = staff_client.post(url, data)
    assert "marked reported but lists no items" in response.content.decode()
    assert round_.agenda_items.count() == 1


def test_copying_the_previous_agenda_marks_it_reported_with_items(staff_client, unreported):
    unreported.agenda_status, unreported.agenda_basis = AgendaStatus.REPORTED, "announced"
    unreported.save()
    response = save(staff_client, unreported, _copy_previous_agenda="1")
    assert response.status_code == 302
    assert unreported.agenda_items.count() == 1
