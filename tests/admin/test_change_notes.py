"""An editors' note on an agenda change is shown beside that change only: one that matches
no change of its round is refused with the reason (the admin's own page, the round page's
inline, fixtures), instead of being saved and shown nowhere."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from negotiations import models
from negotiations.choices import AgendaChange
from tests import factories
from tests.helpers import admin_url, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    tariffs = factories.area(slug="notes-tariffs", name="Notes tariffs")
    energy = factories.area(slug="notes-energy", name="Notes energy")
    factories.area(slug="notes-currency", name="Notes currency")
    negotiation = factories.negotiation()
    factories.round(negotiation, 1, agenda={"tariffs": tariffs, "energy": energy})
    second = factories.round(negotiation, 2, slug="notes-two", agenda={"tariffs": tariffs})
    return second


def add_note(staff_client, round_, area_slug, change):
    url = admin_url(models.AgendaChangeAnnotation, "add")
    data = change_form_data(staff_client.get(url))
    data.update(
        round=round_.pk,
        area=models.AgendaArea.objects.get(slug=area_slug).pk,
        change=change,
        basis="editors_reading",
        note="A note.",
    )
    return staff_client.post(url, data)


@pytest.mark.parametrize(
    ("area", "change", "reason"),
    [
        ("notes-currency", AgendaChange.DROPPED, "is on neither this round's agenda nor"),
        ("notes-tariffs", AgendaChange.DROPPED, "Notes tariffs was retained against"),
        ("notes-energy", AgendaChange.ADDED, "Notes energy was dropped against"),
    ],
)
def test_a_note_matching_no_change_is_refused_with_the_reason(
    staff_client, talks, area, change, reason
):
    response = add_note(staff_client, talks, area, change)
    assert response.status_code == 200
    assert reason in " ".join(response.context["adminform"].form.errors["change"])
    assert not models.AgendaChangeAnnotation.objects.filter(round__slug="notes-two").exists()


def test_a_note_on_a_change_that_happened_is_saved(staff_client, talks):
    response = add_note(staff_client, talks, "notes-energy", AgendaChange.DROPPED)
    assert response.status_code == 302
    assert models.AgendaChangeAnnotation.objects.get(round=talks).area.slug == "notes-energy"


def test_a_fixture_note_matching_no_change_fails_the_load_in_one_line(tmp_path, talks):
    path = tmp_path / "notes.json"
    note = {
        "model": "negotiations.agendachangeannotation",
        "fields": {
            "round": ["notes-two"],
            "area": ["notes-currency"],
            "change": "dropped",
            "basis": "editors_reading",
            "note": "Currency dropped.",
        },
    }
    path.write_text(json.dumps([note]))
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("loaddata", str(path), stdout=out, verbosity=1)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith("change: notes-two / notes-currency: Notes currency is on neither")
    assert "Installed" not in out.getvalue()
    assert not models.AgendaChangeAnnotation.objects.filter(round__slug="notes-two").exists()


def test_a_note_on_a_round_being_added_is_not_checked_against_a_stored_agenda(talks):
    """The round page's inline on the add page: no stored agenda yet, no server error."""
    from negotiations.admin import ChangeNoteRule

    new_round = models.Round(negotiation=talks.negotiation, sequence=9)
    form_class = type(
        "NoteForm",
        (ChangeNoteRule,),
        {
            "Meta": type(
                "Meta",
                (),
                {
                    "model": models.AgendaChangeAnnotation,
                    "fields": ["area", "change", "basis", "note"],
                },
            )
        },
    )
    form = form_class(
        data={
            "area": models.AgendaArea.objects.get(slug="notes-currency").pk,
            "change": AgendaChange.DROPPED,
            "basis": "editors_reading",
            "note": "A note.",
        },
        instance=models.AgendaChangeAnnotation(round=new_round),
    )
    assert form.is_valid(), form.errors
