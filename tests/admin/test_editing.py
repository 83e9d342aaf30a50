"""The admin as editors use it: every page renders, bad edits save nothing."""

import datetime

import pytest
from django.contrib import admin

from negotiations import models
from tests import factories
from tests.helpers import DUPLICATE_ALIAS_CASES, admin_url, change_form_data, new_round_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    """A round of built talks with two agenda items and a cited participant: a change form
    with inlines."""
    talks = factories.negotiation()
    built = factories.round(
        talks, 1, agenda={"steel": factories.area(), "energy": factories.area()}
    )
    models.Participant.objects.create(
        round=built, party=talks.parties.first(), name_as_reported="A minister"
    ).citations.add(factories.citation())
    return built


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
NEGOTIATION_MODELS = [m for m in REGISTERED if m._meta.app_label == "negotiations"]


@pytest.mark.parametrize("model", NEGOTIATION_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_add_and_change_pages_render(staff_client, model):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "changelist"), {"q": "Bessent"}).status_code == 200
    assert staff_client.get(admin_url(model, "add")).status_code == 200
    instance = model.objects.order_by("pk").first()
    assert instance is not None, f"the seed data has no {model._meta.verbose_name}"
    assert staff_client.get(admin_url(model, "change", instance.pk)).status_code == 200


def test_round_changelist_filters_and_date_hierarchy(staff_client):
    talks = factories.negotiation()
    in_2031 = datetime.date(2031, 3, 1)
    ministerial = factories.round(talks, 1, level="ministerial", start_date=in_2031)
    factories.round(talks, 2, level="working", start_date=in_2031)
    url = admin_url(models.Round, "changelist")
    response = staff_client.get(url, {"year": "2031", "level": "ministerial"})
    assert response.status_code == 200
    assert [r.slug for r in response.context["cl"].result_list] == [ministerial.slug]
    assert staff_client.get(url, {"start_date__year": "2031"}).status_code == 200


def test_round_search_finds_rounds_by_a_misspelled_participant(staff_client, round_):
    # A person an article misspelt: the round they were at is found by the misspelling.
    person = factories.person(name="Rudolf Rassendyll")
    person.aliases.create(name="Rudolf Rassendil")
    models.Participant.objects.create(
        round=round_,
        person=person,
        party=round_.negotiation.parties.first(),
        name_as_reported="Rudolf Rassendyll",
    )
    response = staff_client.get(admin_url(models.Round, "changelist"), {"q": "Rassendil"})
    assert [r.slug for r in response.context["cl"].result_list] == [round_.slug]


def test_person_found_by_any_alias(staff_client):
    person = factories.person(name="Rudolf Rassendyll")
    person.aliases.create(name="Rudi Rassen")
    response = staff_client.get(admin_url(models.Person, "changelist"), {"q": "Rudi Rassen"})
    assert [p.slug for p in response.context["cl"].result_list] == [person.slug]


def test_source_admin_lists_everything_that_cites_it(staff_client, round_):
    source = factories.source()
    round_.citations.add(factories.citation(source))
    round_.agenda_items.first().citations.add(factories.citation(source))
    html = staff_client.get(admin_url(models.Source, "change", source.pk)).content.decode()
    cited_by = html.split("Everything that cites this source")[1]
    assert f'href="{admin_url(models.Round, "change", round_.pk)}"' in cited_by
    assert "Agenda item: " in cited_by


