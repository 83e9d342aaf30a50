"""A round's agenda items are edited inline only by an editor who may change (or add) agenda
items: the others see them read-only, and saving the round leaves them as they are."""

import pytest

from negotiations import models
from tests import factories
from tests.helpers import admin_url, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    talks = factories.negotiation()
    steel, energy = factories.area(name="Steel"), factories.area(name="Energy")
    return factories.round(talks, 1, agenda={"steel": steel, "energy": energy})


def agenda(round_) -> list:
    """The round's items with their areas, and how many versions each item has."""
    links = models.AgendaItemArea.objects.filter(round=round_)
    return sorted(
        (label, area, models.AgendaItem.history.filter(id=item).count())
        for label, area, item in links.values_list("item__label", "area__name", "item_id")
    )


def test_a_round_editor_saves_a_round_with_agenda_items(staff_with, round_):
    """Django hands a read-only row's initial values (area ids) back as if cleaned: they are
    the stored ones, not an edit (this was an AttributeError, even with the form unchanged)."""
    round_editor = staff_with("change_round")
    before = agenda(round_)
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(round_editor.get(url))

    assert round_editor.post(url, data).status_code == 302

    data = change_form_data(round_editor.get(url))
    data["title"] = "The first round"
    data["agenda_items-0-canonical_areas"] = []  # ignored: the row is read-only
    data["agenda_items-0-label"] = "coal"

    assert round_editor.post(url, data).status_code == 302
    round_.refresh_from_db()
    assert round_.title == "The first round"
    assert agenda(round_) == before


def test_a_new_item_is_checked_against_the_read_only_ones(staff_with, round_):
    """An editor who may add items but not change them: a new item taking an area of an
    existing one is refused with a message (it was found only while saving: a 500)."""
    adder = staff_with("change_round", "add_agendaitem")
    before = agenda(round_)
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(adder.get(url))
    steel = models.AgendaArea.objects.get(name="Steel")
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "3",
            "agenda_items-2-label": "steel again",
            "agenda_items-2-order": "3",
            "agenda_items-2-canonical_areas": [str(steel.pk)],
        }
    )

    response = adder.post(url, data)

    assert response.status_code == 200
    assert "Steel" in str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert agenda(round_) == before

    data["agenda_items-2-canonical_areas"] = [str(factories.area(name="Coal").pk)]
    assert adder.post(url, data).status_code == 302
    # The new item has two versions: added, then mapped; the others are as they were.
    assert agenda(round_) == sorted([*before, ("steel again", "Coal", 2)])
