"""Areas a source says are off the agenda, edited where an editor looks for them: inline in
the round's page (off that round) and in the negotiation's page (off the whole negotiation)."""

import pytest

from negotiations import models
from tests import factories
from tests.helpers import admin_url, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    negotiation = factories.negotiation()
    round_ = factories.round(negotiation, 1, agenda={"steel": factories.area(name="Steel")})
    return negotiation, round_


def prefix(response, model) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline of {model}")


def formset(response, model=models.AgendaExclusion):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    )


def add_row(data: dict, response, **fields) -> str:
    """One new row of the exclusions inline in a page's form data; its prefix."""
    name = prefix(response, models.AgendaExclusion)
    index = int(data[f"{name}-TOTAL_FORMS"])
    data[f"{name}-TOTAL_FORMS"] = str(index + 1)
    for field, value in fields.items():
        data[f"{name}-{index}-{field}"] = value
    return name


def test_an_editor_records_an_area_off_a_rounds_agenda(admin_client, talks):
    negotiation, round_ = talks
    defense = factories.area(name="Defense costs")
    other = factories.negotiation(title="Defense cost talks")
    quote = factories.citation(quote="The discussion did not include defense costs.")
    url = admin_url(models.Round, "change", round_.pk)
    response = admin_client.get(url)
    data = change_form_data(response)
    add_row(
        data,
        response,
        area=str(defense.pk),
        handled_in=str(other.pk),
        note="Handled separately.",
        citations=[str(quote.pk)],
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    exclusion = models.AgendaExclusion.objects.get(round=round_)
    assert (exclusion.negotiation, exclusion.area, exclusion.handled_in) == (
        negotiation,
        defense,
        other,
    )
    assert exclusion.slug == f"{round_.slug}--{defense.slug}-excluded"
    assert list(exclusion.citations.all()) == [quote]


def test_the_same_area_twice_off_a_round_is_refused(admin_client, talks):
    _, round_ = talks
    defense = factories.area(name="Defense costs")
    factories.exclusion(negotiation=round_.negotiation, round=round_, area=defense)
    url = admin_url(models.Round, "change", round_.pk)
    response = admin_client.get(url)
    data = change_form_data(response)
    add_row(data, response, area=str(defense.pk))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "already" in str(formset(response).errors)
    assert models.AgendaExclusion.objects.filter(round=round_).count() == 1


def test_an_area_handled_in_the_same_negotiation_is_refused(admin_client, talks):
    negotiation, round_ = talks
    url = admin_url(models.Round, "change", round_.pk)
    response = admin_client.get(url)
    data = change_form_data(response)
    add_row(data, response, area=str(factories.area().pk), handled_in=str(negotiation.pk))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "same negotiation" in str(formset(response).errors)
    assert not models.AgendaExclusion.objects.filter(negotiation=negotiation).exists()


def test_a_negotiations_page_edits_the_areas_off_the_whole_negotiation(admin_client, talks):
    negotiation, round_ = talks
    off_round = factories.exclusion(negotiation=negotiation, round=round_)
    currency = factories.area(name="Currency")
    url = admin_url(models.Negotiation, "change", negotiation.pk)
    response = admin_client.get(url)
    # The round's own exclusion is edited on the round's page, not here.
    name = prefix(response, models.AgendaExclusion)
    assert formset(response).initial_form_count() == 0
    data = change_form_data(response)
    add_row(data, response, area=str(currency.pk), note="Left to the finance ministries.")

    assert admin_client.post(url, data).status_code == 302
    whole = models.AgendaExclusion.objects.get(negotiation=negotiation, round=None)
    assert whole.area == currency
    assert whole.slug == f"{negotiation.slug}--{currency.slug}-excluded"
    assert models.AgendaExclusion.objects.filter(pk=off_round.pk).exists()

    # Twice the same area off the whole negotiation: refused, nothing written.
    response = admin_client.get(url)
    data = change_form_data(response)
    add_row(data, response, area=str(currency.pk))
    response = admin_client.post(url, data)
    assert response.status_code == 200, name
    assert models.AgendaExclusion.objects.filter(negotiation=negotiation, round=None).count() == 1


def test_a_viewer_sees_the_exclusions_and_cannot_add_one(staff_with, talks):
    negotiation, round_ = talks
    factories.exclusion(negotiation=negotiation, round=round_, area=factories.area(name="Rice"))
    viewer = staff_with()
    url = admin_url(models.Round, "change", round_.pk)
    response = viewer.get(url)
    assert response.status_code == 200
    assert "Rice" in response.content.decode()
    data = change_form_data(response)
    add_row(data, response, area=str(factories.area().pk))
    assert viewer.post(url, data).status_code == 403
    assert models.AgendaExclusion.objects.filter(negotiation=negotiation).count() == 1