def test_round_end_before_start_shows_a_message_and_saves_nothing(staff_client, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    day_before = round_.start_date - datetime.timedelta(days=1)
    data.update(title="Edited title", end_date=day_before.isoformat())

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "cannot be before the start date" in response.content.decode()
    round_.refresh_from_db()
    assert round_.title != "Edited title"
    assert round_.end_date is None or round_.end_date >= round_.start_date


def test_unchanged_round_form_saves(staff_client, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data["summary"] = "Edited in the admin."

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    round_.refresh_from_db()
    assert round_.summary == "Edited in the admin."
    assert round_.agenda_items.count() == 2  # the inlines are kept


def test_duplicate_area_in_a_round_shows_a_message_and_saves_nothing(staff_client):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1, agenda={})
    fx = factories.area(name="Currency policy test")
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data.update(
        {
            "title": "Changed",
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-0-label": "currency policy",
            "agenda_items-0-order": "1",
            "agenda_items-0-slug": "dup-currency",
            "agenda_items-0-canonical_areas": [str(fx.pk)],
            "agenda_items-1-label": "monetary policy",
            "agenda_items-1-order": "2",
            "agenda_items-1-slug": "dup-monetary",
            "agenda_items-1-canonical_areas": [str(fx.pk)],
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Currency policy test is already on this round" in response.content.decode()
    round_.refresh_from_db()
    assert round_.title != "Changed"
    assert not round_.agenda_items.exists()


def test_inline_agenda_item_with_two_areas_is_saved(staff_client):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1, agenda={})
    tariffs, ntm = factories.area(), factories.area()
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "1",
            "agenda_items-0-label": "tariff and non-tariff measures",
            "agenda_items-0-order": "1",
            "agenda_items-0-slug": "two-areas",
            "agenda_items-0-canonical_areas": [str(tariffs.pk), str(ntm.pk)],
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302
    item = round_.agenda_items.get()
    assert set(item.areas.all()) == {tariffs, ntm}


def test_standalone_agenda_item_refuses_an_area_already_in_its_round(staff_client, round_):
    fx = round_.agenda_items.first().areas.get()
    response = staff_client.post(
        admin_url(models.AgendaItem, "add"),
        {
            "round": round_.pk,
            "label": "economic security again",
            "order": "9",
            "slug": "economic-security-again",
            "canonical_areas": [str(fx.pk)],
        },
    )
    assert response.status_code == 200
    assert "already on this round" in response.content.decode()
    assert not models.AgendaItem.objects.filter(slug="economic-security-again").exists()


def test_admin_requires_staff(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="x" * 12)
    client.force_login(user)
    response = client.get(admin_url(models.Round, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_add_round_with_coarse_date(staff_client):
    url, data = new_round_form(
        staff_client,
        factories.negotiation(),
        sequence="99",
        title="Third round of technical consultations",
        slug="technical-3",
        start_date="2025-06-01",
        end_date="2025-06-30",
        date_precision="month",
        date_as_reported="in June",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    created = models.Round.objects.get(slug="technical-3")
    assert created.date_precision == "month"
    assert created.start_date == datetime.date(2025, 6, 1)


def test_concurrent_edit_is_refused_with_a_message(staff_client, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))  # editor A opens the form
    other = models.Round.objects.get(pk=round_.pk)
    other.summary = "Editor B saved first."
    other.save()  # editor B saves meanwhile
    data["summary"] = "Editor A's change."

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Someone else changed this record since you opened it" in response.content.decode()
    round_.refresh_from_db()
    assert round_.summary == "Editor B saved first."


def test_admin_edit_records_history_with_the_editor(staff_client, staff_user, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data["summary"] = "Edited in the admin, recorded."
    assert staff_client.post(url, data).status_code == 302
    latest = round_.history.latest()
    assert latest.history_user == staff_user
    assert latest.summary == "Edited in the admin, recorded."


def test_change_without_edit_token_is_refused_with_a_message(staff_client, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    del data["edit_token"]
    data["summary"] = "Saved without a token."

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "sent without its edit token" in response.content.decode()
    round_.refresh_from_db()
    assert round_.summary != "Saved without a token."


def test_add_needs_no_edit_token(staff_client):
    url = admin_url(models.Party, "add")
    data = change_form_data(staff_client.get(url))
    assert not data.get("edit_token")
    data.update(name="Freedonia", code="FD", kind="country", slug="freedonia")

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert models.Party.objects.filter(slug="freedonia").exists()


def test_edit_token_is_checked_against_the_locked_row(staff_client, monkeypatch, round_):
    from django.db.models import QuerySet

    locked = []
    select_for_update = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        locked.append(queryset.model)
        return select_for_update(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data["summary"] = "Saved under a lock."

    assert staff_client.post(url, data).status_code == 302
    assert models.Round in locked


def test_round_inline_agenda_items_carry_their_edit_token(staff_client):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1, agenda={"energy": factories.area()})
    html = staff_client.get(admin_url(models.Round, "change", round_.pk)).content.decode()
    assert 'name="agenda_items-0-edit_token"' in html


def test_concurrent_edit_of_an_inline_agenda_item_is_refused(staff_client):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1, agenda={"energy": factories.area()})
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    item = round_.agenda_items.get()
    item.label = "Editor B's label"
    item.save()
    data["agenda_items-0-label"] = "Editor A's label"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Someone else changed this record since you opened it" in response.content.decode()
    item.refresh_from_db()
    assert item.label == "Editor B's label"


def test_agenda_item_area_admin_refuses_an_area_already_in_the_round(staff_client):
    talks = factories.negotiation()
    fx = factories.area(name="Currency policy test")
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    other = factories.agenda_item(round_, "monetary policy", [])
    links = models.AgendaItemArea.objects.count()

    response = staff_client.post(
        admin_url(models.AgendaItemArea, "add"), {"item": other.pk, "area": fx.pk}
    )

    assert response.status_code == 200
    assert (
        "Currency policy test is already on this round&#x27;s agenda as \u201ccurrency\u201d."
        in response.content.decode()
    )
    assert models.AgendaItemArea.objects.count() == links


def test_agenda_item_area_admin_adds_a_link_in_its_items_round(staff_client):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1, agenda={})
    item = factories.agenda_item(round_, "energy", [])
    area = factories.area()

    response = staff_client.post(
        admin_url(models.AgendaItemArea, "add"), {"item": item.pk, "area": area.pk}
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert models.AgendaItemArea.objects.get(item=item, area=area).round == round_


def test_round_inline_refuses_a_new_item_with_an_area_of_an_existing_item(staff_client):
    talks = factories.negotiation()
    fx = factories.area(name="Currency policy test")
    round_ = factories.round(talks, 1, agenda={"currency": fx})
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-1-label": "monetary policy",
            "agenda_items-1-order": "2",
            "agenda_items-1-slug": "monetary-again",
            "agenda_items-1-canonical_areas": [str(fx.pk)],
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Currency policy test is already on this round" in response.content.decode()
    assert round_.agenda_items.count() == 1


@DUPLICATE_ALIAS_CASES
def test_duplicate_alias_shows_a_readable_message(staff_client, model, owner, message):
    alias = factories.alias(model)
    count = model.objects.count()

    response = staff_client.post(
        admin_url(model, "add"),
        {owner: getattr(alias, f"{owner}_id"), "name": alias.name.upper(), "kind": alias.kind},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "is violated" not in html
    assert model.objects.count() == count


def test_round_with_a_coarse_date_needs_an_end_date(staff_client):
    url, data = new_round_form(
        staff_client,
        factories.negotiation(),
        sequence="98",
        title="A round some week",
        slug="some-week",
        start_date="2025-06-02",
        date_precision="week",
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "needs an end date" in str(response.context["adminform"].form.errors["end_date"])
    assert not models.Round.objects.filter(slug="some-week").exists()


def test_the_same_new_alias_twice_in_one_form_is_refused(staff_client):
    """Two spellings entered twice in one form are refused with a message, not a 500."""
    person = factories.person()
    url = admin_url(models.Person, "change", person.pk)
    data = change_form_data(staff_client.get(url))
    prefix = "aliases"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, name in enumerate(["Scott Bessant", "scott bessant"]):
        data[f"{prefix}-{total + offset}-name"] = name
        data[f"{prefix}-{total + offset}-kind"] = "misspelling"
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 2)
    before = person.aliases.count()
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "entered twice" in response.content.decode()
    assert person.aliases.count() == before


def test_aliases_that_differ_only_beyond_lower_case_can_both_be_kept(staff_client):
    # The database compares aliases with LOWER(): "Weiß" and "Weiss" are two spellings.
    person = factories.person()
    person.aliases.create(name="Weiß")
    person.aliases.create(name="Weiss")
    url = admin_url(models.Person, "change", person.pk)
    data = change_form_data(staff_client.get(url))
    data["notes"] = "Edited."

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    person.refresh_from_db()
    assert person.notes == "Edited."


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
