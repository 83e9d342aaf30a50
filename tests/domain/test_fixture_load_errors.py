"""A fixture load that fails says so in one line naming the record and the field, never with
a traceback, and prints no "Installed N object(s)" for what it rolled back."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from negotiations import models
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    tariffs = factories.area(slug="load-tariffs", name="Load tariffs")
    factories.area(slug="load-non-tariff-measures", name="Load non-tariff measures")
    return factories.round(
        factories.negotiation(), 1, slug="load-round", agenda={"tariffs": tariffs}
    )


def item(label: str, **fields) -> dict:
    return {
        "model": "negotiations.agendaitem",
        "fields": {"round": ["load-round"], "label": label, "order": 5, **fields},
    }


def load(tmp_path, records) -> tuple[str, str]:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(records))
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("loaddata", str(path), stdout=out, verbosity=1)
    return str(failed.value), out.getvalue()


def test_an_item_with_areas_loads_through_the_write_service(tmp_path, round_):
    """Its item-area rows need the round: a raw IntegrityError traceback, before."""
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps([item("NTBs", areas=[["load-non-tariff-measures"]])]))
    out = io.StringIO()
    call_command("loaddata", str(path), stdout=out, verbosity=1)
    loaded = models.AgendaItem.objects.get(label="NTBs")
    assert list(loaded.areas.values_list("slug", flat=True)) == ["load-non-tariff-measures"]
    assert "Installed 1 object(s)" in out.getvalue()


def test_an_area_taken_by_another_item_is_one_line_naming_the_record(tmp_path, round_):
    message, out = load(tmp_path, [item("tariffs again", areas=[["load-tariffs"]])])
    assert "\n" not in message and "Traceback" not in message
    assert "negotiations.AgendaItem" in message and "areas:" in message
    assert "already on this round's agenda" in message
    assert "Problem installing fixture" not in message
    assert "Installed" not in out
    assert not models.AgendaItem.objects.filter(label="tariffs again").exists()


def test_a_label_that_maps_to_no_area_prints_no_installed_line(tmp_path, round_):
    """ "Installed 1 object(s)" was printed, then the error, and nothing was kept."""
    message, out = load(tmp_path, [item("load nontariff barriers")])
    assert "Installed" not in out
    assert "load nontariff barriers" in message and "Closest:" in message
    assert "load-non-tariff-measures" in message  # the closest areas, with their slugs
    assert not models.AgendaItem.objects.filter(label="load nontariff barriers").exists()


def test_a_value_of_the_wrong_type_is_one_line_naming_the_record(tmp_path, round_):
    message, out = load(tmp_path, [item("x", order="first")])
    assert "\n" not in message and "Problem installing fixture" not in message
    # Django's deserializer names the model and the value (not the field).
    assert "negotiations.agendaitem" in message and "first" in message
    assert "Installed" not in out


def test_a_reported_agenda_without_items_fails_the_load_in_one_line(tmp_path, round_):
    """It would read as every area of the round before dropped ("Dropped 3")."""
    empty = {
        "model": "negotiations.round",
        "fields": {
            "negotiation": [round_.negotiation.slug],
            "sequence": 2,
            "slug": "load-round-two",
            "title": "Round two",
            "agenda_status": "reported",
            "agenda_basis": "discussed",
        },
    }
    message, out = load(tmp_path, [empty])
    assert "\n" not in message
    assert message.startswith("agenda_status: The agenda is marked reported but lists no items")
    assert "load-round-two" in message
    assert "Installed" not in out
    assert not models.Round.objects.filter(slug="load-round-two").exists()
    # With an item, the same round loads.
    path = tmp_path / "fixture.json"
    path.write_text(
        json.dumps(
            [
                empty,
                {
                    **item("tariffs"),
                    "fields": {**item("tariffs")["fields"], "round": ["load-round-two"]},
                },
            ]
        )
    )
    call_command("loaddata", str(path), stdout=io.StringIO(), verbosity=1)
    assert models.Round.objects.get(slug="load-round-two").agenda_items.count() == 1
