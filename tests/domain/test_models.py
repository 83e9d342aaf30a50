"""Integrity lives in the database, and clean() explains it to editors."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from negotiations import models, registry
from negotiations.domain.labels import resolve_agenda_areas
from negotiations.domain.writes import set_agenda_item_areas, set_round_agenda_areas
from tests import factories
from tests.helpers import DUPLICATE_ALIAS_CASES

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    return factories.negotiation()


def test_round_end_before_start_is_refused_by_the_database(talks):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.round(
            talks, 1, start_date=datetime.date(2025, 5, 2), end_date=datetime.date(2025, 5, 1)
        )


def test_round_end_before_start_explained_by_clean(talks):
    round_ = models.Round(
        negotiation=talks,
        sequence=1,
        slug="bad-dates",
        title="Bad dates",
        start_date=datetime.date(2025, 5, 2),
        end_date=datetime.date(2025, 5, 1),
    )
    with pytest.raises(ValidationError) as error:
        round_.full_clean()
    assert "end_date" in error.value.message_dict
    assert "cannot be before" in error.value.message_dict["end_date"][0]


def test_round_sequence_is_unique_within_a_negotiation(talks):
    factories.round(talks, 1)
    factories.round(factories.negotiation(), 1)  # another negotiation may reuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.round(talks, 1)


def test_duplicate_sequence_explained_by_full_clean(talks):
    factories.round(talks, 1)
    duplicate = models.Round(negotiation=talks, sequence=1, slug="dup", title="Duplicate")
    with pytest.raises(ValidationError, match="already has a round with sequence 1"):
        duplicate.full_clean()


def test_one_agenda_item_per_area_per_round(talks):
    fx = factories.area()
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    other = factories.agenda_item(round_, "monetary policy", [])
    with pytest.raises(IntegrityError), transaction.atomic():
        models.AgendaItemArea.objects.create(item=other, area=fx)


def test_service_refuses_an_area_twice_and_changes_nothing(talks):
    fx, ntm = factories.area(), factories.area()
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    other = factories.agenda_item(round_, "non-tariffs", [ntm])

    with pytest.raises(ValidationError) as error:
        set_agenda_item_areas(item=other, areas=[ntm, fx])

    assert "already on this round's agenda" in error.value.message_dict["areas"][0]
    assert list(other.areas.all()) == [ntm]


def test_service_moves_an_area_between_items_of_a_round(talks):
    fx = factories.area()
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    first = round_.agenda_items.get()
    second = factories.agenda_item(round_, "monetary policy", [])

    set_round_agenda_areas(round=round_, areas_by_item={first: [], second: [fx]})

    assert list(second.areas.all()) == [fx]
    assert not first.areas.exists()


def test_item_area_link_copies_the_round_of_its_item(talks):
    round_ = factories.round(talks, 1, agenda={})
    item = factories.agenda_item(round_, "energy", [])
    link = models.AgendaItemArea(item=item, area=factories.area())
    link.save()
    assert link.round_id == round_.pk


def test_agenda_item_cannot_move_to_another_round(talks):
    first, second = factories.round(talks, 1, agenda={}), factories.round(talks, 2, agenda={})
    item = factories.agenda_item(first, "energy", [])
    item.round = second
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "round" in error.value.message_dict


def test_an_area_has_an_alias_once_whatever_the_case():
    fx = factories.area()
    fx.aliases.create(name="Exchange-rate policy")
    with pytest.raises(IntegrityError), transaction.atomic():
        fx.aliases.create(name="exchange-rate POLICY")


def test_resolve_area_by_alias_any_case():
    fx = factories.area(name="Exchange policy", slug="exchange-policy")
    fx.aliases.create(name="forex policy")
    assert resolve_agenda_areas("Forex Policy") == [fx]
    assert resolve_agenda_areas("exchange-policy") == [fx]
    assert resolve_agenda_areas("no such area") == []


def test_a_label_shared_by_two_areas_resolves_to_both():
    """An alias of two areas (a label that covers both) resolves to both, by name."""
    quotas = factories.area(name="Quotas test", slug="quotas-test")
    levies = factories.area(name="Levies test", slug="levies-test")
    for covered in (quotas, levies):
        covered.aliases.create(name="levies and quotas")
    assert resolve_agenda_areas("Levies and Quotas") == [levies, quotas]


def test_role_end_before_start_is_refused():
    role = models.Role.objects.create(
        person=factories.person(), organization=factories.organization(), title="Minister"
    )
    role.start_date, role.end_date = datetime.date(2025, 2, 1), datetime.date(2025, 1, 1)
    with pytest.raises(ValidationError):
        role.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        role.save()


def test_position_round_must_belong_to_its_negotiation(talks):
    round_ = factories.round(factories.negotiation(), 1)
    position = models.Position.objects.create(
        slug=factories.unique("position"),
        party=talks.parties.first(),
        kind="statement",
        negotiation=round_.negotiation,
        round=round_,
    )
    position.negotiation = talks
    with pytest.raises(ValidationError) as error:
        position.full_clean()
    assert "round" in error.value.message_dict


def test_every_model_has_created_and_updated():
    for model in registry.data_models():
        field_names = {field.name for field in model._meta.get_fields()}
        assert {"created", "updated"} <= field_names, model


def test_item_area_link_in_a_round_that_has_the_area_is_explained_by_clean(talks):
    fx = factories.area(name="Currency policy test")
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    other = factories.agenda_item(round_, "monetary policy", [])
    link = models.AgendaItemArea(item=other, area=fx)  # no round: as an admin form builds it
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert error.value.message_dict["area"] == [
        "Currency policy test is already on this round's agenda as \u201ccurrency\u201d."
    ]
    assert link.round_id == round_.pk


def test_item_area_link_clean_accepts_itself_and_copies_the_round(talks):
    fx = factories.area()
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    link = models.AgendaItemArea.objects.get(round=round_)
    link.full_clean()  # an existing link does not clash with itself
    fresh = models.AgendaItemArea(item=factories.agenda_item(round_, "energy", []))
    fresh.area = factories.area()
    fresh.full_clean()
    assert fresh.round_id == round_.pk


@DUPLICATE_ALIAS_CASES
def test_duplicate_alias_message_is_readable(model, owner, message):
    alias = factories.alias(model)
    duplicate = model(**{owner: getattr(alias, owner)}, name=alias.name.upper())
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == [message]


@pytest.mark.parametrize("taken", ["name", "slug"])
def test_area_alias_cannot_be_another_areas_name_or_slug(taken):
    factories.area(name="Exchange rates", slug="exchange-rates")
    other = factories.area()
    text = {"name": "EXCHANGE RATES", "slug": "Exchange-Rates"}[taken]
    alias = models.AgendaAreaAlias(area=other, name=text)
    with pytest.raises(ValidationError) as error:
        alias.full_clean()
    assert "of another agenda area, Exchange rates" in error.value.message_dict["name"][0]


def test_area_alias_may_be_shared_by_the_areas_a_label_covers():
    fx = factories.area(name="Exchange rates", slug="exchange-rates")
    fx.aliases.create(name="Currency matters")
    other = factories.area()
    alias = models.AgendaAreaAlias(area=other, name="currency MATTERS")
    alias.full_clean()
    alias.save()
    assert set(resolve_agenda_areas("Currency matters")) == {fx, other}


def test_area_alias_may_repeat_its_own_areas_name():
    levies = factories.area(name="Levies", slug="levies")
    alias = models.AgendaAreaAlias(area=levies, name="levies")
    alias.full_clean()
    alias.save()
    alias.full_clean()  # and editing it later does not clash with itself
    assert resolve_agenda_areas("LEVIES") == [levies]


@pytest.mark.parametrize("precision", ["week", "month", "season", "year"])
def test_coarse_round_date_needs_an_end_date(talks, precision):
    round_ = models.Round(
        negotiation=talks,
        sequence=1,
        slug="coarse",
        title="Coarse",
        start_date=datetime.date(2025, 6, 1),
        date_precision=precision,
    )
    with pytest.raises(ValidationError) as error:
        round_.full_clean()
    assert list(error.value.message_dict) == ["end_date"]
    assert f"known only to the {precision} needs an end date" in error.value.messages[0]
    round_.end_date = datetime.date(2025, 6, 30)
    round_.full_clean()


@pytest.mark.parametrize("precision", ["week", "month", "season", "year"])
def test_coarse_deadline_date_needs_an_end_date(precision):
    deadline = models.Deadline(
        slug="coarse", title="Coarse", kind="other", date=datetime.date(2025, 6, 1)
    )
    deadline.date_precision = precision
    with pytest.raises(ValidationError) as error:
        deadline.full_clean()
    assert list(error.value.message_dict) == ["end_date"]
    deadline.end_date = datetime.date(2025, 6, 30)
    deadline.full_clean()


def test_day_precision_needs_no_end_date(talks):
    models.Round(negotiation=talks, sequence=1, slug="day", title="Day").full_clean()
    models.Deadline(slug="d", title="D", kind="other", date=datetime.date(2025, 6, 1)).full_clean()


def test_coarse_dates_without_end_are_refused_by_the_database(talks):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.round(talks, 1, date_precision="month", end_date=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Deadline.objects.create(
            slug="coarse",
            title="Coarse",
            kind="other",
            date=datetime.date(2025, 6, 1),
            date_precision="season",
        )
